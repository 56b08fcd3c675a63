"""Where the lead import keeps its files: the rejects files it writes and the uploads
the web saves before importing. Always a folder the server chose, never a path from a
request; a rejects file is named by its import's id.

    DEALFLOW_REJECTS_DIR     the rejects files' folder
    DEALFLOW_UPLOADS_DIR     the uploaded lead files' folder
    otherwise                ``rejects/`` and ``lead-uploads/`` beside the SQLite
                             database file; for PostgreSQL (or an in-memory SQLite)
                             under $XDG_DATA_HOME/dealflow (~/.local/share/dealflow)

An upload is deleted when its import ends; one uploaded and never imported (the
preview left, a dry run not followed by the import) stays until it is older than
DEALFLOW_LEAD_UPLOAD_HOURS (default 24, by its modification time) and then goes with
the next upload's sweep (``sweep``), unless a running or interrupted import reads it.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from engine.store.leads import sqlite_file

# Only these suffixes survive into an upload's name (the content decides the format anyway).
_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
DEFAULT_UPLOAD_HOURS = 24


def setting(name: str, default: float) -> float:
    """A number from the environment; ``default`` when unset or not a number."""
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def upload_lifetime() -> timedelta:
    return timedelta(hours=max(setting("DEALFLOW_LEAD_UPLOAD_HOURS", DEFAULT_UPLOAD_HOURS), 0))


@dataclass(frozen=True)
class LeadFiles:
    rejects_dir: Path
    uploads_dir: Path

    @classmethod
    def for_database(cls, url: str) -> "LeadFiles":
        base = _beside_database(url)
        rejects = os.environ.get("DEALFLOW_REJECTS_DIR")
        uploads = os.environ.get("DEALFLOW_UPLOADS_DIR")
        return cls(rejects_dir=Path(rejects) if rejects else base / "rejects",
                   uploads_dir=Path(uploads) if uploads else base / "lead-uploads")

    def rejects_name(self, import_id: int) -> str:
        return f"lead-import-{import_id}-rejects.csv"

    def rejects_path(self, import_id: int) -> Path:
        self.rejects_dir.mkdir(parents=True, exist_ok=True)
        return self.rejects_dir / self.rejects_name(import_id)

    def upload_path(self, file_name: str) -> Path:
        """A new path in the uploads folder; only the suffix of ``file_name`` is kept."""
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        suffix = Path(file_name or "").suffix.lower()
        return self.uploads_dir / f"{uuid.uuid4().hex}{suffix if suffix in _SUFFIXES else ''}"

    def sweep(self, now: datetime, keep: set[str]) -> list[Path]:
        """The uploads last written before ``now`` less their lifetime, except those in
        ``keep`` (resolved paths), deleted; which."""
        if not self.uploads_dir.is_dir():
            return []
        before = (now - upload_lifetime()).timestamp()
        gone = []
        for path in self.uploads_dir.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < before and str(path.resolve()) not in keep:
                    path.unlink()
                    gone.append(path)
            except FileNotFoundError:
                continue  # removed meanwhile (its import ended)
        return sorted(gone)


def _beside_database(url: str) -> Path:
    database = sqlite_file(url)
    if database is not None:
        return database.resolve().parent
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "dealflow"
