"""A methodology's start form (its process's start event's form fields, which
import-bpmn proposes for what a process reads before any user task): asked when a
deal is opened, checked like a task's form, its values the process's first
variables — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from engine.errors import FormError
from engine.methodology.importer import plan_import
from tests.conftest import make_engine

TIERED = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">
<bpmn:process id="tiered" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:exclusiveGateway id="which" />
  <bpmn:userTask id="call" name="Call the gold customer" />
  <bpmn:endEvent id="won" name="won" />
  <bpmn:endEvent id="lost" name="lost" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which" />
  <bpmn:sequenceFlow id="f2" sourceRef="which" targetRef="call"><bpmn:conditionExpression>${tier == 'gold'}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f3" sourceRef="which" targetRef="lost"><bpmn:conditionExpression>${tier == 'silver'}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f4" sourceRef="call" targetRef="won" />
</bpmn:process>
</bpmn:definitions>
"""


def imported(tmp_path, name: str = "tiered.bpmn", data: bytes = TIERED):
    """The methodologies folder import-bpmn writes for ``data`` (with its proposed start form)."""
    root = tmp_path / "methodologies"
    for relative, content in plan_import(name, data, companions={}, existing={}).files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
    return root


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, imported(tmp_path))
    yield engine
    engine.close()


OPENING = dict(title="Gold deal", amount="1000", partner="ACME", actor="manager")


def test_the_preview_shows_the_start_form_import_bpmn_proposed(engine):
    start = engine.preview_opportunity(**OPENING).start_form
    assert [(f.id, f.type, f.required, f.choices) for f in start] == [
        ("tier", "enum", True, (("gold", "gold"), ("silver", "silver")))]


def test_a_deal_is_not_opened_without_its_start_form_answered(engine):
    for answers, errors in (({}, {"start_form.tier": "this field is required"}),
                            ({"tier": "bronze"}, {"start_form.tier": "choose one of: gold, silver"}),
                            ({"tier": "gold", "other": "x"},
                             {"start_form.other": "unknown field; the form has: tier"})):
        with pytest.raises(FormError) as refused:
            engine.create_opportunity(**OPENING, start_form=answers)
        assert refused.value.fields == errors
    assert engine.list_opportunities() == []


def test_the_start_form_s_answer_routes_the_process(engine):
    gold = engine.create_opportunity(**OPENING, start_form={"tier": "gold"})
    assert [t.name for t in engine.list_tasks() if t.opportunity_id == gold.id] == ["Call the gold customer"]
    silver = engine.create_opportunity(**{**OPENING, "title": "Silver deal"}, start_form={"tier": "silver"})
    assert engine.show_opportunity(silver.id).status == "lost"
