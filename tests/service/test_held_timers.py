"""The timers a deal's error holds (engine.rules.failed_steps), on SQLite and
PostgreSQL: a person's failed step that replaces a worker's answer's failure lets the
timers that one held fire again (``next_timer_at`` re-armed), and the deal's next
action leaves held timers out the same way whichever use case sets it — a step
(progress.apply_step), a failure (step_errors) or an activity done
(store.opportunities.refresh_next_action)."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.file_edits import edit
from tests.service.test_parallel_errors import BROKEN, FINE, at_fork, fail_offer, parallel_methodology, task_at

MINUTE = 60_000

# A third branch after the fork: a worker checks the deal, then a script that fails.
CHECK_NODES = """<bpmn:serviceTask id="Task_Check" name="Check the credit" camunda:type="external" camunda:topic="check" />
    <bpmn:scriptTask id="Script_Check" name="Book the check" scriptFormat="python"><bpmn:script>CHECK</bpmn:script></bpmn:scriptTask>
    <bpmn:parallelGateway id="Join" />"""
CHECK_FLOWS = """<bpmn:sequenceFlow id="Flow_C1" sourceRef="Fork" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="Flow_C2" sourceRef="Task_Check" targetRef="Script_Check" />
    <bpmn:sequenceFlow id="Flow_C3" sourceRef="Script_Check" targetRef="Join" />
    <bpmn:sequenceFlow id="Flow_3" """
CHECK_LANE = """<bpmn:flowNodeRef>Task_Check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Script_Check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Join</bpmn:flowNodeRef>"""


def three_branches(tmp_path, *, offer: str, check: str):
    folder = parallel_methodology(tmp_path, "three", "2.0", offer=offer, review=FINE)
    bpmn = folder / "bpmn" / "deal.bpmn"
    edit(bpmn, '<bpmn:parallelGateway id="Join" />', CHECK_NODES.replace("CHECK", check))
    edit(bpmn, '<bpmn:sequenceFlow id="Flow_3" ', CHECK_FLOWS)
    edit(bpmn, "<bpmn:flowNodeRef>Join</bpmn:flowNodeRef>", CHECK_LANE)
    return folder


@pytest.fixture
def start(db_url, clock, tmp_path):
    engines = []

    def make(**scripts):
        engines.append(make_engine(db_url, clock, three_branches(tmp_path, **scripts)))
        return engines[-1]

    yield make
    for engine in engines:
        engine.close()


def fail_check(engine, deal):
    """The worker answers the check; the script after it fails (an engine step, held timers)."""
    worker = engine.worker_for_token(engine.create_worker_token("erp", ["check"], actor="admin"))
    [job] = engine.fetch_and_lock(worker, "w1", 10, [("check", MINUTE)])
    engine.complete_external_task(worker, job.id, "w1", {})
    failed = engine.show_opportunity(deal.id)
    assert (failed.error_message, failed.failed_step_kind, failed.timers_held) == ("division by zero", "engine", True)
    return failed


def test_a_persons_failure_replacing_a_workers_lets_the_held_timers_fire(start, clock):
    engine = start(offer=BROKEN, check=BROKEN)
    deal = at_fork(engine)
    due = deal.next_timer_at
    failed = fail_check(engine, deal)
    assert (failed.next_timer_at, failed.next_action_at) == (None, None)  # held: nothing fires, nothing is next
    clock.advance(days=2, minutes=1)
    assert engine.fire_due_timers() == 0

    offered = fail_offer(engine, failed)  # replaces the worker's failure: the rep was told it is kept
    assert (offered.failed_step_kind, offered.timers_held) == ("complete", False)
    assert (offered.next_timer_at, offered.next_action_at) == (due, due)  # the review's timer, re-armed
    assert engine.fire_due_timers() == 1
    after = engine.show_opportunity(deal.id)
    assert sorted(t.node_id for t in after.open_tasks) == ["Task_Offer", "Task_Review"]
    assert (after.error_message, after.failed_task_id) == ("division by zero", task_at(offered, "Task_Offer").id)


def test_a_person_failing_with_nothing_held_leaves_the_timers_as_they_were(start, clock):
    engine = start(offer=BROKEN, check=FINE)
    deal = at_fork(engine)
    failed = fail_offer(engine, deal)
    assert (failed.timers_held, failed.next_timer_at, failed.next_action_at) == (False, deal.next_timer_at,
                                                                              deal.next_action_at)


def failing_review_with_a_call(tmp_path):
    """The parallel methodology whose review's script fails, its offer's stage
    suggesting a call due in five days (a next action besides the review's timer)."""
    folder = parallel_methodology(tmp_path, "held", "2.0", offer=FINE, review=BROKEN)
    edit(folder / "stages" / "small-deal.yaml", "    entered_at: [Task_Offer]\n",
         "    entered_at: [Task_Offer]\n    activities:\n      - {id: call, title: Call the buyer, role: rep, due: P5D}\n")
    return folder


def test_the_next_action_leaves_held_timers_out_when_an_activity_is_done_too(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, failing_review_with_a_call(tmp_path))
    try:
        deal = at_fork(engine)
        call = next(t for t in deal.open_tasks if t.kind == "activity")
        assert deal.next_action_at == deal.next_timer_at < call.due_at  # the review's timer comes first
        clock.advance(days=2, minutes=1)
        engine.fire_due_timers()  # the review's script fails: the timers are held
        failed = engine.show_opportunity(deal.id)
        assert (failed.failed_step_kind, failed.next_timer_at) == ("timers", None)
        assert failed.next_action_at == call.due_at  # not the held timer's due date
        done = engine.complete_task(call.id, actor=deal.owner, data={})  # refresh_next_action
        assert (done.next_timer_at, done.next_action_at) == (None, None)
    finally:
        engine.close()
