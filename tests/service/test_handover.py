"""Handing a partner to another rep through the façade (M12), on SQLite and
PostgreSQL: what moves (the partner, its open deals with their open tasks of the old
owner, planned activities, closed deals if asked), what stays, the audit on the
partner and on each deal, the history left as it was, and who may."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.store.models import Event, InboxTask, Opportunity, StageChange
from engine.store.partner_models import Activity, PartnerEvent

HORECA = {"channel": "horeca", "territory": "PL-N"}


def open_deal(engine, partner="Bistro", title="Cold room", owner=None):
    """A deal (rep1's, by the round robin's first turn, unless ``owner``) of ``partner``."""
    return engine.create_opportunity(title=title, amount="1000.00", partner=partner, actor="manager",
                                     attributes=HORECA, owner=owner)


def partner_of(engine, deal_id: int) -> int:
    with engine._sessions() as session:
        return session.get(Opportunity, deal_id).partner_id


def partner_history(engine, partner_id: int) -> list[PartnerEvent]:
    with engine._sessions() as session:
        rows = session.scalars(select(PartnerEvent).where(PartnerEvent.partner_id == partner_id)
                               .order_by(PartnerEvent.id)).all()
        session.expunge_all()
        return list(rows)


def counts(engine) -> dict[str, int]:
    """How many rows of history and activities there are: a hand-over adds its audit
    entries and changes no other row's history."""
    with engine._sessions() as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (Event, StageChange, Activity, InboxTask, PartnerEvent)}


def plan_call(engine, partner_id, deal_id=None, actor="rep1", owner=None, subject="Call back"):
    return engine.plan_activity(actor=actor, partner_id=partner_id, opportunity_id=deal_id, kind="call",
                                subject=subject, starts_at="2026-11-05T10:00", zone="Europe/Warsaw", owner=owner)


@pytest.fixture
def bistro(engine):
    """Partner Bistro of rep1 with two open deals (one a step on), a lost one, a planned
    call, a done call, and a deal of rep2."""
    first = open_deal(engine, title="Cold room")
    second = open_deal(engine, title="Freezer", owner="rep1")
    second = engine.complete_task(second.open_tasks[0].id, actor="rep1", data={"amount": "900"})
    lost = open_deal(engine, title="Old oven", owner="rep1")
    engine.close_as_lost(lost.id, actor="rep1", reason="Chose a competitor")
    others = open_deal(engine, title="Dishwasher", owner="rep2")
    partner_id = partner_of(engine, first.id)
    assert {partner_of(engine, d.id) for d in (second, lost, others)} == {partner_id}
    planned = plan_call(engine, partner_id, first.id)
    done = engine.log_done_activity(actor="rep1", partner_id=partner_id, kind="call", subject="Intro call",
                                    starts_at="2026-11-01T10:00", zone="Europe/Warsaw", outcome="Interested")
    return dict(partner=partner_id, first=first, second=second, lost=lost, others=others, planned=planned,
                done=done)


def test_a_hand_over_moves_the_partner_its_open_deals_their_tasks_and_planned_activities(engine, bistro):
    before = counts(engine)
    history_before = {d: engine.show_opportunity(bistro[d].id) for d in ("first", "second", "lost")}

    report = engine.hand_over_partner(bistro["partner"], to="rep3", actor="manager")

    first, second = bistro["first"].id, bistro["second"].id
    assert (report.from_owner, report.to_owner, report.closed_deals) == ("rep1", "rep3", "stay")
    assert report.open_deals_moved == (first, second)
    assert report.open_deals_kept == (bistro["others"].id,)  # rep2's: Salesforce's option, off by default
    assert report.closed_deals_moved == () and report.closed_deals_kept == (bistro["lost"].id,)
    assert (report.tasks_moved, report.activities_moved) == (2, 1)
    for deal_id in (first, second):
        deal = engine.show_opportunity(deal_id)
        assert deal.owner == "rep3" and {t.assignee for t in deal.open_tasks} == {"rep3"}
        assert deal.events[-1].kind == "reassigned" and deal.events[-1].actor == "manager"
        assert deal.events[-1].data == {"from_owner": "rep1", "to_owner": "rep3", "tasks": 1,
                                        "with_partner": bistro["partner"]}
    assert engine.show_opportunity(bistro["lost"].id).owner == "rep1"
    assert engine.show_opportunity(bistro["others"].id).owner == "rep2"
    assert engine.activity(bistro["planned"].id, viewer="admin").owner == "rep3"
    assert engine.activity(bistro["planned"].id, viewer="admin").sequence == 1  # calendars take the new copy
    assert engine.activity(bistro["done"].id, viewer="admin").owner == "rep1"  # done work stays whose it was

    # History is never rewritten: only the audit rows are new, and what was there reads the same.
    after = counts(engine)
    assert after["Event"] == before["Event"] + 2 and after["PartnerEvent"] == before["PartnerEvent"] + 1
    assert {k: after[k] for k in ("StageChange", "Activity", "InboxTask")} == {
        k: before[k] for k in ("StageChange", "Activity", "InboxTask")}
    for name, old in history_before.items():
        new = engine.show_opportunity(old.id)
        assert new.stage_history == old.stage_history and new.completed_tasks == old.completed_tasks
        assert new.events[:len(old.events)] == old.events and new.closed_by == old.closed_by
    (audit,) = [e for e in partner_history(engine, bistro["partner"]) if e.kind == "handed_over"]
    assert audit.data == {"from_owner": "rep1", "to_owner": "rep3", "open_deals": 2, "open_deals_kept": 1, "tasks": 2,
                          "activities": 1, "closed_deals_moved": 0, "closed_deals_kept": 1,
                          "options": {"closed_deals": "stay", "open_deals": True, "others_open_deals": False,
                                      "activities": True}}
    assert audit.opportunity_id is None


def test_a_dry_run_says_what_would_move_and_changes_nothing(engine, bistro):
    before = counts(engine)
    options = dict(to="rep3", actor="manager", closed_deals="move", others_open_deals=True)
    preview = engine.hand_over_partner(bistro["partner"], dry_run=True, **options)
    assert counts(engine) == before and engine.show_opportunity(bistro["first"].id).owner == "rep1"
    assert engine.partner(bistro["partner"], viewer="admin").owner == "rep1"
    done = engine.hand_over_partner(bistro["partner"], **options)
    assert preview.dry_run and not done.dry_run
    assert dataclasses.replace(preview, dry_run=False) == done
    assert (done.tasks_moved, done.activities_moved, len(done.open_deals_moved)) == (3, 1, 3)
    with pytest.raises(FormError):
        engine.hand_over_partner(bistro["partner"], to="rep2", actor="manager", dry_run="yes")


def test_closed_deals_move_too_when_asked_with_their_history_as_it_was(engine, bistro):
    lost_before = engine.show_opportunity(bistro["lost"].id)
    report = engine.hand_over_partner(bistro["partner"], to="rep2", actor="admin", closed_deals="move")
    assert report.closed_deals_moved == (bistro["lost"].id,) and report.closed_deals_kept == ()
    lost = engine.show_opportunity(bistro["lost"].id)
    assert (lost.owner, lost.status, lost.closed_by) == ("rep2", "lost", lost_before.closed_by)
    assert lost.events[-1].kind == "reassigned" and lost.events[-1].data["tasks"] == 0
    assert report.open_deals_kept == ()  # rep2's own deal: already the new owner's


def test_others_open_deals_and_their_planned_activities_move_with_salesforces_option(engine, bistro):
    theirs = plan_call(engine, bistro["partner"], bistro["others"].id, actor="rep2", subject="Demo")
    report = engine.hand_over_partner(bistro["partner"], to="rep3", actor="manager", others_open_deals=True)
    assert report.open_deals_moved == (bistro["first"].id, bistro["second"].id, bistro["others"].id)
    assert report.open_deals_kept == () and report.activities_moved == 2
    others = engine.show_opportunity(bistro["others"].id)
    assert others.owner == "rep3" and others.events[-1].data["from_owner"] == "rep2"
    assert engine.activity(theirs.id, viewer="admin").owner == "rep3"


def test_keeping_open_deals_and_activities_moves_only_the_partner(engine, bistro):
    report = engine.hand_over_partner(bistro["partner"], to="rep3", actor="manager", open_deals=False,
                                      activities=False)
    assert report.open_deals_moved == () and report.tasks_moved == report.activities_moved == 0
    assert set(report.open_deals_kept) == {bistro["first"].id, bistro["second"].id, bistro["others"].id}
    assert engine.show_opportunity(bistro["first"].id).owner == "rep1"
    assert engine.activity(bistro["planned"].id, viewer="admin").owner == "rep1"
    assert engine.partner(bistro["partner"], viewer="admin").owner == "rep3"


def test_only_a_manager_of_the_owners_team_or_an_admin_may_hand_a_partner_over(engine, bistro):
    engine.create_user("designer", "designer")
    partner = bistro["partner"]
    with pytest.raises(PermissionDeniedError, match="manager"):
        engine.hand_over_partner(partner, to="rep3", actor="rep1")  # its own rep sees it, may not give it away
    for outsider in ("rep3", "manager2", "designer"):  # may not see it: nothing is said of it
        with pytest.raises(NotFoundError, match=f"^no partner {partner}$"):
            engine.hand_over_partner(partner, to="rep3", actor=outsider)
    with pytest.raises(NotFoundError):
        engine.hand_over_partner(partner, to="rep3", actor="nobody")
    assert engine.show_opportunity(bistro["first"].id).owner == "rep1"
    assert [e.kind for e in partner_history(engine, partner)].count("handed_over") == 0
    engine.hand_over_partner(partner, to="rep3", actor="admin")


def test_the_new_owner_must_be_an_active_rep_other_than_the_owner(engine, bistro):
    partner = bistro["partner"]
    for to in ("nobody", "manager", "admin", "", "rep\x00"):
        with pytest.raises(FormError) as refused:
            engine.hand_over_partner(partner, to=to, actor="manager")
        assert set(refused.value.fields) == {"to"}
    with pytest.raises(ConflictError, match="already owned by 'rep1'"):
        engine.hand_over_partner(partner, to="rep1", actor="manager")


def test_options_that_are_not_what_they_must_be_are_named_all_at_once(engine, bistro):
    with pytest.raises(FormError) as refused:
        engine.hand_over_partner(bistro["partner"], to="rep3", actor="manager", closed_deals="maybe",
                                 open_deals="yes", activities=1)
    assert set(refused.value.fields) == {"closed_deals", "open_deals", "activities"}


def test_an_unknown_partner_or_an_id_no_row_can_have_is_not_found(engine):
    for partner_id in (999, 2 ** 40, -1, "1"):
        with pytest.raises(NotFoundError):
            engine.hand_over_partner(partner_id, to="rep3", actor="admin")


def test_an_archived_partner_is_restored_before_it_is_handed_over(engine, bistro):
    solo = open_deal(engine, partner="Solo Bar")
    engine.close_as_lost(solo.id, actor="manager", reason="Closed down")
    partner = partner_of(engine, solo.id)
    engine.archive_partner(partner, actor="manager")
    with pytest.raises(ConflictError, match="archived"):
        engine.hand_over_partner(partner, to="rep3", actor="manager")
    engine.restore_partner(partner, actor="manager")
    assert engine.hand_over_partner(partner, to="rep3", actor="manager").to_owner == "rep3"


def test_a_second_hand_over_starts_from_the_new_owner(engine, bistro):
    engine.hand_over_partner(bistro["partner"], to="rep3", actor="manager")
    # rep3 is in manager2's team now: manager2 manages the partner's owner.
    report = engine.hand_over_partner(bistro["partner"], to="rep2", actor="manager2")
    assert report.from_owner == "rep3" and report.open_deals_moved == (bistro["first"].id, bistro["second"].id)
    assert [e.data["to_owner"] for e in partner_history(engine, bistro["partner"]) if e.kind == "handed_over"] == [
        "rep3", "rep2"]
