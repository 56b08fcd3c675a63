"""Archiving inactive prospects in bulk (with a dry run), undoing it, and deleting a
partner as a separate act (M11), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.rules.partner_lists import months_before
from engine.store.partner_models import PartnerEvent
from tests.service.partner_seeds import partner_row, seed_activity, seed_partner


def names(report) -> list[str]:
    return sorted(p.name for p in report.partners)


def history(engine, partner_id: int) -> list[tuple[str, dict]]:
    with engine._sessions() as session:
        return [(e.kind, e.data) for e in session.query(PartnerEvent).filter_by(partner_id=partner_id)
                .order_by(PartnerEvent.id)]


@pytest.fixture
def aged(engine, clock):
    """Prospects created 14 months ago, then what happened to some of them since."""
    clock.advance(days=-14 * 31)
    ids = {name: seed_partner(engine, name) for name in ("Quiet", "Called", "Planned", "Dealt")}
    ids["Customer"] = seed_partner(engine, "Customer", kind="customer")
    ids["Far away"] = seed_partner(engine, "Far away", owner="rep3")  # the other manager's team
    clock.advance(days=14 * 31)
    seed_activity(engine, ids["Called"], starts_in=timedelta(days=-30))  # done a month ago
    seed_activity(engine, ids["Planned"], status="planned", starts_in=timedelta(days=-400))  # overdue, still planned
    engine.create_opportunity(title="Deal", amount="1000", partner="Dealt", actor="manager")  # an open deal
    ids["Fresh"] = seed_partner(engine, "Fresh")  # created today
    return ids


def test_a_dry_run_lists_the_prospects_untouched_for_n_months_and_changes_nothing(engine, aged):
    report = engine.archive_inactive_prospects(months=12, actor="admin", dry_run=True)
    assert (report.dry_run, report.archival_id, names(report)) == (True, None, ["Far away", "Quiet"])
    assert report.cutoff == months_before(engine.now(), 12)
    assert partner_row(engine, aged["Quiet"]).status == "active"
    assert engine.partner_archivals(viewer="admin") == []


def test_archiving_marks_each_partner_archived_with_a_history_entry_and_records_the_ids(engine, aged):
    report = engine.archive_inactive_prospects(months=12, actor="admin")
    assert names(report) == ["Far away", "Quiet"] and report.archival_id is not None
    quiet = partner_row(engine, aged["Quiet"])
    assert (quiet.status, quiet.archive_batch_id, quiet.archived_at) == ("archived", report.archival_id, engine.now())
    assert history(engine, aged["Quiet"])[-1] == ("archived", {"archival_id": report.archival_id, "months": 12})
    for kept in ("Called", "Planned", "Dealt", "Customer", "Fresh"):
        assert partner_row(engine, aged[kept]).status == "active", kept
    (listed,) = engine.partner_archivals(viewer="admin")
    assert (listed.id, listed.count, listed.months, listed.by, listed.undoable) == (
        report.archival_id, 2, 12, "admin", True)
    again = engine.archive_inactive_prospects(months=12, actor="admin")
    assert (again.archival_id, again.partners) == (None, ())  # nothing left to archive: no empty archival


def test_a_shorter_period_counts_the_activity_of_a_month_ago_as_recent_only_within_it(engine, aged):
    assert "Called" not in names(engine.archive_inactive_prospects(months=1, actor="admin", dry_run=True))
    assert "Planned" not in names(engine.archive_inactive_prospects(months=1, actor="admin", dry_run=True))


def test_undo_restores_those_still_archived_by_it_and_skips_the_others(engine, aged, clock):
    report = engine.archive_inactive_prospects(months=12, actor="admin")
    with engine._sessions() as session, session.begin():  # someone restored one by hand meanwhile
        from engine.store.partner_models import Partner
        session.get(Partner, aged["Far away"]).status = "active"
    clock.advance(hours=1)
    undone = engine.undo_archival(report.archival_id, actor="admin")
    assert (undone.undone, names(undone), undone.skipped) == (True, ["Quiet"], 1)
    quiet = partner_row(engine, aged["Quiet"])
    assert (quiet.status, quiet.archive_batch_id, quiet.archived_at) == ("active", None, None)
    assert history(engine, aged["Quiet"])[-1] == ("restored", {"archival_id": report.archival_id})
    (listed,) = engine.partner_archivals(viewer="admin")
    assert (listed.undone_at, listed.undone_by, listed.undoable) == (clock.now, "admin", False)
    with pytest.raises(ConflictError, match="undone already"):
        engine.undo_archival(report.archival_id, actor="admin")


def test_a_manager_archives_only_the_prospects_of_their_teams(engine, aged):
    mine = engine.archive_inactive_prospects(months=12, actor="manager2")
    assert names(mine) == ["Far away"]  # rep3's; rep1's belong to the other manager's teams
    assert partner_row(engine, aged["Quiet"]).status == "active"
    assert [a.id for a in engine.partner_archivals(viewer="manager")] == []
    with pytest.raises(NotFoundError, match=f"no archival {mine.archival_id}"):
        engine.undo_archival(mine.archival_id, actor="manager")  # another manager's archival
    assert names(engine.archive_inactive_prospects(months=12, actor="manager")) == ["Quiet"]


@pytest.mark.parametrize("who", ["rep1", "designer"])
def test_reps_and_designers_may_not_archive_in_bulk(engine, aged, who):
    if who == "designer":
        engine.create_user("designer", "designer")
    with pytest.raises(PermissionDeniedError, match="only managers and admins"):
        engine.archive_inactive_prospects(months=12, actor=who, dry_run=True)
    with pytest.raises(PermissionDeniedError):
        engine.partner_archivals(viewer=who)


@pytest.mark.parametrize("months", [0, -1, 121, "twelve", 1.5, True, None])
def test_the_months_are_a_whole_number_from_1_to_120(engine, months):
    with pytest.raises(FormError) as refused:
        engine.archive_inactive_prospects(months=months, actor="admin", dry_run=True)
    assert refused.value.fields == {"months": "enter a whole number of months from 1 to 120"}


def test_deleting_a_partner_is_an_admins_act_refused_while_it_has_deals_or_activities(engine, aged):
    quiet = aged["Quiet"]
    with pytest.raises(PermissionDeniedError, match="only an admin"):
        engine.delete_partner(quiet, actor="manager")
    with pytest.raises(ConflictError, match="has deals; archive it instead"):
        engine.delete_partner(aged["Dealt"], actor="admin")
    with pytest.raises(ConflictError, match="has activities; archive it instead"):
        engine.delete_partner(aged["Called"], actor="admin")
    deleted = engine.delete_partner(quiet, actor="admin")
    assert (deleted.id, deleted.name) == (quiet, "Quiet")
    assert partner_row(engine, quiet) is None and history(engine, quiet) == []
    with pytest.raises(NotFoundError, match=f"no partner {quiet}"):
        engine.delete_partner(quiet, actor="admin")
    with pytest.raises(NotFoundError):
        engine.delete_partner(2 ** 40, actor="admin")


def test_undoing_an_archival_skips_a_partner_deleted_since(engine, aged):
    seed = seed_partner(engine, "With contact", contacts=(("Ann", "ann@example.com", None),))
    engine.delete_partner(seed, actor="admin")  # its contacts and history go with it
    report = engine.archive_inactive_prospects(months=12, actor="admin")
    engine.delete_partner(aged["Quiet"], actor="admin")
    undone = engine.undo_archival(report.archival_id, actor="admin")
    assert (names(undone), undone.skipped) == (["Far away"], 1)


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    utc = timezone.utc
    assert months_before(datetime(2026, 3, 31, 9, tzinfo=utc), 1) == datetime(2026, 2, 28, 9, tzinfo=utc)
    assert months_before(datetime(2028, 3, 31, tzinfo=utc), 1) == datetime(2028, 2, 29, tzinfo=utc)
    assert months_before(datetime(2026, 1, 15, tzinfo=utc), 13) == datetime(2024, 12, 15, tzinfo=utc)
