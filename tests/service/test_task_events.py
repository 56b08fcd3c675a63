"""A user task's error and escalation boundary events through the façade, on SQLite
and PostgreSQL: the rep reports "Customer withdrew" (the deal is lost) or escalates
"Discount above my limit" (the manager gets a task, the offer stays open); checked
like a completion (still ready, the deal not lost, the actor may work it) inside the
deal's lock; completing and reporting at once: one wins, the other a clear conflict."""

from __future__ import annotations

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from engine.service import Engine
from engine.views.task_events import TaskEventView
from tests.conftest import REPO, make_engine
from tests.engine.test_concurrency import at_once

OFFERS = REPO / "tests" / "fixtures" / "task_events"


@pytest.fixture
def offers(db_url, clock):
    engine = make_engine(db_url, clock, OFFERS)
    yield engine
    engine.close()


def open_offer(engine, title="Bistro offer"):
    deal = engine.create_opportunity(title=title, amount="1000.00", partner=f"{title} Ltd", actor="manager",
                                     owner="rep1")
    [task] = deal.open_tasks
    return deal, task


def test_the_task_offers_its_boundaries_to_who_may_work_it(offers):
    deal, task = open_offer(offers)
    assert offers.task_events(task.id, viewer="rep1") == (
        TaskEventView("Boundary_Withdrew", "Customer withdrew", "error", "CUSTOMER_WITHDREW", True),
        TaskEventView("Boundary_Discount", "Discount above my limit", "escalation", "DISCOUNT", False))
    assert offers.task_events(task.id, viewer="manager")[0].kind == "error"  # the owner's manager may work it
    for stranger in ("rep2", "rep3"):
        with pytest.raises(NotFoundError):
            offers.task_events(task.id, viewer=stranger)
    offers.close_as_lost(deal.id, actor="manager", reason="Chose a competitor")
    assert offers.task_events(task.id, viewer="rep1") == ()


def test_reporting_an_error_ends_the_task_through_its_boundary_and_loses_the_deal(offers, clock):
    deal, task = open_offer(offers)
    clock.advance(minutes=5)
    shown = offers.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1",
                                    message="Budget frozen until spring")
    assert (shown.status, shown.stage_id) == ("lost", "lost")
    assert [t.kind for t in shown.open_tasks] == ["why_lost"]  # as for any loss the process gives no reason for
    [done] = [t for t in shown.completed_tasks if t.id == task.id]
    assert (done.completed_by, done.completed_at) == ("rep1", clock.now)
    [event] = [e for e in shown.events if e.kind == "task_error"]
    assert event.actor == "rep1" and event.data["boundary"] == "Boundary_Withdrew"
    assert (event.data["code"], event.data["message"]) == ("CUSTOMER_WITHDREW", "Budget frozen until spring")
    with pytest.raises(ConflictError, match="no longer ready"):
        offers.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1")
    with pytest.raises(ConflictError, match="no longer ready"):
        offers.complete_task(task.id, actor="rep1", data={})


def test_a_non_interrupting_escalation_gives_the_manager_a_task_and_leaves_the_offer_open(offers):
    deal, task = open_offer(offers)
    shown = offers.raise_task_event(task.id, kind="escalation", code="DISCOUNT", actor="rep1")
    assert shown.status == "open"
    assert sorted((t.name, t.assignee) for t in shown.open_tasks) == [
        ("Approve the discount", "manager"), ("Prepare offer", "rep1")]
    assert [e.data["interrupting"] for e in shown.events if e.kind == "task_escalation"] == [False]
    with pytest.raises(ConflictError, match="“Discount above my limit” was already raised on 'Prepare offer'"):
        offers.raise_task_event(task.id, kind="escalation", code="DISCOUNT", actor="rep1")
    shown = offers.complete_task(task.id, actor="rep1", data={"offer_total": "900"})
    assert [t.name for t in shown.open_tasks] == ["Approve the discount"]


def test_who_may_not_complete_the_task_may_not_end_it_either(offers):
    _, task = open_offer(offers)
    with pytest.raises(PermissionDeniedError, match="may not complete"):
        offers.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep2")
    with pytest.raises(NotFoundError):
        offers.raise_task_event("999999", kind="error", code="CUSTOMER_WITHDREW", actor="rep1")
    assert offers.task(task.id, viewer="rep1").status == "ready"


def test_bad_input_is_refused_field_by_field_and_changes_nothing(offers):
    deal, task = open_offer(offers)
    with pytest.raises(FormError) as refused:
        offers.raise_task_event(task.id, kind="error", code="WHATEVER", actor="rep1")
    assert list(refused.value.fields) == ["errorCode"]
    assert "'CUSTOMER_WITHDREW' (Customer withdrew)" in refused.value.fields["errorCode"]
    with pytest.raises(FormError) as refused:
        offers.raise_task_event(task.id, kind="escalation", code=7, actor="rep1")
    assert list(refused.value.fields) == ["escalationCode"]
    with pytest.raises(FormError) as refused:
        offers.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1",
                                variables={"offer_totl": 5})
    assert list(refused.value.fields) == ["variables.offer_totl"]
    with pytest.raises(FormError) as refused:
        offers.raise_task_event(task.id, kind="complaint", code="X", actor="rep1")
    assert list(refused.value.fields) == ["kind"]
    shown = offers.show_opportunity(deal.id)
    assert shown.status == "open" and [t.id for t in shown.open_tasks] == [task.id]


def test_completing_and_reporting_an_error_at_once_lets_exactly_one_win(offers, db_url, clock):
    other = Engine(db_url, clock=clock)
    try:
        for round_ in range(3):
            deal, task = open_offer(offers, f"Race {round_}")
            outcomes = at_once(
                lambda: offers.complete_task(task.id, actor="rep1", data={"offer_total": "900"}, view=False),
                lambda: other.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1",
                                               view=False))
            errors = [o for o in outcomes if isinstance(o, Exception)]
            assert len(errors) == 1 and isinstance(errors[0], ConflictError), outcomes
            assert "no longer ready" in str(errors[0]) or "same time" in str(errors[0]), str(errors[0])
            shown = offers.show_opportunity(deal.id)
            won = isinstance(outcomes[1], Exception)
            assert (shown.status, shown.stage_id) == (("won", "won") if won else ("lost", "lost"))
            kinds = [e.kind for e in shown.events]
            assert kinds.count("task_completed") + kinds.count("task_error") == 1, kinds
    finally:
        other.close()
