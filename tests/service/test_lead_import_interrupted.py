"""A lead import whose worker died (M11): seen as interrupted once its heartbeat is
stale, then resumed after its last committed batch or reverted; a runner that comes
back after that stops without writing; abandoned uploads swept.

The worker's death is a SystemExit raised before a batch (what ending the process
does to it: no ``except Exception`` records a failure); the batches are made small so
that the sample file takes several. Time moves only with the fake clock."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.rules.leads import read_rejects
from engine.service import lead_batch, lead_import
from engine.store.partner_models import LeadImportChange, Partner, PartnerContact, PartnerEvent
from tests.service import lead_fixtures
from tests.service.lead_fixtures import SAMPLE

leads_engine = lead_fixtures.leads_engine  # the fixture, here

SAMPLE_COUNTS = (12, 0, 0, 3, 5)  # created, updated, unchanged, duplicates, rejected of the sample's 20 rows


def count(engine, model, *where) -> int:
    with engine.context.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def counts(view) -> tuple[int, ...]:
    return (view.created, view.updated, view.unchanged, view.duplicates, view.rejected)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(lead_import, "BATCH", 4)  # the sample's 20 rows: 5 batches


def dying_after(monkeypatch, batches: int, before_next=None):
    """lead_batch.place, as the import calls it, with the worker gone after ``batches``
    batches (``before_next``: what happens elsewhere meanwhile, instead of dying)."""
    real = lead_batch.place
    calls = {"n": 0}

    def place(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == batches + 1:
            if before_next is None:
                raise SystemExit("the worker's process ended")
            before_next()
        return real(*args, **kwargs)
    monkeypatch.setattr(lead_batch, "place", place)
    return real


def copy_of_sample(tmp_path):
    return shutil.copy(SAMPLE, tmp_path / "leads.csv")


def died(engine, monkeypatch, tmp_path, batches: int = 2, **options) -> int:
    import_id = engine.start_lead_import(copy_of_sample(tmp_path), file_name="leads.csv", actor="manager",
                                         **options)
    real = dying_after(monkeypatch, batches)
    with pytest.raises(SystemExit):
        engine.run_lead_import(import_id)
    monkeypatch.setattr(lead_batch, "place", real)  # the next worker lives
    return import_id


def test_an_import_whose_worker_died_shows_interrupted_once_unheard_of(leads_engine, clock, monkeypatch, tmp_path,
                                                                      small_batches):
    import_id = died(leads_engine, monkeypatch, tmp_path)
    view = leads_engine.lead_import(import_id, viewer="manager")
    assert (view.status, view.processed_rows, view.total_rows) == ("running", 8, 20)
    assert not view.may_resume and not view.may_revert
    with pytest.raises(ConflictError, match="still running"):
        leads_engine.revert_lead_import(import_id, actor="manager")
    with pytest.raises(ConflictError, match="not interrupted"):
        leads_engine.resume_lead_import(import_id, actor="manager")
    clock.advance(minutes=10)
    assert leads_engine.lead_import(import_id, viewer="manager").status == "running"  # 10 minutes: not yet
    clock.advance(seconds=1)
    view = leads_engine.lead_import(import_id, viewer="manager")
    assert (view.status, view.percent) == ("interrupted", 40)
    assert view.may_resume and view.may_revert
    assert [v.status for v in leads_engine.lead_imports(viewer="admin")] == ["interrupted"]
    # Only what its two committed batches wrote is there.
    assert count(leads_engine, LeadImportChange) == view.created == count(leads_engine, Partner) > 0


def test_a_resumed_import_ends_with_the_counts_of_an_uninterrupted_one(leads_engine, clock, monkeypatch, tmp_path,
                                                                       small_batches):
    import_id = died(leads_engine, monkeypatch, tmp_path)
    clock.advance(minutes=11)
    assert leads_engine.resume_lead_import(import_id, actor="manager") == import_id
    view = leads_engine.run_lead_import(import_id)
    assert (view.status, view.processed_rows) == ("done", 20)
    assert counts(view) == SAMPLE_COUNTS
    assert count(leads_engine, Partner) == 12
    assert count(leads_engine, LeadImportChange) == 12
    assert count(leads_engine, PartnerEvent, PartnerEvent.kind == "imported") == 12
    assert count(leads_engine, PartnerContact) == count(leads_engine, PartnerContact, PartnerContact.id > 0)
    _, rejected = read_rejects(leads_engine.lead_rejects_file(import_id, viewer="manager"), delimiter=";")
    assert len(rejected) == 5  # the rows refused before the death as well as after, once each
    assert view.duplicate_groups == {2: (9, 11), 3: (10,)}
    with pytest.raises(ConflictError, match="has run already"):
        leads_engine.run_lead_import(import_id)
    # ... and it is undone like any other.
    reverted = leads_engine.revert_lead_import(import_id, actor="manager")
    assert reverted.revert["deleted"] == 12 and count(leads_engine, Partner) == 0


def test_an_interrupted_dry_run_starts_again_and_still_changes_nothing(leads_engine, clock, monkeypatch, tmp_path,
                                                                       small_batches):
    import_id = died(leads_engine, monkeypatch, tmp_path, dry_run=True)
    clock.advance(minutes=11)
    view = leads_engine.lead_import(import_id, viewer="manager")
    assert view.status == "interrupted" and view.may_resume and not view.may_revert
    leads_engine.resume_lead_import(import_id, actor="manager")
    view = leads_engine.run_lead_import(import_id)
    assert counts(view) == SAMPLE_COUNTS and view.dry_run
    assert count(leads_engine, Partner) == 0


def test_an_interrupted_import_is_reverted_with_what_it_wrote(leads_engine, clock, monkeypatch, tmp_path,
                                                              small_batches):
    import_id = died(leads_engine, monkeypatch, tmp_path)
    written = count(leads_engine, Partner)
    clock.advance(minutes=30)
    view = leads_engine.revert_lead_import(import_id, actor="manager")
    assert view.status == "reverted" and view.revert["deleted"] == written
    assert count(leads_engine, Partner) == count(leads_engine, LeadImportChange) == 0
    with pytest.raises(ConflictError, match="not interrupted"):
        leads_engine.resume_lead_import(import_id, actor="manager")


def test_a_runner_that_comes_back_after_a_resume_writes_nothing_more(leads_engine, clock, monkeypatch, tmp_path,
                                                                     small_batches):
    """The first runner was only slow: while it was away the import was resumed (by
    the time it tries its third batch). It stops; the resumed run alone finishes."""
    import_id = leads_engine.start_lead_import(copy_of_sample(tmp_path), file_name="leads.csv", actor="manager")

    def resumed_meanwhile():
        clock.advance(minutes=11)
        leads_engine.resume_lead_import(import_id, actor="manager")
    real = dying_after(monkeypatch, 2, resumed_meanwhile)
    with pytest.raises(lead_batch.Superseded, match="resumed elsewhere"):
        leads_engine.run_lead_import(import_id)
    stopped_at = count(leads_engine, Partner)
    view = leads_engine.lead_import(import_id, viewer="manager")
    assert (view.status, view.processed_rows, view.error) == ("running", 8, None)  # not marked failed by it
    monkeypatch.setattr(lead_batch, "place", real)
    view = leads_engine.run_lead_import(import_id)
    assert counts(view) == SAMPLE_COUNTS and count(leads_engine, Partner) == 12 > stopped_at


def test_a_runner_that_comes_back_after_a_revert_writes_nothing_more(leads_engine, clock, monkeypatch, tmp_path,
                                                                     small_batches):
    import_id = leads_engine.start_lead_import(copy_of_sample(tmp_path), file_name="leads.csv", actor="manager")

    def reverted_meanwhile():
        clock.advance(minutes=11)
        leads_engine.revert_lead_import(import_id, actor="manager")
    dying_after(monkeypatch, 2, reverted_meanwhile)
    with pytest.raises(lead_batch.Superseded):
        leads_engine.run_lead_import(import_id)
    assert count(leads_engine, Partner) == count(leads_engine, LeadImportChange) == 0
    assert leads_engine.lead_import(import_id, viewer="manager").status == "reverted"


def test_resuming_is_refused_when_the_file_is_gone_or_changed(leads_engine, clock, monkeypatch, tmp_path,
                                                              small_batches):
    import_id = died(leads_engine, monkeypatch, tmp_path)
    clock.advance(minutes=11)
    source = tmp_path / "leads.csv"
    source.write_bytes(source.read_bytes() + b"Nowa Firma;;;;;\r\n")
    with pytest.raises(ConflictError, match="changed since it started"):
        leads_engine.resume_lead_import(import_id, actor="manager")
    source.unlink()
    with pytest.raises(ConflictError, match="is gone"):
        leads_engine.resume_lead_import(import_id, actor="manager")
    view = leads_engine.lead_import(import_id, viewer="manager")
    assert view.status == "interrupted" and not view.may_resume and view.may_revert


def test_only_its_manager_or_an_admin_resumes_it(leads_engine, clock, monkeypatch, tmp_path, small_batches):
    import_id = died(leads_engine, monkeypatch, tmp_path)
    clock.advance(minutes=11)
    with pytest.raises(NotFoundError):
        leads_engine.resume_lead_import(import_id, actor="manager2")
    with pytest.raises(PermissionDeniedError):
        leads_engine.resume_lead_import(import_id, actor="rep1")
    assert leads_engine.lead_import(import_id, viewer="admin").may_resume  # an admin may
    leads_engine.resume_lead_import(import_id, actor="admin")
    assert counts(leads_engine.run_lead_import(import_id)) == SAMPLE_COUNTS


def test_uploads_never_imported_are_swept_after_a_day(leads_engine, clock, monkeypatch, tmp_path, small_batches):
    uploads = leads_engine.lead_files.uploads_dir
    uploads.mkdir(parents=True, exist_ok=True)

    def upload(name: str, age: timedelta):
        path = uploads / name
        shutil.copy(SAMPLE, path)
        stamp = (clock.now - age).timestamp()
        os.utime(path, (stamp, stamp))
        return path
    old = upload("old.csv", timedelta(hours=24, minutes=1))
    recent = upload("recent.csv", timedelta(hours=23))
    resumable = upload("interrupted.csv", timedelta(days=3))
    import_id = leads_engine.start_lead_import(resumable, file_name="leads.csv", actor="manager")
    dying_after(monkeypatch, 1)
    with pytest.raises(SystemExit):
        leads_engine.run_lead_import(import_id)
    new = leads_engine.lead_upload_path("next.csv")  # each upload sweeps first
    assert new.parent == uploads and not new.exists()
    assert not old.exists() and recent.exists() and resumable.exists()
    # Once the interrupted import is reverted, its file is abandoned too.
    clock.advance(minutes=11)
    leads_engine.revert_lead_import(import_id, actor="manager")
    assert leads_engine.sweep_lead_uploads() == [resumable]
    assert recent.exists()


def test_the_upload_lifetime_is_configurable(leads_engine, clock, monkeypatch):
    monkeypatch.setenv("DEALFLOW_LEAD_UPLOAD_HOURS", "2")
    uploads = leads_engine.lead_files.uploads_dir
    uploads.mkdir(parents=True, exist_ok=True)
    path = uploads / "a.xlsx"
    path.write_bytes(b"x")
    stamp = (clock.now - timedelta(hours=2, seconds=1)).timestamp()
    os.utime(path, (stamp, stamp))
    assert leads_engine.sweep_lead_uploads() == [path]
