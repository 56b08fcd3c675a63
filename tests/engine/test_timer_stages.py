"""A deal is in a stage from the moment its token waits at a node the stage lists — an
intermediate timer as much as a user task — not from when the timer fires (issue 17)."""

from datetime import timedelta

import pytest

from tests.conftest import make_engine
from tests.file_edits import copy_base, edit


@pytest.fixture
def cooling(db_url, clock, tmp_path):
    """The base methodology with a five-day cooling-off wait after qualification, a stage of its own."""
    folder = copy_base(tmp_path)
    bpmn = folder / "bpmn" / "deal.bpmn"
    edit(bpmn, '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Qualify" targetRef="Rule_Tier" />',
         '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Qualify" targetRef="Wait_Cooling" />\n'
         '    <bpmn:sequenceFlow id="Flow_2b" sourceRef="Wait_Cooling" targetRef="Rule_Tier" />')
    edit(bpmn, '<bpmn:endEvent id="End_Chased" />',
         '<bpmn:endEvent id="End_Chased" />\n'
         '    <bpmn:intermediateCatchEvent id="Wait_Cooling" name="Five days to think">\n'
         '      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P5D'
         '</bpmn:timeDuration></bpmn:timerEventDefinition>\n'
         '    </bpmn:intermediateCatchEvent>')
    edit(folder / "stages" / "small-deal.yaml", "  - id: offer\n",
         "  - id: cooling\n    name: Cooling off\n    probability: 30\n    outcome: open\n"
         "    entered_at: [Wait_Cooling]\n"
         "    activities:\n      - {id: call_back, title: Call back, role: rep, due: P1D, required: true}\n"
         "  - id: offer\n")
    engine = make_engine(db_url, clock, folder)
    yield engine
    engine.close()


def test_the_stage_of_a_timer_is_entered_when_the_deal_starts_waiting_there(cooling, clock):
    deal = cooling.create_opportunity(title="Cold room", amount="1000.00", partner="Bar",
                                      attributes={"channel": "retail"}, actor="manager")
    [task] = [t for t in deal.open_tasks if t.node_id == "Task_Qualify"]
    waiting = cooling.complete_task(task.id, actor=deal.owner, data={"amount": "10"})
    assert (waiting.stage_id, waiting.probability) == ("cooling", 30)  # for the whole wait
    clock.advance(days=5, minutes=1)
    assert cooling.fire_due_timers() == 1
    after = cooling.show_opportunity(deal.id)
    assert after.stage_id == "offer"
    entered = [(h.to_stage, h.changed_at) for h in after.stage_history if h.to_stage in ("cooling", "offer")]
    assert [stage for stage, _ in entered] == ["cooling", "offer"]  # cooling entered once, days apart
    assert entered[1][1] - entered[0][1] >= timedelta(days=5)


def test_a_timer_leaving_a_stage_whose_exit_criteria_are_unmet_passes_and_records_what_was_skipped(cooling, clock):
    deal = cooling.create_opportunity(title="Cold room", amount="1000.00", partner="Bar",
                                      attributes={"channel": "retail"}, actor="manager")
    [task] = [t for t in deal.open_tasks if t.node_id == "Task_Qualify"]
    cooling.complete_task(task.id, actor=deal.owner, data={"amount": "10"})  # the call back is never done
    clock.advance(days=5, minutes=1)
    assert cooling.fire_due_timers() == 1
    after = cooling.show_opportunity(deal.id)
    assert after.stage_id == "offer"  # time is not held back ...
    [skipped] = [e for e in after.events if e.kind == "exit_criteria_skipped"]  # ... but nothing is silent
    assert skipped.data["stage"] == "cooling" and skipped.data["missing"] == ["do the activity 'Call back'"]


def test_a_timer_that_skipped_exit_criteria_warns_until_the_deal_moves_on(cooling, clock):
    deal = cooling.create_opportunity(title="Cold room", amount="1000.00", partner="Bar",
                                      attributes={"channel": "retail"}, actor="manager")
    [task] = [t for t in deal.open_tasks if t.node_id == "Task_Qualify"]
    cooling.complete_task(task.id, actor=deal.owner, data={"amount": "10"})
    clock.advance(days=5, minutes=1)
    cooling.fire_due_timers()
    cooling.sweep_warnings()
    [skipped] = [w for w in cooling.deal_warnings(deal.id, viewer="manager") if w.rule == "criteria_skipped"]
    assert skipped.message == ("A timer moved the deal on from Cooling off with its exit criteria unmet: "
                               "do the activity 'Call back'.")
    assert skipped.cleared_at is None and skipped.rule_label == "Exit criteria skipped"
    offer = next(t for t in cooling.show_opportunity(deal.id).open_tasks if t.node_id == "Task_Offer")
    cooling.complete_task(offer.id, actor=deal.owner, data={"result": "rejected"})  # worked on: lost
    cooling.sweep_warnings()
    assert [w.rule for w in cooling.deal_warnings(deal.id, viewer="manager")] == []  # open ones only
    [after] = [w for w in cooling.warnings(viewer="manager", include_cleared=True) if w.id == skipped.id]
    assert after.cleared_at is not None
