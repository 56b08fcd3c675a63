"""An opportunity from creation to won and to lost, through the façade, on each database."""

from datetime import timedelta
from decimal import Decimal

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError


def open_deal(engine, **overrides):
    values = dict(title="Cold room", amount="20000.00", currency="PLN", partner="Bar Mleczny",
                  attributes={"channel": "retail", "territory": "PL-MZ"}, actor="manager")
    values.update(overrides)
    return engine.create_opportunity(**values)


def complete(engine, opportunity, actor=None, **data):
    (task,) = opportunity.open_tasks
    return engine.complete_task(task.id, actor=actor or task.assignee, data=data)


def test_creating_an_opportunity_routes_it_and_starts_its_process(engine, clock):
    deal = open_deal(engine)
    assert (deal.segment_id, deal.team, deal.owner, deal.manager) == ("everyone-else", "sales", "rep1", "manager")
    assert (deal.methodology_id, deal.methodology_label) == ("small-deal", "1.0")
    assert deal.stage_id == "qualification" and deal.probability == 20
    assert deal.expected_revenue == Decimal("4000.00")
    assert [t.node_id for t in deal.open_tasks] == ["Task_Qualify"]
    assert deal.open_tasks[0].assignee == "rep1"
    # camunda:dueDate="P2D": due two days after the task became ready; the next action
    # is whichever comes first of that and the three-day chase timer.
    assert deal.open_tasks[0].due_at == clock.now + timedelta(days=2)
    assert deal.next_action_at == clock.now + timedelta(days=2)
    assert deal.next_timer_at == clock.now + timedelta(days=3)
    assert [e.kind for e in deal.events][:1] == ["opened"]


def test_walking_a_deal_to_won_records_every_stage_change_and_closes_it(engine, clock):
    deal = open_deal(engine)
    clock.advance(hours=2)
    deal = complete(engine, deal, amount="15000", interested="true")
    assert deal.stage_id == "offer"
    deal = complete(engine, deal, result="accepted")
    assert deal.status == "won" and deal.probability == 100
    assert deal.closed_by == "rep1" and deal.closed_at == clock.now
    assert [(c.from_stage, c.to_stage) for c in deal.stage_history] == [
        (None, "lead"), ("lead", "qualification"), ("qualification", "offer"), ("offer", "won")]
    assert deal.open_tasks == ()
    kinds = [e.kind for e in deal.events]
    assert kinds.count("task_completed") == 2 and "closed" in kinds


def test_a_rejected_offer_closes_the_deal_as_lost(engine):
    deal = complete(engine, complete(engine, open_deal(engine), amount="500"), result="rejected")
    assert (deal.status, deal.stage_id, deal.probability) == ("lost", "lost", 0)
    assert deal.expected_revenue == Decimal("0.00")


def test_form_errors_name_each_field_and_change_nothing(engine):
    deal = open_deal(engine)
    with pytest.raises(FormError) as caught:
        complete(engine, deal, amount="-5", colour="red")
    assert set(caught.value.fields) == {"amount", "colour"}
    again = engine.show_opportunity(deal.id)
    assert again.stage_id == "qualification" and len(again.open_tasks) == 1
    assert [e.kind for e in again.events] == [e.kind for e in deal.events]


def test_a_rep_of_another_team_may_not_complete_the_task(engine):
    deal = open_deal(engine)
    with pytest.raises(PermissionDeniedError):
        complete(engine, deal, actor="rep3", amount="100")


def test_the_responsible_manager_may_complete_a_reps_task(engine):
    deal = complete(engine, open_deal(engine), actor="manager", amount="100")
    assert deal.stage_id == "offer"


def test_completing_a_task_twice_is_a_conflict(engine):
    deal = open_deal(engine)
    task = deal.open_tasks[0]
    engine.complete_task(task.id, actor="rep1", data={"amount": "100"})
    with pytest.raises(ConflictError):
        engine.complete_task(task.id, actor="rep1", data={"amount": "100"})


def test_an_unknown_task_is_not_found(engine):
    with pytest.raises(NotFoundError):
        engine.complete_task("no-such-task", actor="rep1", data={})


def test_handing_a_deal_to_another_rep_moves_its_open_tasks_and_keeps_its_history(engine):
    deal = complete(engine, open_deal(engine), amount="100")
    handed = engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    assert handed.owner == "rep2"
    assert [t.assignee for t in handed.open_tasks] == ["rep2"]
    assert handed.stage_history == deal.stage_history
    assert handed.completed_tasks[0].completed_by == "rep1"
    assert handed.events[-1].kind == "reassigned" and handed.events[-1].data["from_owner"] == "rep1"
    with pytest.raises(PermissionDeniedError):
        complete(engine, handed, actor="rep1", result="accepted")
    assert complete(engine, handed, result="accepted").status == "won"


def test_only_the_deals_manager_or_an_admin_may_reassign(engine):
    deal = open_deal(engine)
    for actor in ("rep1", "manager2"):
        with pytest.raises(PermissionDeniedError):
            engine.reassign_opportunity(deal.id, to="rep2", actor=actor)
    assert engine.reassign_task(deal.open_tasks[0].id, to="rep2", actor="admin").open_tasks[0].assignee == "rep2"
