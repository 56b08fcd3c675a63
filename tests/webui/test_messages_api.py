"""POST /api/v1/messages through Flask's test client on both databases: a worker token
scoped to message:NAME or a designer's or admin's token sends; every other caller is
refused; real answers (200, 202, every error) fit the OpenAPI document."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_engine
from tests.service.test_messages import FIXTURE, order
from tests.webui.test_api import Api, assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

MESSAGE_PATHS = {"/messages", "/opportunities/{opportunity_id}/waits"}


class Senders(Api):
    path = "/messages"

    def send(self, who: str | None, body, *, worker_topics=None):
        if worker_topics is not None:
            if who not in self._tokens:
                self._tokens[who] = self.engine.create_worker_token(who, list(worker_topics), actor="admin")
            headers = {"Authorization": f"Bearer {self._tokens[who]}"}
        else:
            headers = self.headers(who)
        return self.client.post(PREFIX + self.path, headers=headers, data=json.dumps(body),
                                content_type="application/json")


@pytest.fixture
def api(db_url, clock):
    engine = make_engine(db_url, clock, FIXTURE)
    yield Senders(engine)
    engine.close()


def test_a_message_by_business_key_moves_the_deal_and_the_answer_lists_it(api):
    deal = order(api.engine)
    sent = api.send("admin", {"messageName": "order-confirmed", "businessKey": "ORD-1",
                              "processVariables": {"carrier": {"value": "DHL", "type": "String"}}})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["deliveredTo"] == [deal.id]
    assert api.get(f"/opportunities/{deal.id}", "rep1").get_json()["stage_id"] == "delivery"


def test_who_may_send(api):
    order(api.engine)
    body = {"messageName": "order-confirmed", "businessKey": "ORD-1"}
    assert_error(api.send(None, body), 401, "unauthorized")
    for user in ("rep1", "manager"):
        assert_error(api.send(user, body), 403, "forbidden")
    assert_error(api.send("erp", body, worker_topics=["invoice"]), 403, "forbidden")
    assert_error(api.send("lost", {**body, "messageName": "delivered"}, worker_topics=["message:delivered"]), 404,
                 "not_found")
    assert api.send("erp2", body, worker_topics=["message:order-confirmed"]).status_code == 200
    # A worker token opens no user route.
    assert_error(api.client.get(PREFIX + "/inbox", headers={"Authorization": f"Bearer {api._tokens['erp2']}"}),
                 401, "unauthorized")


def test_real_answers_fit_the_documented_schemas(api):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    check = Checker(document)
    deal = order(api.engine)
    check(api.send(None, {"messageName": "order-confirmed"}), "POST", "/messages", 401)
    check(api.send("rep1", {"messageName": "order-confirmed", "businessKey": "ORD-1"}), "POST", "/messages", 403)
    check(api.send("admin", {"messageName": "order-confirmed", "businessKey": "NOPE"}), "POST", "/messages", 404)
    check(api.send("admin", {"messageName": "order-confirmed", "businessKey": "ORD-1", "opportunityId": deal.id}),
          "POST", "/messages", 422)
    check(api.send("admin", {"messageName": "order-confirmed", "colour": 1}), "POST", "/messages", 422)
    check(api.send("admin", {"messageName": "order-confirmed", "opportunityId": "1"}), "POST", "/messages", 422)
    check(api.send("admin", {"messageName": "order-confirmed", "businessKey": "LATER", "bufferSeconds": 60}),
          "POST", "/messages", 202)
    check(api.send("admin", {"messageName": "order-confirmed", "correlationKeys": {"business_key": "ORD-1"}}),
          "POST", "/messages", 200)
    task = api.engine.show_opportunity(deal.id).open_tasks[0]
    api.engine.complete_task(task.id, actor="rep1", data={})
    api.engine.send_message("delivered", variables={}, actor="admin",
                            correlation=__import__("engine").views.messages.Correlation(deal_id=deal.id))
    failing = api.send("admin", {"messageName": "payment-received", "opportunityId": deal.id,
                                 "processVariables": {"paidAmount": "a lot"}})
    check(failing, "POST", "/messages", 409)
    assert api.engine.show_opportunity(deal.id).stage_id == "payment"  # nothing delivered
    waits = f"/opportunities/{deal.id}/waits"
    check(api.get(waits, "rep1"), "GET", "/opportunities/{opportunity_id}/waits", 200)
    check(api.get(waits, "rep3"), "GET", "/opportunities/{opportunity_id}/waits", 404)
    check(api.get(waits, None), "GET", "/opportunities/{opportunity_id}/waits", 401)
    assert every_status(document, MESSAGE_PATHS) - check.checked == set()
