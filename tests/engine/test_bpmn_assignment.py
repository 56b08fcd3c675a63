"""camunda:assignee / candidateGroups / candidateUsers (also flowable:, activiti:)
route through the routing file's groups and users, checked at validation and
applied to inbox tasks, over the lane's role."""

import shutil
from pathlib import Path

import pytest

from engine.service.validation import load_methodologies
from tests.conftest import make_engine

ASSIGNED = Path(__file__).parents[1] / "methodology" / "real_world" / "assigned"


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "methodologies"
    shutil.copytree(ASSIGNED, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_a_candidate_group_the_routing_does_not_map_is_named_at_the_task_with_did_you_mean(folder):
    _edit(folder / "routing" / "default.yaml", "    management: owner_manager", "    managment: owner_manager")
    problems = [str(p) for p in load_methodologies(str(folder)).problems]
    bpmn, routing = folder / "bpmn" / "assigned.bpmn", folder / "routing" / "default.yaml"
    assert problems == [
        f"{bpmn}:16: user task 'Task_Approve' names candidate group 'management', which {routing} does not "
        "map for methodology 'assigned': add 'groups: {assigned: {management: ROLE}}' with ROLE one of owner, "
        "owner_manager, team_queue, {user: NAME} or {team: NAME}; did you mean 'managment'?",
        f"{routing}:5: no user task of process 'assigned' names candidate group 'managment'; did you mean "
        "'management'?"]


def test_a_user_without_mapping_is_refused_and_initiator_needs_none(folder):
    _edit(folder / "routing" / "default.yaml", "users:\n  assigned:\n    demo: {user: rep3}\n", "")
    problems = [str(p) for p in load_methodologies(str(folder)).problems]
    assert problems == [
        f"{folder / 'bpmn' / 'assigned.bpmn'}:20: user task 'Task_Deliver' names user 'demo', which "
        f"{folder / 'routing' / 'default.yaml'} does not map for methodology 'assigned': add 'users: "
        "{assigned: {demo: ROLE}}' with ROLE one of owner, owner_manager, team_queue, {user: NAME} or {team: NAME}"]


def test_in_a_process_without_lanes_a_task_naming_nobody_goes_to_the_owner(db_url, clock, folder):
    _edit(folder / "bpmn" / "assigned.bpmn", ' camunda:assignee="demo"', "")
    _edit(folder / "routing" / "default.yaml", "users:\n  assigned:\n    demo: {user: rep3}\n", "")
    assert load_methodologies(str(folder)).problems == []
    engine = make_engine(db_url, clock, methodologies=folder)
    try:
        deal = engine.create_opportunity(title="Deal", amount="1000.00", partner="P", actor="manager")
        for data in ({"qualified": True}, {}, {}):
            task = engine.opportunity_for(deal.id, viewer="admin").open_tasks[0]
            engine.complete_task(task.id, actor="admin", data=data)
        (deliver,) = engine.opportunity_for(deal.id, viewer="admin").open_tasks
        assert (deliver.node_id, deliver.assignee, deliver.candidate_team) == ("Task_Deliver", deal.owner, None)
    finally:
        engine.close()


def test_each_task_goes_where_its_own_assignment_says(db_url, clock, folder):
    engine = make_engine(db_url, clock, methodologies=folder)
    try:
        deal = engine.create_opportunity(title="Deal", amount="1000.00", partner="P", actor="manager")
        seen = []
        for data in ({"qualified": True}, {}, {}, None):
            task = engine.opportunity_for(deal.id, viewer="admin").open_tasks[0]
            seen.append((task.node_id, task.assignee, task.candidate_team))
            if data is not None:
                engine.complete_task(task.id, actor="admin", data=data)
        assert seen == [
            ("Task_Qualify", deal.owner, None),        # flowable:assignee="$INITIATOR": the owner
            ("Task_Approve", "manager", None),         # first candidate group 'management': owner_manager
            ("Task_Invoice", None, "others"),          # 'accounting': {team: others}
            ("Task_Deliver", "rep3", None),            # camunda:assignee="demo": {user: rep3}
        ]
    finally:
        engine.close()


def _computed_invoice_groups(folder: Path) -> None:
    """Task_Invoice's candidate groups come from the data: what Qualify's form says."""
    bpmn = folder / "bpmn" / "assigned.bpmn"
    _edit(bpmn, 'camunda:candidateGroups="accounting" />', 'camunda:candidateGroups="${invoiceGroups}" />')
    _edit(bpmn, '<camunda:formField id="qualified" label="Qualified?" type="boolean" />',
          '<camunda:formField id="qualified" label="Qualified?" type="boolean" />'
          '<camunda:formField id="invoiceGroups" label="Who invoices" type="string" />')


def _invoice_task(engine, deal_id, groups):
    engine.complete_task(engine.opportunity_for(deal_id, viewer="admin").open_tasks[0].id, actor="admin",
                         data={"qualified": True, "invoiceGroups": groups})
    engine.complete_task(engine.opportunity_for(deal_id, viewer="admin").open_tasks[0].id, actor="admin",
                         data={})
    (task,) = engine.opportunity_for(deal_id, viewer="admin").open_tasks
    assert task.node_id == "Task_Invoice"
    return task


@pytest.mark.parametrize("groups", ["nobody, accounting", "accounting"])
def test_candidate_groups_written_as_an_expression_take_the_first_name_the_routing_maps(db_url, clock, folder,
                                                                                        groups):
    _computed_invoice_groups(folder)
    assert load_methodologies(str(folder)).problems == []
    engine = make_engine(db_url, clock, methodologies=folder)
    try:
        deal = engine.create_opportunity(title="Deal", amount="1000.00", partner="P", actor="manager")
        task = _invoice_task(engine, deal.id, groups)
        assert (task.assignee, task.candidate_team) == (None, "others")  # 'accounting': {team: others}
        assert not [e for e in engine.show_opportunity(deal.id).events if e.kind == "assignment_unresolved"]
    finally:
        engine.close()


def test_an_expression_giving_no_name_the_routing_maps_leaves_the_task_with_the_lane_and_says_so(db_url, clock,
                                                                                                  folder):
    """No lane here: the owner works it; the deal's history names the names to map."""
    _computed_invoice_groups(folder)
    engine = make_engine(db_url, clock, methodologies=folder)
    try:
        deal = engine.create_opportunity(title="Deal", amount="1000.00", partner="P", actor="manager")
        task = _invoice_task(engine, deal.id, "nobody, ghosts")
        assert (task.assignee, task.candidate_team) == (deal.owner, None)
        shown = engine.show_opportunity(deal.id)
        assert shown.error_message is None and shown.status == "open"
        (event,) = [e for e in shown.events if e.kind == "assignment_unresolved"]
        assert event.data["node"] == "Task_Invoice"
        assert event.data["problem"] == (
            "user task 'Task_Invoice': candidateGroups=\"${invoiceGroups}\" gave 'nobody', 'ghosts', which the "
            "routing file's 'groups:' and 'users:' do not map; it went to its lane's role: map them to route it")
    finally:
        engine.close()


def test_an_assignment_expression_reading_what_nothing_sets_is_refused_at_validation(folder):
    _edit(folder / "bpmn" / "assigned.bpmn", 'camunda:candidateGroups="accounting" />',
          'camunda:candidateGroups="${invoiceGroups}" />')
    problems = [str(p) for p in load_methodologies(str(folder)).problems]
    assert len(problems) == 1 and "reads 'invoiceGroups', which nothing sets" in problems[0], problems
    assert problems[0].startswith(f"{folder / 'bpmn' / 'assigned.bpmn'}:18: camunda:candidateGroups of user task "
                                  "'Task_Invoice'"), problems


def test_a_name_mixed_with_an_expression_is_refused_at_the_task(folder):
    _edit(folder / "bpmn" / "assigned.bpmn", 'camunda:candidateGroups="accounting" />',
          'camunda:candidateGroups="team-${region}" />')
    problems = [str(p) for p in load_methodologies(str(folder)).problems]
    assert problems[0] == (
        f"{folder / 'bpmn' / 'assigned.bpmn'}:18: user task 'Task_Invoice': camunda:candidateGroups=\"team-${{region}}\" "
        "mixes names and an expression; write either names the routing file maps ('groups:' or 'users:') or one "
        "expression ${...} per name, e.g. ${approverGroups}"), problems
