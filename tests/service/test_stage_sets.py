"""A stage's ``sets:`` (issue 15, defect 2a): a form field completed in the stage
becomes the deal's amount or expected close date, in the task's transaction and
audited; checked up front with path:line problems."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from engine.errors import FormError
from engine.service.validation import load_methodologies
from tests.conftest import BASE_METHODOLOGY, make_engine

QUALIFICATION = "    entered_at: [Task_Qualify]\n"


def with_sets(tmp_path, sets: str, stage_line: str = QUALIFICATION):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    stages = target / "stages" / "small-deal.yaml"
    stages.write_text(stages.read_text("utf-8").replace(stage_line, stage_line + sets), "utf-8")
    return target


def test_a_mapped_form_field_sets_the_deals_amount_and_it_is_audited(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, with_sets(tmp_path, "    sets: {amount: amount}\n"))
    try:
        deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                         attributes={"channel": "retail"})
        done = engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "5000"})
        assert (done.amount, done.stage_id) == (Decimal("5000.00"), "offer")
        assert done.expected_revenue == Decimal("2500.00")  # 50 % in offer, of the amount the form gave
        (event,) = [e for e in done.events if e.kind == "deal_edited"]
        assert (event.actor, event.data["source"], event.data["task"], event.data["changes"]) == (
            deal.owner, "task", "Task_Qualify", {"amount": ["1000.00", "5000.00"]})
        assert engine.pipeline("manager").totals[0].amount == Decimal("5000.00")
    finally:
        engine.close()


def test_an_unmapped_stage_leaves_the_amount_alone(engine):
    deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     attributes={"channel": "retail"})
    done = engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "5000"})
    assert done.amount == Decimal("1000.00") and "deal_edited" not in [e.kind for e in done.events]


def test_sets_must_name_a_form_field_of_the_process(tmp_path):
    result = load_methodologies(str(with_sets(tmp_path, "    sets:\n      amount: agreed_amount\n")))
    assert [str(p) for p in result.problems] == [
        f"{tmp_path}/methodologies/stages/small-deal.yaml:20: stage 'qualification' sets the deal's amount from "
        "form field 'agreed_amount', which no task of process 'small_deal' has; did you mean 'amount'?"]


def test_sets_names_only_deal_fields_and_sits_on_open_stages(tmp_path):
    result = load_methodologies(str(with_sets(tmp_path, "    sets: {colour: amount}\n")))
    assert len(result.problems) == 1 and "colour" in str(result.problems[0])
    result = load_methodologies(str(with_sets(tmp_path / "won", "    sets: {amount: amount}\n",
                                              "    entered_at: [End_Won]\n")))
    assert [p.message for p in result.problems] == [
        "stage 'won' is won, which closes the deal: its figures are settled; put 'sets' on an open stage"]


def with_close_date_field(tmp_path):
    """The qualification task asks for a decision date, which becomes the deal's close date."""
    target = with_sets(tmp_path, "    sets: {expected_close_date: decision_date}\n")
    bpmn = target / "bpmn" / "deal.bpmn"
    bpmn.write_text(bpmn.read_text("utf-8").replace(
        '<camunda:formField id="interested"',
        '<camunda:formField id="decision_date" label="Decision" type="date" />\n'
        '          <camunda:formField id="interested"', 1), "utf-8")
    return target


def test_a_close_date_the_deal_cannot_have_is_refused_beside_the_form_field(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, with_close_date_field(tmp_path))
    try:
        deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                         attributes={"channel": "retail"})
        task = deal.open_tasks[0].id
        with pytest.raises(FormError) as err:
            engine.complete_task(task, actor=deal.owner, data={"amount": "5", "decision_date": "2020-01-01"})
        assert set(err.value.fields) == {"decision_date"}
        done = engine.complete_task(task, actor=deal.owner, data={"amount": "5", "decision_date": "2027-02-01"})
        assert done.expected_close_date == date(2027, 2, 1)
        (moved,) = [e for e in done.events if e.kind == "close_date_changed"]
        assert (moved.data["source"], moved.data["task"]) == ("task", "Task_Qualify")
    finally:
        engine.close()
