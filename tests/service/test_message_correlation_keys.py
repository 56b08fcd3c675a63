"""Camunda 8's message correlation through the façade and the API, on SQLite and
PostgreSQL: the message's ``zeebe:subscription correlationKey`` (here ``= order_number``)
is evaluated when a deal's catch begins to wait, and a message sent with that key
reaches that deal only — at once, or kept (buffered) until a deal with the key waits.
A number is its text. A wait whose key expression fails has no key: it is still
reachable by deal id."""

from __future__ import annotations

import json
import shutil

import pytest

from engine.errors import FormError, NotFoundError
from engine.views.messages import Correlation
from tests.conftest import make_engine
from tests.service.test_messages import FIXTURE, order, stage
from tests.webui.test_api import assert_error
from tests.webui.test_messages_api import Senders

SUBSCRIBED = ('<bpmn:message id="Message_Order" name="order-confirmed"><bpmn:extensionElements>'
              '<zeebe:subscription correlationKey="= order_number" /></bpmn:extensionElements></bpmn:message>')


@pytest.fixture
def erp(db_url, clock, tmp_path):
    folder = tmp_path / "methodologies"
    shutil.copytree(FIXTURE, folder)
    bpmn = folder / "bpmn" / "after_sale.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    assert '<bpmn:message id="Message_Order" name="order-confirmed"/>' in text
    bpmn.write_text(text.replace('<bpmn:message id="Message_Order" name="order-confirmed"/>', SUBSCRIBED).replace(
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"',
        1), encoding="utf-8")
    engine = make_engine(db_url, clock, folder)
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
