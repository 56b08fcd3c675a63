"""What the methodology screens show (issue 15): each methodology's deployed
versions, a validation of the server's methodologies folder, and the difference
between two versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class VersionRow:
    """One deployed version: its number among its methodology's (1, 2, ...), the
    designer's label, when and by whom, how many open deals follow it, which
    segments route new deals to it, and whether new deals start on it."""

    version_id: int
    number: int
    label: str
    deployed_at: datetime
    deployed_by: str | None  # who deployed it, by their display name
    open_deals: int
    segments: tuple[str, ...]
    current: bool


@dataclass(frozen=True)
class MethodologyRow:
    id: str
    name: str
    versions: tuple[VersionRow, ...]  # newest first


@dataclass(frozen=True)
class ValidationReport:
    """The folder the server deploys from, every problem in it (``path:line: message``)
    and, when there are none, a one-line summary."""

    path: str
    problems: tuple[str, ...]
    files: int
    summary: str

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DiffLine:
    """One change, in a section (Methodology, Stages, Tasks, Questionnaires, Other),
    its subject with names beside the ids, e.g. stage "Proposal" (proposal)."""

    op: str  # +, - or ~
    section: str
    subject: str
    detail: str


@dataclass(frozen=True)
class VersionDiff:
    methodology_id: str
    old: VersionRow
    new: VersionRow
    lines: tuple[DiffLine, ...]

    def section(self, name: str) -> tuple[DiffLine, ...]:
        return tuple(line for line in self.lines if line.section == name)
