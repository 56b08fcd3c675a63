"""POST /api/v1/signals through Flask's test client on both databases: a worker token
scoped to signal:NAME or a designer's or admin's token broadcasts; every other caller
is refused; real answers (200, every error) fit the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.service.test_signals import FIXTURE, offer
from tests.webui.test_api import assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status
from tests.webui.test_messages_api import Senders as MessageSenders

SIGNAL_PATHS = {"/signals"}


class Senders(MessageSenders):
    path = "/signals"


@pytest.fixture
def api(db_url, clock):
    engine = make_engine(db_url, clock, FIXTURE)
    yield Senders(engine)
    engine.close()


def test_a_signal_reaches_the_waiting_deals_and_the_answer_lists_them(api):
    first, second = offer(api.engine, "First"), offer(api.engine, "Second")
    sent = api.send("admin", {"name": "product-withdrawn", "variables": {"reason": "recalled"}})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json() == {"name": "product-withdrawn", "deliveredTo": [first.id, second.id], "failed": []}
    assert api.get(f"/opportunities/{first.id}", "rep1").get_json()["stage_id"] == "lost"
    nobody = api.send("admin", {"name": "product-withdrawn"})
    assert (nobody.status_code, nobody.get_json()["deliveredTo"]) == (200, [])


def test_who_may_send(api):
    deal = offer(api.engine)
    body = {"name": "product-withdrawn"}
    assert_error(api.send(None, body), 401, "unauthorized")
    for user in ("rep1", "manager"):
        assert_error(api.send(user, body), 403, "forbidden")
    assert_error(api.send("erp", body, worker_topics=["message:product-withdrawn"]), 403, "forbidden")
    assert api.get(f"/opportunities/{deal.id}", "rep1").get_json()["stage_id"] == "offer"  # nothing moved
    assert api.send("pim", body, worker_topics=["signal:product-withdrawn"]).get_json()["deliveredTo"] == [deal.id]
    # A worker token opens no user route.
    assert_error(api.client.get(PREFIX + "/inbox", headers={"Authorization": f"Bearer {api._tokens['pim']}"}),
                 401, "unauthorized")


def test_real_answers_fit_the_documented_schemas(api):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    check = Checker(document)
    offer(api.engine)
    check(api.send(None, {"name": "product-withdrawn"}), "POST", "/signals", 401)
    check(api.send("rep1", {"name": "product-withdrawn"}), "POST", "/signals", 403)
    for bad in ({"name": 7}, {"name": "x", "colour": 1}, {"name": "x", "variables": [1]}, {}, {"name": ""}):
        check(api.send("admin", bad), "POST", "/signals", 422)
    failing = api.send("admin", {"name": "product-withdrawn", "variables": {"reason": 5}})
    check(failing, "POST", "/signals", 200)
    assert failing.get_json()["deliveredTo"] == [] and len(failing.get_json()["failed"]) == 1
    check(api.send("admin", {"name": "price-list-changed", "variables": {"reason": "list 8"}}), "POST", "/signals",
          200)
    assert every_status(document, SIGNAL_PATHS) - check.checked == set()
