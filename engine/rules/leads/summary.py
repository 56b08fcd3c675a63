"""The one line an import ends with, the same for a dry run:

    created 12, updated 3, unchanged 40, duplicates 2, rejected 3 (rejects: leads.rejects.csv)

The counts add up to the file's data rows: every row is counted once, under what
became of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.duplicates + self.rejected


def summary_line(counts: ImportCounts, rejects: str | Path | None = None) -> str:
    line = (f"created {counts.created}, updated {counts.updated}, unchanged {counts.unchanged}, "
            f"duplicates {counts.duplicates}, rejected {counts.rejected}")
    return line + (f" (rejects: {rejects})" if rejects is not None else "")
