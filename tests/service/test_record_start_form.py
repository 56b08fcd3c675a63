"""A process that reads a record its starter provides (corpus I03's auction): import-bpmn
proposes a start form field per path read before any task, the deal is opened with
them (flat or as a JSON object), and a task's dotted field later fills the same
record without losing what the start form put there — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from engine.errors import FormError
from tests.conftest import make_engine
from tests.service import test_start_form as start_form_tests

AUCTION = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://x">
<bpmn:process id="auction" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:exclusiveGateway id="authorized" default="f3" />
  <bpmn:userTask id="count" name="Count the bids"><bpmn:extensionElements><camunda:formData>
    <camunda:formField id="auction.numberOfBids" type="long"><camunda:validation>
      <camunda:constraint name="required" /><camunda:constraint name="min" config="0" /></camunda:validation>
    </camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask>
  <bpmn:exclusiveGateway id="sold" default="f6" />
  <bpmn:endEvent id="won" name="won" />
  <bpmn:endEvent id="lost" name="lost" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="authorized" />
  <bpmn:sequenceFlow id="f2" sourceRef="authorized" targetRef="count"><bpmn:conditionExpression>${auction.authorized and auction.region == 'north'}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f3" sourceRef="authorized" targetRef="lost" />
  <bpmn:sequenceFlow id="f4" sourceRef="count" targetRef="sold" />
  <bpmn:sequenceFlow id="f5" sourceRef="sold" targetRef="won"><bpmn:conditionExpression>${auction.numberOfBids &gt; 0 and auction.authorized}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f6" sourceRef="sold" targetRef="lost" />
</bpmn:process>
</bpmn:definitions>
"""


def imported(tmp_path):
    """The methodologies folder import-bpmn writes for AUCTION (with its proposed start form)."""
    return start_form_tests.imported(tmp_path, "auction.bpmn", AUCTION)


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, imported(tmp_path))
    yield engine
    engine.close()


OPENING = dict(title="Lot 7", amount="1000", partner="ACME", actor="manager")


def test_the_start_form_asks_for_each_path_the_process_reads_before_any_task(engine):
    start = engine.preview_opportunity(**OPENING).start_form
    assert [(f.id, f.label, f.type, f.required, f.choices) for f in start] == [
        ("auction.authorized", "Auction: authorized", "boolean", True, ()),
        ("auction.region", "Auction: region", "enum", True, (("north", "north"),))]


def test_a_start_form_answer_that_does_not_fit_is_named_by_its_path(engine):
    with pytest.raises(FormError) as refused:
        engine.create_opportunity(**OPENING, start_form={"auction.authorized": "maybe"})
    assert refused.value.fields == {"start_form.auction.authorized": "answer yes or no",
                                    "start_form.auction.region": "this field is required"}
    with pytest.raises(FormError) as refused:
        engine.create_opportunity(**OPENING, start_form={"auction": {"authorized": True, "region": "north",
                                                                     "lot": 7}})
    assert list(refused.value.fields) == ["start_form.auction.lot"]
    assert engine.list_opportunities() == []


def test_the_record_the_start_form_filled_routes_the_process_and_a_task_adds_to_it(engine):
    deal = engine.create_opportunity(**OPENING, start_form={"auction.authorized": "yes", "auction.region": "north"})
    task, = [t for t in engine.list_tasks() if t.opportunity_id == deal.id]
    assert [(f.id, f.label, f.type) for f in task.form] == [("auction.numberOfBids", "Auction: number of bids", "long")]
    # The second gateway reads the task's field and the start form's, both in the one record.
    deal = engine.complete_task(task.id, actor=task.assignee or deal.manager, data={"auction.numberOfBids": "3"})
    assert deal.status == "won" and deal.error_message is None


def test_a_json_client_sends_the_record_as_an_object(engine):
    deal = engine.create_opportunity(**OPENING, start_form={"auction": {"authorized": False, "region": "north"}})
    assert engine.show_opportunity(deal.id).status == "lost"
