"""A façade with people and teams but no methodology (a lead import needs none), and
helpers to write lead files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FakeClock

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "methodologies" / "samples" / "leads.csv"
SAMPLE_XLSX = REPO / "methodologies" / "samples" / "leads.xlsx"


def people_engine(db_url: str, clock: FakeClock):
    from engine.service import Engine

    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    for username, role in (("admin", "admin"), ("manager", "manager"), ("manager2", "manager"),
                           ("rep1", "rep"), ("rep3", "rep"), ("designer", "designer")):
        engine.create_user(username, role)
    engine.create_team("sales", "manager", ["rep1"])
    engine.create_team("others", "manager2", ["rep3"])
    return engine


@pytest.fixture
def leads_engine(db_url, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("DEALFLOW_REJECTS_DIR", str(tmp_path / "rejects"))
    monkeypatch.setenv("DEALFLOW_UPLOADS_DIR", str(tmp_path / "uploads"))
    engine = people_engine(db_url, clock)
    yield engine
    engine.close()


def write_csv(path: Path, header, rows, *, delimiter: str = ";", encoding: str = "utf-8") -> Path:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
