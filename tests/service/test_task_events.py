"""A user task's error and escalation boundary events through the façade, on SQLite
and PostgreSQL: the rep reports "Customer withdrew" (the deal is lost) or escalates
"Discount above my limit" (the manager gets a task, the offer stays open); checked
like a completion (still ready, the deal not lost, the actor may work it) inside the
deal's lock; completing and reporting at once: one wins, the other a clear conflict."""

from __future__ import annotations

import shutil

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


def test_the_task_offers_its_boundaries_while_it_is_ready_to_whoever_sees_it(offers):
    deal, task = open_offer(offers)
    offers.create_user("designer", "designer")
    both = (TaskEventView("Boundary_Withdrew", "Customer withdrew", "error", "CUSTOMER_WITHDREW", True),
            TaskEventView("Boundary_Discount", "Discount above my limit", "escalation", "DISCOUNT", False))
    assert offers.task_events(task.id, viewer="rep1") == both
    detail = offers.task_detail(task.id, viewer="designer")  # sees every deal, works none: may not take them
    assert (detail.task.id, detail.task.may_work, detail.events) == (task.id, False, both)
    assert offers.task_detail(task.id, viewer="manager").task.may_work  # the owner's manager may work it
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
    assert [e.code for e in offers.task_events(task.id, viewer="rep1")] == ["CUSTOMER_WITHDREW"]  # raised once
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


# Valid text that fails only when it runs, on a deal of exactly 1000: the step after
# the boundary (its branch's first node) fails, as a broken methodology's would.
FAILING = "share = 100 / (amount - 1000)"


def offers_with_script(tmp_path, name: str, version: str, script: str):
    """The offer methodology with a script task right after each boundary event."""
    target = tmp_path / name
    shutil.copytree(OFFERS, target)
    bpmn = target / "bpmn" / "offer.bpmn"
    text = bpmn.read_text("utf-8")
    for flow, boundary, after in (("Flow_3", "Boundary_Withdrew", "End_Lost"),
                                  ("Flow_4", "Boundary_Discount", "Task_Approve")):
        script_id = boundary.replace("Boundary", "Script")
        old = f'<bpmn:sequenceFlow id="{flow}" sourceRef="{boundary}" targetRef="{after}"/>'
        assert old in text
        text = text.replace(old, f'<bpmn:scriptTask id="{script_id}" name="Share of {boundary}" scriptFormat="python">'
                                 f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
                                 f'<bpmn:sequenceFlow id="{flow}" sourceRef="{boundary}" targetRef="{script_id}"/>'
                                 f'<bpmn:sequenceFlow id="{flow}_b" sourceRef="{script_id}" targetRef="{after}"/>')
        text = text.replace(f"<bpmn:flowNodeRef>{boundary}</bpmn:flowNodeRef>",
                            f"<bpmn:flowNodeRef>{boundary}</bpmn:flowNodeRef>"
                            f"<bpmn:flowNodeRef>{script_id}</bpmn:flowNodeRef>")
    bpmn.write_text(text, "utf-8")
    stages = target / "stages" / "offer-deal.yaml"
    stages.write_text(stages.read_text("utf-8").replace('version: "1.0"', f'version: "{version}"'), "utf-8")
    return target


@pytest.fixture
def failing(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, offers_with_script(tmp_path, "failing", "2.0", FAILING))
    yield engine
    engine.close()


def deploy_the_fix(engine, tmp_path) -> None:
    engine.deploy(str(offers_with_script(tmp_path, "fixed", "2.1", "share = 1")), actor="admin")


def test_a_report_whose_next_step_fails_is_kept_as_the_deals_error_and_nothing_else(failing):
    deal, task = open_offer(failing)
    failed = failing.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1",
                                      message="Budget frozen", variables={"offer_total": 0})
    assert failed.error_message == "division by zero"
    assert failed.error_at == "script task 'Share of Boundary_Withdrew' (Script_Withdrew)"
    assert (failed.status, failed.stage_id) == ("open", "offer")
    assert [t.id for t in failed.open_tasks] == [task.id]  # not ended, not lost
    assert [e.kind for e in failed.events[len(deal.events):]] == ["error"]  # no task_error, no loss
    assert failing.task(task.id, viewer="rep1").status == "ready"


def test_retry_makes_the_failed_report_again_by_its_reporter(failing, tmp_path, clock):
    deal, task = open_offer(failing)
    failing.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1",
                             message="Budget frozen", variables={"offer_total": 0})
    again = failing.retry(deal.id, actor="manager")  # the same broken version: fails the same way
    assert again.error_message == "division by zero" and [t.id for t in again.open_tasks] == [task.id]
    deploy_the_fix(failing, tmp_path)
    clock.advance(minutes=5)
    fixed = failing.retry(deal.id, actor="manager", upgrade=True)
    assert (fixed.error_message, fixed.status, fixed.stage_id, fixed.methodology_label) == (
        None, "lost", "lost", "2.1")
    [retried] = [e for e in fixed.events if e.kind == "retried"][-1:]
    assert (retried.actor, retried.data["step"]) == ("manager", "task_error")
    [event] = [e for e in fixed.events if e.kind == "task_error"]
    assert (event.actor, event.at, event.data["code"], event.data["message"], event.data["data"]) == (
        "rep1", clock.now, "CUSTOMER_WITHDREW", "Budget frozen", {"offer_total": 0})
    [done] = [t for t in fixed.completed_tasks if t.id == task.id]
    assert done.completed_by == "rep1"
    with pytest.raises(ConflictError, match="is lost; there is nothing to retry"):
        failing.retry(deal.id, actor="manager")


def test_a_failed_non_interrupting_escalation_is_not_raised_and_retry_raises_it(failing, tmp_path):
    deal, task = open_offer(failing)
    failed = failing.raise_task_event(task.id, kind="escalation", code="DISCOUNT", actor="rep1")
    assert failed.error_message == "division by zero" and [t.name for t in failed.open_tasks] == ["Prepare offer"]
    assert [e.code for e in failing.task_events(task.id, viewer="rep1")] == ["CUSTOMER_WITHDREW", "DISCOUNT"]
    deploy_the_fix(failing, tmp_path)
    fixed = failing.retry(deal.id, actor="manager", upgrade=True)
    assert fixed.error_message is None
    assert sorted(t.name for t in fixed.open_tasks) == ["Approve the discount", "Prepare offer"]
    assert [e.data["code"] for e in fixed.events if e.kind == "task_escalation"] == ["DISCOUNT"]
    assert [e.code for e in failing.task_events(task.id, viewer="rep1")] == ["CUSTOMER_WITHDREW"]


def test_retrying_a_failed_report_of_a_task_completed_meanwhile_is_a_conflict(failing):
    deal, task = open_offer(failing)
    failing.raise_task_event(task.id, kind="escalation", code="DISCOUNT", actor="rep1")
    done = failing.complete_task(task.id, actor="rep1", data={"offer_total": "900"})  # its holder moved on
    assert (done.status, done.error_message) == ("won", None)
    with pytest.raises(ConflictError, match="no error to retry"):
        failing.retry(deal.id, actor="manager")


def test_retrying_and_reporting_again_at_once_make_the_report_exactly_once(failing, db_url, clock, tmp_path):
    """Both lock the deal and re-check inside the lock: whichever goes first, the error
    is reported once, the deal ends lost without an error, and the other call either
    fails the same way on the broken version or finds the task no longer ready."""
    broken = [open_offer(failing, f"Race {round_}") for round_ in range(3)]
    for _, task in broken:
        failing.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1", view=False)
    deploy_the_fix(failing, tmp_path)
    other = Engine(db_url, clock=clock)
    try:
        for deal, task in broken:
            retried, reported = at_once(
                lambda: failing.retry(deal.id, actor="manager", upgrade=True),
                lambda: other.raise_task_event(task.id, kind="error", code="CUSTOMER_WITHDREW", actor="rep1",
                                               view=False))
            assert not isinstance(retried, Exception), retried  # it finds the error whichever runs first
            if isinstance(reported, Exception):  # after the retry: the task had ended
                assert isinstance(reported, ConflictError) and "no longer ready" in str(reported), reported
            shown = failing.show_opportunity(deal.id)
            assert (shown.status, shown.stage_id, shown.error_message) == ("lost", "lost", None)
            assert [e.kind for e in shown.events].count("task_error") == 1
    finally:
        other.close()
