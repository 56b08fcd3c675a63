"""What the designer's draft screen shows (issue 15): a methodology's files as the
draft has them, every problem of the draft beside its file, and what deploying it
would change against the version it started from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.views.designer import DiffLine, VersionRow


@dataclass(frozen=True)
class DraftFile:
    path: str  # relative to the methodology's folder, e.g. stages/horeca-bant.yaml
    changed: bool  # the draft holds another text than the deployed version
    problems: tuple[str, ...]  # this file's problems, path:line: message


@dataclass(frozen=True)
class TextDiff:
    path: str
    lines: tuple[str, ...]  # a unified diff: '+', '-', ' ' or '@@' first


@dataclass(frozen=True)
class DraftView:
    """A methodology's draft, or (``exists`` false) the files of its current version,
    ready to be changed. ``lines`` (with ``section``) is the semantic difference from
    ``base``, the same as between two deployed versions; ``texts`` the line diffs."""

    methodology_id: str
    name: str
    base: VersionRow  # the deployed version the draft started from
    current: VersionRow  # the version new deals start on (another one: the draft is stale)
    exists: bool
    updated_by: str | None
    updated_at: datetime | None
    files: tuple[DraftFile, ...]
    problems: tuple[str, ...]  # every problem, path:line: message
    editing: str  # the file shown in the editor
    text: str  # its text in the draft
    lines: tuple[DiffLine, ...]
    texts: tuple[TextDiff, ...]
    max_bytes: int

    @property
    def stale(self) -> bool:
        return self.base.version_id != self.current.version_id

    @property
    def deployable(self) -> bool:
        return self.exists and not self.problems and not self.stale and bool(self.texts)

    def section(self, name: str) -> tuple[DiffLine, ...]:
        return tuple(line for line in self.lines if line.section == name)
