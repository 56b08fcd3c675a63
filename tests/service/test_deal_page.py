"""The deal page's own use cases (issue 15) on SQLite and PostgreSQL: what the task forms
captured, as labelled and typed fields per stage; the history in people's words; and
the deployed BPMN with the nodes to mark — each only for someone who may see the deal."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from engine.errors import NotFoundError
from tests.conftest import BASE_METHODOLOGY, make_engine

# The base methodology's first task, with a money and a date field besides its number
# and yes/no ones.
MORE_FIELDS = """<camunda:formField id="interested" label="Interested?" type="boolean" defaultValue="true" />
          <camunda:formField id="budget" label="Budget" type="money" />
          <camunda:formField id="decision_day" label="Decision day" type="date" />"""


@pytest.fixture
def engine(db_url, clock, tmp_path):
    folder = tmp_path / "methodology"
    shutil.copytree(BASE_METHODOLOGY, folder)
    bpmn = folder / "bpmn" / "deal.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    old = '<camunda:formField id="interested" label="Interested?" type="boolean" defaultValue="true" />'
    assert old in text
    bpmn.write_text(text.replace(old, MORE_FIELDS), encoding="utf-8")
    engine = make_engine(db_url, clock, folder)
    yield engine
    engine.close()


def _walked(engine):
    deal = engine.create_opportunity(title="Cold room", amount="1000.00", currency="EUR", partner="Delikatesy",
                                     attributes={"channel": "retail"}, actor="manager")
    first = deal.open_tasks[0]
    engine.complete_task(first.id, actor="rep1", data={"amount": "5", "interested": "false", "budget": "12 500,50",
                                                       "decision_day": "2026-03-31"})
    return deal, first


def test_the_captured_data_are_the_forms_labels_with_typed_values_grouped_by_stage(engine):
    deal, first = _walked(engine)
    record = engine.deal_record(deal.id, viewer="rep1")
    [stage] = record.captured
    assert stage.stage_name == "Kwalifikacja"  # the stage it stood in when the task was completed
    [task] = stage.tasks
    assert (task.task_id, task.name, task.completed_by) == (first.id, "Qualify the lead", "rep1")
    assert [(f.label, f.kind, f.value) for f in task.fields] == [
        ("Amount", "number", 5), ("Interested?", "boolean", False), ("Budget", "money", Decimal("12500.50")),
        ("Decision day", "date", date(2026, 3, 31))]


def test_the_history_names_people_and_stages_and_shows_no_internal_ids(engine):
    deal, _ = _walked(engine)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    history = engine.deal_record(deal.id, viewer="manager").history
    assert history[0].what == "Handed over" and ("New owner", "rep2") in [(k.capitalize(), v) for k, v in
                                                                         history[0].details]
    stage_names = {h.to_stage_name for h in engine.opportunity_for(deal.id, viewer="manager").stage_history}
    entered = [h.what for h in history if h.kind == "stage_changed"]
    assert entered and all(any(name in what for name in stage_names) for what in entered)
    assert history[-1].what == "Opened the deal" and history[-1].actor == "manager"
    assert any(h.what == "Completed a task: “Qualify the lead”" and h.actor == "rep1" for h in history)
    shown = " ".join(f"{h.what} {h.details}" for h in history)
    assert "None" not in shown and "from_stage" not in shown and "Task_Qualify" not in shown


def test_the_process_model_is_the_deployed_file_with_the_open_and_done_nodes(engine):
    deal, _ = _walked(engine)
    model = engine.process_model(deal.id, viewer="rep1")
    assert model.xml.startswith("<?xml") and 'id="Task_Qualify"' in model.xml
    assert "Task_Qualify" in model.done and "Task_Qualify" not in model.current
    now_open = {t.node_id for t in engine.opportunity_for(deal.id, viewer="rep1").open_tasks}
    assert now_open and now_open <= set(model.current)


@pytest.mark.parametrize("viewer", ["rep3", "manager2"])
def test_someone_who_may_not_see_the_deal_gets_neither_its_record_nor_its_process(engine, viewer):
    deal, _ = _walked(engine)
    with pytest.raises(NotFoundError):
        engine.deal_record(deal.id, viewer=viewer)
    with pytest.raises(NotFoundError):
        engine.process_model(deal.id, viewer=viewer)
