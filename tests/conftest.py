"""Fixtures shared by every test package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "methodologies"


@pytest.fixture
def run_cli():
    """Run ``dealflow ARGS...`` in-process through click; returns the click Result."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped methodologies as ./methodologies in a fresh directory."""
    shutil.copytree(SHIPPED, tmp_path / "methodologies")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "methodologies"


# --- databases ----------------------------------------------------------------------
# Every database test runs on SQLite and, when DEALFLOW_TEST_POSTGRES_URL is set (as
# .ci/run does), on PostgreSQL too — each test in a schema of its own.

import os  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

POSTGRES_URL = os.environ.get("DEALFLOW_TEST_POSTGRES_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
BASE_METHODOLOGY = REPO / "tests" / "methodology" / "base"


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dealflow.db'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


class FakeClock:
    """The clock, the one outer boundary tests fake: it moves only when told to."""

    def __init__(self, start: datetime = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def commands_at(monkeypatch, moment: datetime) -> None:
    """The ``dealflow`` commands the test runs (through click, or as subprocesses given
    ``os.environ``) take ``moment`` as now (DEALFLOW_NOW; their clock runs on from there),
    not the date and hour CI happens to run at."""
    monkeypatch.setenv("DEALFLOW_NOW", moment.isoformat())


def make_engine(db_url: str, clock: FakeClock, methodologies=BASE_METHODOLOGY):
    """An engine on a fresh schema, with the demo's people and ``methodologies`` deployed."""
    from engine.service import Engine

    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    for username, role in (("admin", "admin"), ("manager", "manager"), ("manager2", "manager"),
                           ("rep1", "rep"), ("rep2", "rep"), ("rep3", "rep")):
        engine.create_user(username, role)
    engine.create_team("sales", "manager", ["rep1", "rep2"])
    engine.create_team("horeca", "manager", ["rep1", "rep2"])
    engine.create_team("others", "manager2", ["rep3"])
    engine.deploy(str(methodologies), actor="admin")
    return engine


@pytest.fixture
def engine(db_url, clock):
    """The façade over a fresh database, the base test methodology deployed."""
    engine = make_engine(db_url, clock)
    yield engine
    engine.close()


@pytest.fixture
def engines(db_url, clock):
    """Two engines on the same database — two processes racing — the base methodology
    deployed through the first."""
    from engine.service import Engine

    first = make_engine(db_url, clock)
    second = Engine(db_url, clock=clock)
    yield first, second
    first.close()
    second.close()


def queue_methodology(tmp_path) -> Path:
    """A copy of the base methodology whose manager lane goes to the team's queue."""
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    routing = target / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("manager: owner_manager", "manager: team_queue"), "utf-8")
    return target


# --- the team's shared BPMN corpus ------------------------------------------------------

def shared_corpus() -> Path:
    """The public BPMN files the conformance tests run (outside the repository: their
    own licences apply). $DEALFLOW_CORPUS if set, else ``shared/corpus`` beside the
    repository, else the team machines' /work/shared/corpus. Tests that need it fail —
    never skip — when it is missing, saying where it was looked for."""
    candidates = [Path(os.environ["DEALFLOW_CORPUS"])] if os.environ.get("DEALFLOW_CORPUS") else []
    candidates += [REPO.parent / "shared" / "corpus", Path("/work/shared/corpus")]
    for candidate in candidates:
        if (candidate / "bpmn").is_dir() and (candidate / "SOURCES.md").is_file():
            return candidate
    pytest.fail("the shared BPMN corpus is missing: looked for bpmn/ and SOURCES.md in "
                + ", ".join(str(c) for c in candidates) + "; set DEALFLOW_CORPUS to its folder")

