"""A failed step on one parallel branch stays the deal's error — shown, and run again
by ``retry`` — while the other branches go on (engine.rules.failed_steps): their
steps do not make the deal forget it while its task is still ready; a person's failed
step lets the other branches' timers fire; a failed timer is held, not fired again at
every sweep. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from engine.rules import failed_steps
from engine.service import Engine, unit_of_work
from engine.store.models import Opportunity
from tests.conftest import make_engine
from tests.engine.test_concurrency import at_once
from tests.file_edits import copy_base, edit

BROKEN = "discount = 100 / (amount - 20000)"  # the deals below have an amount of 20000
FINE = "discount = 10"
ROUNDS = 4  # the race below meets both orders on PostgreSQL

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_deal" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="small_deal" name="Small deal" isExecutable="true">
    <bpmn:laneSet id="LaneSet_deal">
      <bpmn:lane id="Lane_rep" name="rep">
        <bpmn:flowNodeRef>Start_Lead</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Qualify</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Fork</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Offer</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Script_Offer</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Wait_Review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Script_Review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Join</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Gateway_Result</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="Lane_manager" name="manager">
        <bpmn:flowNodeRef>End_Won</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>End_Lost</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Start_Lead" />
    <bpmn:userTask id="Task_Qualify" name="Qualify the lead">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="amount" label="Amount" type="long" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:parallelGateway id="Fork" />
    <bpmn:userTask id="Task_Offer" name="Send the offer">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="result" label="Result" type="enum">
          <camunda:value id="accepted" name="Accepted" />
          <camunda:value id="rejected" name="Rejected" />
        </camunda:formField>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:scriptTask id="Script_Offer" name="Price the offer" scriptFormat="python"><bpmn:script>OFFER</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="Wait_Review" name="Two days for the contract">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P2D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="Script_Review" name="Prepare the review" scriptFormat="python"><bpmn:script>REVIEW</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="Task_Review" name="Review the contract" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:exclusiveGateway id="Gateway_Result" default="Flow_Lost" />
    <bpmn:endEvent id="End_Won" />
    <bpmn:endEvent id="End_Lost" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Lead" targetRef="Task_Qualify" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Qualify" targetRef="Fork" />
    <bpmn:sequenceFlow id="Flow_A1" sourceRef="Fork" targetRef="Task_Offer" />
    <bpmn:sequenceFlow id="Flow_A2" sourceRef="Task_Offer" targetRef="Script_Offer" />
    <bpmn:sequenceFlow id="Flow_A3" sourceRef="Script_Offer" targetRef="Join" />
    <bpmn:sequenceFlow id="Flow_B1" sourceRef="Fork" targetRef="Wait_Review" />
    <bpmn:sequenceFlow id="Flow_B2" sourceRef="Wait_Review" targetRef="Script_Review" />
    <bpmn:sequenceFlow id="Flow_B3" sourceRef="Script_Review" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_B4" sourceRef="Task_Review" targetRef="Join" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Join" targetRef="Gateway_Result" />
    <bpmn:sequenceFlow id="Flow_Won" sourceRef="Gateway_Result" targetRef="End_Won">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">result == 'accepted'</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Lost" sourceRef="Gateway_Result" targetRef="End_Lost" />
  </bpmn:process>
</bpmn:definitions>
"""


def parallel_methodology(tmp_path, name: str, version: str, *, offer: str, review: str):
    """small-deal with two branches after qualification: the offer (then a script)
    and, two days later, a script then the contract's review; both join before the result."""
    folder = copy_base(tmp_path / name)
    (folder / "bpmn" / "deal.bpmn").write_text(PROCESS.replace("OFFER", offer).replace("REVIEW", review), "utf-8")
    edit(folder / "stages" / "small-deal.yaml", 'version: "1.0"', f'version: "{version}"')
    edit(folder / "routing" / "default.yaml", "small-deal@1.0", "small-deal")
    return folder


@pytest.fixture
def setup(db_url, clock, tmp_path):
    engines = []

    def start(*, offer: str = FINE, review: str = FINE) -> Engine:
        engine = make_engine(db_url, clock, parallel_methodology(tmp_path, "first", "2.0", offer=offer, review=review))
        engines.append(engine)
        return engine

    yield start
    for engine in engines:
        engine.close()


def deploy_fix(engine, tmp_path) -> None:
    engine.deploy(str(parallel_methodology(tmp_path, "fixed", "2.1", offer=FINE, review=FINE)), actor="admin")


def at_fork(engine):
    deal = engine.create_opportunity(title="Deal", amount="20000.00", partner="P", actor="manager",
                                     attributes={"channel": "retail"})
    return engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "20000"})


def task_at(deal, node_id: str):
    (task,) = [t for t in deal.open_tasks if t.node_id == node_id]
    return task


def kinds(engine, deal_id: int) -> list[str]:
    return [e.kind for e in engine.show_opportunity(deal_id).events]


def fail_offer(engine, deal):
    failed = engine.complete_task(task_at(deal, "Task_Offer").id, actor=deal.owner, data={"result": "accepted"})
    assert (failed.error_message, failed.error_at) == ("division by zero", "script task 'Price the offer' (Script_Offer)")
    return failed


def test_another_branchs_step_keeps_the_failed_completion_for_retry(setup, clock, tmp_path):
    engine = setup(offer=BROKEN)
    deal = at_fork(engine)
    clock.advance(days=2, minutes=1)
    assert engine.fire_due_timers() == 1  # the review branch is ready before the offer fails
    deal = fail_offer(engine, engine.show_opportunity(deal.id))
    offer = task_at(deal, "Task_Offer")
    assert (deal.failed_task_id, deal.failed_step_kind) == (offer.id, "complete")

    reviewed = engine.complete_task(task_at(deal, "Task_Review").id, actor=deal.owner, data={})
    assert (reviewed.error_message, reviewed.failed_task_id) == ("division by zero", offer.id)  # still shown
    assert [t.node_id for t in reviewed.open_tasks] == ["Task_Offer"]
    assert engine.opportunity_for(deal.id, viewer="manager").may_retry

    again = engine.retry(deal.id, actor="manager")  # runs the offer's completion again: fails again
    assert (again.error_message, again.failed_task_id) == ("division by zero", offer.id)
    deploy_fix(engine, tmp_path)
    fixed = engine.retry(deal.id, actor="manager", upgrade=True)
    assert (fixed.error_message, fixed.failed_task_id, fixed.status) == (None, None, "won")
    completed = [e.data["node"] for e in fixed.events if e.kind == "task_completed"]
    assert completed == ["Task_Qualify", "Task_Review", "Task_Offer"]  # the offer once, with the rep's answer


def test_a_timer_on_another_branch_fires_while_a_completion_failed(setup, clock, tmp_path):
    engine = setup(offer=BROKEN)
    deal = fail_offer(engine, at_fork(engine))
    clock.advance(days=2, minutes=1)
    assert engine.fire_due_timers() == 1  # the offer's failure waits for its retry; time does not
    after = engine.show_opportunity(deal.id)
    assert sorted(t.node_id for t in after.open_tasks) == ["Task_Offer", "Task_Review"]
    assert (after.error_message, after.failed_step_kind) == ("division by zero", "complete")
    assert kinds(engine, deal.id).count("timer_fired") == 1
    deploy_fix(engine, tmp_path)
    engine.complete_task(task_at(after, "Task_Review").id, actor=deal.owner, data={})
    assert engine.retry(deal.id, actor="manager", upgrade=True).status == "won"


def test_a_failed_timer_step_is_not_fired_again_by_the_sweep(setup, clock, tmp_path):
    engine = setup(review=BROKEN)
    deal = at_fork(engine)
    clock.advance(days=2, minutes=1)
    engine.fire_due_timers()
    failed = engine.show_opportunity(deal.id)
    assert (failed.error_message, failed.failed_step_kind, failed.next_timer_at) == ("division by zero", "timers", None)
    # Every step runs the engine, which fires what is due: the offer's completion meets
    # the review's failure too, and becomes the failed step its rep was told is kept.
    offered = engine.complete_task(task_at(failed, "Task_Offer").id, actor=deal.owner, data={"result": "accepted"})
    assert (offered.error_at, offered.failed_step_kind, offered.next_timer_at) == (
        "script task 'Prepare the review' (Script_Review)", "complete", None)
    assert engine.fire_due_timers() == 0 and kinds(engine, deal.id).count("error") == 2

    deploy_fix(engine, tmp_path)
    retried = engine.retry(deal.id, actor="manager", upgrade=True)  # the completion, and the timer with it
    assert (retried.error_message, [t.node_id for t in retried.open_tasks]) == (None, ["Task_Review"])


def test_a_timer_failing_behind_a_failed_completion_waits_for_its_retry(setup, clock, tmp_path):
    engine = setup(offer=BROKEN, review=BROKEN)
    deal = fail_offer(engine, at_fork(engine))
    offer = task_at(deal, "Task_Offer")
    clock.advance(days=2, minutes=1)
    engine.fire_due_timers()  # the review's script fails too: recorded, the offer's error stays the deal's
    behind = engine.show_opportunity(deal.id)
    assert (behind.error_message, behind.failed_task_id, behind.next_timer_at) == ("division by zero", offer.id, None)
    assert [e.data.get("node") for e in behind.events if e.kind == "error"] == ["Script_Offer", "Script_Review"]
    assert engine.fire_due_timers() == 0  # held, not failing again at every sweep

    deploy_fix(engine, tmp_path)
    retried = engine.retry(deal.id, actor="manager", upgrade=True)  # the offer, then the timer still due
    assert (retried.error_message, [t.node_id for t in retried.open_tasks]) == (None, ["Task_Review"])
    assert kinds(engine, deal.id).count("timer_fired") == 1


def test_a_retry_failing_again_keeps_the_timers_held_behind_it(setup, clock, tmp_path):
    engine = setup(offer=BROKEN, review=BROKEN)
    deal = fail_offer(engine, at_fork(engine))
    clock.advance(days=2, minutes=1)
    engine.fire_due_timers()  # the review's script fails behind the offer's failure: held
    again = engine.retry(deal.id, actor="manager")  # the offer's completion fails again
    assert (again.error_message, again.failed_step_kind, again.next_timer_at) == ("division by zero", "complete", None)
    # Still held: else the next step of another branch would let the sweep fire the
    # review's timer, which fails again, instead of waiting for the offer's retry.
    with unit_of_work.read(engine.context) as session:
        assert failed_steps.holds_timers(session.get(Opportunity, deal.id).failed_step)


def test_a_retry_racing_the_other_branchs_completion_runs_the_failed_step_once(setup, clock, tmp_path, db_url):
    first = setup(offer=BROKEN)
    second = Engine(db_url, clock=clock)
    try:
        deals = [at_fork(first) for _ in range(ROUNDS)]
        clock.advance(days=2, minutes=1)
        assert first.fire_due_timers() == ROUNDS
        deals = [fail_offer(first, first.show_opportunity(d.id)) for d in deals]
        deploy_fix(first, tmp_path)
        for deal in deals:
            review = task_at(deal, "Task_Review")
            retried, reviewed = at_once(
                lambda: first.retry(deal.id, actor="manager", upgrade=True),
                lambda: second.complete_task(review.id, actor=deal.owner, data={}))
            assert not isinstance(retried, Exception), repr(retried)  # whichever went first
            assert not isinstance(reviewed, Exception), repr(reviewed)
            after = first.show_opportunity(deal.id)
            assert (after.status, after.error_message, after.failed_task_id) == ("won", None, None)
            completed = sorted(e.data["node"] for e in after.events if e.kind == "task_completed")
            assert completed == ["Task_Offer", "Task_Qualify", "Task_Review"]
    finally:
        second.close()


DISPLACED = ("An earlier failed step, “Send the offer”, was still waiting for its retry: a retry now runs this one; "
             "that step's answers are only in the deal's history, to be given again.")


def two_failing_people(tmp_path, name: str = "two"):
    """The parallel methodology whose offer fails and whose review fails after its rep's
    completion too (a script after it): two people's failed steps on two branches."""
    folder = parallel_methodology(tmp_path, name, "2.0", offer=BROKEN, review=FINE)
    edit(folder / "bpmn" / "deal.bpmn", '<bpmn:sequenceFlow id="Flow_B4" sourceRef="Task_Review" targetRef="Join" />',
         '<bpmn:sequenceFlow id="Flow_B4" sourceRef="Task_Review" targetRef="Script_After" />'
         '<bpmn:scriptTask id="Script_After" name="File the review" scriptFormat="python">'
         f'<bpmn:script>{BROKEN}</bpmn:script></bpmn:scriptTask>'
         '<bpmn:sequenceFlow id="Flow_B5" sourceRef="Script_After" targetRef="Join" />')
    edit(folder / "bpmn" / "deal.bpmn", "<bpmn:flowNodeRef>Join</bpmn:flowNodeRef>",
         "<bpmn:flowNodeRef>Script_After</bpmn:flowNodeRef><bpmn:flowNodeRef>Join</bpmn:flowNodeRef>")
    return folder


def second_failure(engine, clock):
    """A deal of ``two_failing_people`` whose review's failure replaced the offer's
    still waiting for its retry (returned as the review's completion left it)."""
    deal = at_fork(engine)
    clock.advance(days=2, minutes=1)
    engine.fire_due_timers()
    deal = fail_offer(engine, engine.show_opportunity(deal.id))
    return engine.complete_task(task_at(deal, "Task_Review").id, actor=deal.owner, data={})


def test_a_second_persons_failure_says_the_first_one_waited_for_its_retry(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, two_failing_people(tmp_path))
    try:
        second = second_failure(engine, clock)
        review = task_at(second, "Task_Review")
        assert second.failed_on(review.id)  # the deal keeps one failed step: the review's now
        assert second.error_message == "division by zero"  # the error alone; what it displaced is its note
        assert second.error_note == DISPLACED
        again = engine.retry(second.id, actor="manager")  # the review's completion, failing again: nothing more lost
        assert (again.error_message, again.error_note, again.failed_task_id) == ("division by zero", None, review.id)
    finally:
        engine.close()


def test_closing_a_deal_by_hand_clears_its_error_note_with_its_error(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, two_failing_people(tmp_path, "closed"))
    try:
        second = second_failure(engine, clock)
        assert second.error_note == DISPLACED
        engine.close_as_lost(second.id, actor="manager", reason="Chose a competitor")
        with unit_of_work.read(engine.context) as session:
            stored = session.get(Opportunity, second.id)
            assert (stored.error_message, stored.error_note) == (None, None)  # no note left for a later error
    finally:
        engine.close()
