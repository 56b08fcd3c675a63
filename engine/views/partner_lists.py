"""What the call and mailing lists and the bulk archival return: frozen, plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.rules.partner_lists import ListEntry

__all__ = ["ArchivalReport", "ArchivalView", "ArchivedPartner", "DeletedPartner", "ListEntry", "ListExport",
           "SavedListPage", "SavedListView"]


@dataclass(frozen=True)
class SavedListView:
    id: int
    name: str
    purpose: str  # call, mailing
    criteria: dict  # the partner list's filters, as saved
    owner: str
    created_at: datetime
    may_change: bool  # rename or delete it: its owner or an admin


@dataclass(frozen=True)
class SavedListPage:
    """A saved list with (the first of) the lines it gives the viewer now: their
    visible partners that fit its filters (a mailing list: those with an e-mail)."""

    list: SavedListView
    entries: tuple[ListEntry, ...]
    total: int  # lines in all; the export has every one


@dataclass(frozen=True)
class ListExport:
    file_name: str
    content_type: str
    content: bytes
    rows: int


@dataclass(frozen=True)
class ArchivedPartner:
    id: int
    name: str
    city: str | None
    owner: str | None
    created_at: datetime


@dataclass(frozen=True)
class ArchivalReport:
    """What an archival (or its dry run, or its undo) did or would do."""

    archival_id: int | None  # None for a dry run
    dry_run: bool
    months: int | None  # None for an undo
    cutoff: datetime | None
    partners: tuple[ArchivedPartner, ...]
    undone: bool = False
    skipped: int = 0  # an undo: partners no longer archived by it (restored or deleted since)

    @property
    def count(self) -> int:
        return len(self.partners)


@dataclass(frozen=True)
class ArchivalView:
    id: int
    at: datetime
    by: str | None
    months: int | None
    count: int
    undone_at: datetime | None
    undone_by: str | None

    @property
    def undoable(self) -> bool:
        return self.undone_at is None


@dataclass(frozen=True)
class DeletedPartner:
    id: int
    name: str
