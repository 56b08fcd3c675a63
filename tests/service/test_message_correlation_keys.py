"""Camunda 8's message correlation through the façade and the API, on SQLite and
PostgreSQL: the message's ``zeebe:subscription correlationKey`` (here ``= order_number``)
is evaluated when a deal's catch begins to wait, and a message sent with that key
reaches that deal only — at once, or kept (buffered) until a deal with the key waits.
A number is its text. A wait whose key expression fails has no key: it is still
reachable by deal id."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.errors import FormError, NotFoundError
from engine.service import Engine
from engine.views.messages import Correlation
from tests.conftest import make_engine
from tests.engine.test_concurrency import at_once
from tests.service.test_messages import FIXTURE, named, order, stage
from tests.webui.test_api import assert_error
from tests.webui.test_messages_api import Senders

SUBSCRIBED = ('<bpmn:message id="Message_Order" name="order-confirmed"><bpmn:extensionElements>'
              '<zeebe:subscription correlationKey="= order_number" /></bpmn:extensionElements></bpmn:message>')


def keyed_methodologies(tmp_path) -> Path:
    """The messages fixture whose 'order-confirmed' declares ``correlationKey="= order_number"``."""
    folder = tmp_path / "methodologies"
    shutil.copytree(FIXTURE, folder)
    bpmn = folder / "bpmn" / "after_sale.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    assert '<bpmn:message id="Message_Order" name="order-confirmed"/>' in text
    bpmn.write_text(text.replace('<bpmn:message id="Message_Order" name="order-confirmed"/>', SUBSCRIBED).replace(
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"',
        1), encoding="utf-8")
    return folder


@pytest.fixture
def erp(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, keyed_methodologies(tmp_path))
    yield engine
    engine.close()


def by_key(key: str) -> Correlation:
    return Correlation(key=key)


def test_a_message_with_a_correlation_key_reaches_the_deal_whose_catch_gave_that_key(erp):
    first = order(erp, "ORD-1", "First", order_number=4711)
    second = order(erp, "ORD-2", "Second", order_number=4712)
    sent = erp.send_message("order-confirmed", by_key("4712"), {"carrier": "DHL"}, actor="admin")
    assert sent.delivered_to == (second.id,)
    assert (stage(erp, first), stage(erp, second)) == ("order", "delivery")
    with pytest.raises(NotFoundError, match="no open deal with correlation key '4712' waits for message "
                                            "'order-confirmed'"):
        erp.send_message("order-confirmed", by_key("4712"), actor="admin")  # it no longer waits
    # other correlations still work beside the key
    assert erp.send_message("order-confirmed", Correlation(business_key="ORD-1"), actor="admin").delivered_to == (
        first.id,)


def test_a_buffered_message_with_a_key_goes_to_the_first_deal_that_waits_with_it(erp, clock):
    kept = erp.send_message("order-confirmed", by_key("4799"), {"carrier": "UPS"}, buffer_seconds=3600,
                            actor="admin")
    assert kept.delivered_to == () and kept.buffered_id is not None
    other = order(erp, "ORD-8", "Other", order_number=4798)
    assert stage(erp, other) == "order"
    late = order(erp, "ORD-9", "Late", order_number=4799)
    assert stage(erp, late) == "delivery"
    twin = order(erp, "ORD-10", "Twin", order_number=4799)
    assert stage(erp, twin) == "order"  # delivered once


def test_a_wait_whose_key_cannot_be_computed_has_none_but_the_deal_id_still_reaches_it(erp):
    deal = order(erp, "ORD-3", "No number")  # no order_number in its data
    with pytest.raises(NotFoundError):
        erp.send_message("order-confirmed", by_key("None"), actor="admin")
    assert erp.send_message("order-confirmed", Correlation(deal_id=deal.id), actor="admin").delivered_to == (deal.id,)


def test_one_correlation_at_a_time(erp):
    order(erp, "ORD-1", "First", order_number=1)
    with pytest.raises(FormError) as refused:
        erp.send_message("order-confirmed", Correlation(business_key="ORD-1", key="1"), actor="admin")
    assert "correlation key" in refused.value.fields["correlation"]


def test_the_api_takes_camunda_8s_correlation_key_as_text_or_number(erp):
    api = Senders(erp)
    deal = order(erp, "ORD-5", "Api", order_number=9001)
    assert_error(api.send("admin", {"messageName": "order-confirmed", "correlationKey": ["9001"]}), 422,
                 "invalid")
    sent = api.send("admin", {"messageName": "order-confirmed", "correlationKey": 9001})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["deliveredTo"] == [deal.id]
    assert json.loads(json.dumps(sent.get_json()))["messageName"] == "order-confirmed"


def test_the_deal_shows_the_key_it_waits_with_or_why_it_has_none(erp):
    keyed = order(erp, "ORD-1", "Keyed", order_number=4711)
    unkeyed = order(erp, "ORD-2", "No number")
    [wait] = ordered(erp, keyed)
    assert (wait.node_id, wait.node_name, wait.correlation_key, wait.key_problem) == (
        "Receive_Order", "Wait for the ERP order", "4711", None)
    [wait] = ordered(erp, unkeyed)
    assert wait.correlation_key is None
    assert wait.key_problem.startswith("its correlationKey '= order_number' ")
    with pytest.raises(NotFoundError):
        erp.deal_waits(viewer="rep3", opportunity_id=keyed.id)  # another team's deal
    erp.send_message("order-confirmed", by_key("4711"), actor="admin")
    assert ordered(erp, keyed) == []
    assert {w.key_problem for w in erp.deal_waits(viewer="rep1", opportunity_id=keyed.id).messages} == {None}


def ordered(engine, deal):
    """The deal's waits for 'order-confirmed' (its other messages declare no key)."""
    return [w for w in engine.deal_waits(viewer="rep1", opportunity_id=deal.id).messages
            if w.message == "order-confirmed"]


def test_the_api_lists_what_a_deal_waits_for(erp):
    api = Senders(erp)
    deal = order(erp, "ORD-6", "Api", order_number=9002)
    answer = api.get(f"/opportunities/{deal.id}/waits", "rep1")
    assert answer.status_code == 200, answer.get_json()
    [wait] = [w for w in answer.get_json()["messages"] if w["messageName"] == "order-confirmed"]
    assert (wait["messageName"], wait["correlationKey"], wait["correlationKeyProblem"]) == (
        "order-confirmed", "9002", None)
    assert answer.get_json()["externalTasks"] == []
    assert_error(api.get(f"/opportunities/{deal.id}/waits", "rep3"), 404, "not_found")
    assert_error(api.get(f"/opportunities/{deal.id}/waits", None), 401, "unauthorized")


def test_two_senders_racing_with_one_key_deliver_once(db_url, clock, tmp_path):
    first = make_engine(db_url, clock, keyed_methodologies(tmp_path))
    second = Engine(db_url, clock=clock)
    try:
        deal = order(first, "ORD-1", "Raced", order_number=4711)
        outcomes = at_once(*(lambda e=e: e.send_message("order-confirmed", by_key("4711"), actor="admin").delivered_to
                             for e in (first, second)))
        assert sorted(map(named, outcomes)) == sorted([str((deal.id,)), "NotFoundError"])
        shown = first.show_opportunity(deal.id)
        assert [e.kind for e in shown.events].count("message_received") == 1
        assert shown.stage_id == "delivery"
    finally:
        first.close()
        second.close()


def test_two_deals_that_begin_waiting_with_one_key_at_once_take_its_buffered_message_once(db_url, clock, tmp_path):
    first = make_engine(db_url, clock, keyed_methodologies(tmp_path))
    second = Engine(db_url, clock=clock)
    try:
        kept = first.send_message("order-confirmed", by_key("4800"), {"carrier": "DPD"}, buffer_seconds=3600,
                                  actor="admin")
        assert kept.buffered_id is not None
        opened = at_once(lambda: order(first, "ORD-A", "A", order_number=4800).id,
                         lambda: order(second, "ORD-B", "B", order_number=4800).id)
        assert all(isinstance(o, int) for o in opened), opened
        assert sorted(stage(first, first.show_opportunity(i)) for i in opened) == ["delivery", "order"]
        received = [first.show_opportunity(i) for i in opened]
        assert sum([e.kind for e in d.events].count("message_received") for d in received) == 1
    finally:
        first.close()
        second.close()
