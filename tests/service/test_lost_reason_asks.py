"""A deal the process loses without a (complete) reason owes it (M13): its owner gets
the to-do "Record why … was lost" in the inbox and on the deal, which recording
the reason — by hand or by completing the to-do — closes; a reason that needs a
note needs it whoever records it, and a process that gives such a reason without
the note asks for the note the same way."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from tests.conftest import BASE_METHODOLOGY, make_engine
from tests.service.test_lost_reasons import open_deal, task, to_offer

NEEDS_A_FEW_WORDS = {"reason": "'Other' needs a few words on why the deal was lost"}


def lost_by_process(engine, title="Kiosk for Hotel Rex", **extra):
    deal = to_offer(engine, open_deal(engine, title))
    return engine.complete_task(task(deal, "Task_Offer").id, actor=deal.owner, data={"result": "rejected", **extra})


def asks(engine, user):
    return [t for t in engine.list_tasks(user) if t.kind == "why_lost"]


def test_a_deal_the_process_lost_without_a_reason_puts_a_to_do_in_its_owners_inbox(engine, clock):
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    assert (ask.name, ask.assignee, ask.opportunity_id, ask.status) == (
        "Record why Kiosk for Hotel Rex was lost", lost.owner, lost.id, "ready")
    assert ask.due_at == clock.now + timedelta(days=2)
    assert [f.id for f in ask.form] == ["reason_code", "reason"]
    assert [c[0] for c in ask.form[0].choices] == ["price", "competitor", "no_budget", "other"]
    assert [t.id for t in lost.open_tasks] == [ask.id]  # on the deal's page too
    assert lost.lost_reason_missing
    missing = [e for e in lost.events if e.kind == "lost_reason_missing"]
    assert [e.data for e in missing] == [{"reason_code": None, "task": ask.id}]
    assert asks(engine, "rep3") == [] and asks(engine, "manager2") == []
    assert [t.id for t in asks(engine, "manager")] == [ask.id]  # the deal's manager sees it (and may record it)


def test_recording_the_reason_by_hand_closes_the_to_do_and_needs_the_note_a_reason_needs(engine):
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    with pytest.raises(FormError) as err:
        engine.record_lost_reason(lost.id, actor=lost.owner, reason_code="other")
    assert err.value.fields == NEEDS_A_FEW_WORDS
    assert [t.id for t in asks(engine, lost.owner)] == [ask.id]  # refused: still owed
    recorded = engine.record_lost_reason(lost.id, actor="manager", reason_code="other", reason="Went quiet")
    assert (recorded.lost_reason_code, recorded.lost_reason, recorded.lost_reason_missing) == (
        "other", "Went quiet", False)
    assert asks(engine, lost.owner) == [] and recorded.open_tasks == ()
    done = engine.task(ask.id, viewer="admin")
    assert (done.status, done.completed_by) == ("completed", "manager")
    event = [e for e in recorded.events if e.kind == "lost_reason_recorded"][-1]
    assert event.data["tasks"] == [ask.id] and event.actor == "manager"


def test_completing_the_to_do_records_the_reason_checked_as_by_hand(engine):
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    with pytest.raises(PermissionDeniedError):
        engine.complete_task(ask.id, actor="rep3", data={"reason_code": "price"})
    with pytest.raises(FormError) as err:
        engine.complete_task(ask.id, actor=lost.owner, data={"reason_code": "weather"})
    assert set(err.value.fields) == {"reason_code"}
    with pytest.raises(FormError) as err:
        engine.complete_task(ask.id, actor=lost.owner, data={"reason_code": "other", "reason": "  "})
    assert err.value.fields == NEEDS_A_FEW_WORDS
    done = engine.complete_task(ask.id, actor=lost.owner, data={"reason_code": "competitor", "reason": "Cheaper"})
    assert (done.status, done.lost_reason_code, done.lost_reason, done.lost_reason_missing) == (
        "lost", "competitor", "Cheaper", False)
    assert [(t.id, t.completed_by) for t in done.completed_tasks if t.kind == "why_lost"] == [(ask.id, lost.owner)]
    with pytest.raises(ConflictError):
        engine.complete_task(ask.id, actor=lost.owner, data={"reason_code": "price"})
    with pytest.raises(NotFoundError):
        engine.task(ask.id, viewer="rep3")


def test_a_deal_closed_by_hand_or_given_a_reason_by_the_process_owes_nothing(engine):
    closed = engine.close_as_lost(open_deal(engine, "By hand").id, actor="rep1", reason_code="price")
    assert closed.open_tasks == () and not closed.lost_reason_missing
    assert asks(engine, "admin") == []


@pytest.fixture
def coded_engine(db_url, clock, tmp_path):
    """The base methodology whose offer task also asks why (a code and a note)."""
    copy = tmp_path / "coded"
    shutil.copytree(BASE_METHODOLOGY, copy)
    bpmn = copy / "bpmn" / "deal.bpmn"
    field = '<camunda:formField id="result" label="Result" type="enum">'
    text = bpmn.read_text()
    assert field in text
    bpmn.write_text(text.replace(field, (
        '<camunda:formField id="lost_reason_code" label="If rejected: why" type="enum">'
        '<camunda:value id="price" name="Price too high" /><camunda:value id="other" name="Other" />'
        '</camunda:formField><camunda:formField id="lost_reason" label="In a few words" type="string" />'
        + field), 1))
    engine = make_engine(db_url, clock, methodologies=copy)
    yield engine
    engine.close()


def test_a_process_reason_that_needs_a_note_given_without_one_asks_for_the_note(coded_engine):
    engine = coded_engine
    lost = lost_by_process(engine, "Without a note", lost_reason_code="other")
    assert (lost.lost_reason_code, lost.lost_reason, lost.lost_reason_missing) == ("other", None, True)
    (ask,) = asks(engine, lost.owner)
    assert "needs a few words" in ask.instructions and ask.form[0].default == "other"
    assert [e.data for e in lost.events if e.kind == "lost_reason_missing"] == [
        {"reason_code": "other", "missing": "note", "task": ask.id}]
    with pytest.raises(FormError) as err:
        engine.complete_task(ask.id, actor=lost.owner, data={"reason_code": "other"})
    assert err.value.fields == NEEDS_A_FEW_WORDS
    done = engine.complete_task(ask.id, actor=lost.owner, data={"reason_code": "other", "reason": "Merged"})
    assert (done.lost_reason_code, done.lost_reason, done.lost_reason_missing) == ("other", "Merged", False)

    with_note = lost_by_process(engine, "With a note", lost_reason_code="other", lost_reason="Merged")
    coded = lost_by_process(engine, "Coded", lost_reason_code="price")
    for deal, code, note in ((with_note, "other", "Merged"), (coded, "price", None)):
        assert (deal.lost_reason_code, deal.lost_reason, deal.lost_reason_missing, deal.open_tasks) == (
            code, note, False, ())
        assert [e.data for e in deal.events if e.kind.startswith("lost_reason")] == [{"reason_code": code}]
    assert asks(engine, "admin") == []


def test_a_lost_deal_handed_over_with_its_partner_takes_its_to_do_along(engine):
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    partner_id = engine.show_opportunity(lost.id).partner_id
    report = engine.hand_over_partner(partner_id, to="rep2", actor="manager", closed_deals="move",
                                      others_open_deals=True)
    assert report.closed_deals_moved == (lost.id,) and report.tasks_moved == 1
    assert [t.id for t in asks(engine, "rep2")] == [ask.id] and asks(engine, lost.owner) == []
    assert engine.record_lost_reason(lost.id, actor="rep2", reason_code="price").lost_reason_missing is False


def test_the_deals_manager_may_give_the_to_do_to_someone_else(engine):
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    with pytest.raises(PermissionDeniedError):
        engine.reassign_task(ask.id, to="rep2", actor=lost.owner)  # only the deal's manager or an admin
    engine.reassign_task(ask.id, to="rep2", actor="manager")
    assert [t.id for t in asks(engine, "rep2")] == [ask.id] and asks(engine, lost.owner) == []
    done = engine.complete_task(ask.id, actor="rep2", data={"reason_code": "price"})
    assert (done.lost_reason_code, done.lost_reason_missing) == ("price", False)
