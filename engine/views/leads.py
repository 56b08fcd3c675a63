"""What the lead import's use cases return (M11): frozen, plain values.

    LeadPreview       a file looked at before importing: its first rows and which
                      column would become which field, with every problem found
    LeadImportView    one import (or dry run): its progress while it runs, its counts,
                      summary line, rejects file and the rows that matched something
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# LeadColumn.state
MAPPED = "mapped"      # the column becomes ``field``
UNKNOWN = "unknown"    # no field's name matches: left out (its values stay in the rejects file)
IGNORED = "ignored"    # left out on purpose (an override COLUMN=ignore)

# LeadImportView.status
RUNNING, DONE, FAILED, REVERTED = "running", "done", "failed", "reverted"
INTERRUPTED = "interrupted"  # running, but its worker not heard of for long (see service/lead_imports.py)


@dataclass(frozen=True)
class LeadColumn:
    index: int              # 0-based position in the file
    name: str               # the header as the file has it ("column 3" for a blank one)
    field: str | None       # the lead field it becomes; None when unknown or ignored
    state: str              # MAPPED, UNKNOWN or IGNORED


@dataclass(frozen=True)
class LeadField:
    id: str                 # "tax_id": what a mapping names (COLUMN=tax_id)
    label: str              # "tax id": what a person reads


@dataclass(frozen=True)
class LeadProblem:
    about: str              # "file", "map", or the column's name
    message: str


@dataclass(frozen=True)
class LeadPreview:
    """A lead file as the import would read it. ``problems`` empty: it can be imported
    with these maps. A file that cannot be read at all has no header and one problem
    about "file"; mapping problems (a field two columns claim, a --map naming a column
    the file lacks or a field Dealflow does not know) are about "map" or the column."""

    file_name: str
    kind: str | None                       # "csv" or "xlsx"; None when unreadable
    encoding: str | None                   # CSV: the encoding found
    delimiter: str | None                  # CSV: the delimiter found
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]   # (row number, values) of the first rows, at most 10
    columns: tuple[LeadColumn, ...]        # one per header column, in file order
    fields: tuple[LeadField, ...]          # every field a column may be mapped to
    problems: tuple[LeadProblem, ...]
    maps: tuple[str, ...]                  # the COLUMN=field overrides this preview applied

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class LeadMatch:
    """A row of the file that matched something already there.

    outcome "duplicate": an in-file duplicate of ``kept_row`` (the first row of its
    group, the one imported); the row itself was not imported. outcome "updated" or
    "unchanged": the row matched the existing partner ``partner_id``, whose empty
    fields it filled (or had nothing to add)."""

    row: int
    outcome: str                           # duplicate, updated, unchanged
    key: str                               # "tax id", "name and city", "e-mail domain"
    value: str                             # the key's value, e.g. PL5261041147
    kept_row: int | None = None            # duplicate: the row kept
    partner_id: int | None = None          # updated / unchanged: the partner matched
    partner_name: str | None = None


@dataclass(frozen=True)
class LeadImportView:
    id: int
    file_name: str
    status: str                            # running, interrupted (its worker not heard of), done, failed, reverted
    dry_run: bool                          # a dry run changed nothing and cannot be reverted
    total_rows: int | None                 # data rows, known once the file was read through
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    duplicates: int
    rejected: int
    summary: str                           # rules.leads.summary_line, naming the rejects file
    rejects_file: str | None               # the rejects file's name (no server path); None: no row refused
    matches: tuple[LeadMatch, ...]         # in-file duplicates and rows that matched a partner
    more_matches: int                      # matches left out of ``matches`` (it keeps the first 1,000)
    error: str | None                      # failed: why
    started_at: datetime
    finished_at: datetime | None
    actor: str | None
    reverted_at: datetime | None
    reverted_by: str | None
    may_revert: bool                       # the viewer may revert it now
    revert: dict | None = None             # after a revert: deleted, archived, restored, kept (counts)
    heartbeat_at: datetime | None = None   # when its worker last reported
    may_resume: bool = False               # interrupted, and the viewer may resume it (its file is still there)

    @property
    def duplicate_groups(self) -> dict[int, tuple[int, ...]]:
        """kept row -> the rows that duplicated it (from ``matches``)."""
        groups: dict[int, list[int]] = {}
        for match in self.matches:
            if match.outcome == "duplicate" and match.kept_row is not None:
                groups.setdefault(match.kept_row, []).append(match.row)
        return {kept: tuple(rows) for kept, rows in groups.items()}

    @property
    def percent(self) -> int:
        """Progress 0-100 for a progress bar (0 while the file is still being counted)."""
        if self.status not in (RUNNING, INTERRUPTED):
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
