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
