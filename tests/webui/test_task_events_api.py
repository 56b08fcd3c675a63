"""GET /tasks/{id} (the task's boundary codes), POST /tasks/{id}/bpmn-error and
/bpmn-escalation on both databases: each documented answer fits its schema — the rep ends "Prepare offer" as "Customer withdrew", escalates
"Discount above my limit" — and a wrong user is 403 or 404 as for completing."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.service.test_task_events import OFFERS
from tests.webui.test_api import Api, assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

TASK, ERROR, ESCALATION = "/tasks/{task_id}", "/tasks/{task_id}/bpmn-error", "/tasks/{task_id}/bpmn-escalation"
TASK_EVENT_PATHS = {TASK, ERROR, ESCALATION}
WITHDREW = {"code": "CUSTOMER_WITHDREW", "name": "Customer withdrew", "interrupting": True}
DISCOUNT = {"code": "DISCOUNT", "name": "Discount above my limit", "interrupting": False}


@pytest.fixture
def offers_api(db_url, clock):
    engine = make_engine(db_url, clock, OFFERS)
    engine.create_user("designer", "designer")
    yield Api(engine)
    engine.close()


def open_offer(api) -> str:
    response = api.post("/opportunities", "manager", {"title": "Bistro offer", "amount": "1000.00",
                                                      "partner": "Bistro", "owner": "rep1"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["open_tasks"][0]["id"]


def test_every_documented_answer_of_ending_a_task_by_a_boundary_event(offers_api):
    api = offers_api
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    task = open_offer(api)
    for path, route, body in ((f"/tasks/{task}/bpmn-error", ERROR, {"errorCode": "CUSTOMER_WITHDREW"}),
                              (f"/tasks/{task}/bpmn-escalation", ESCALATION, {"escalationCode": "DISCOUNT"})):
        check(api.post(path, None, body), "POST", route, 401)
        check(api.post(path, "rep3", body), "POST", route, 404)  # another team's deal
        check(api.post(path, "rep2", body), "POST", route, 404)  # the team's deal, rep1's task
        check(api.post(path, "designer", body), "POST", route, 403)  # sees every deal, works none
    escalated = check(api.post(f"/tasks/{task}/bpmn-escalation", "rep1", {"escalationCode": "DISCOUNT"}),
                      "POST", ESCALATION, 200)
    assert sorted(t["name"] for t in escalated["open_tasks"]) == ["Approve the discount", "Prepare offer"]
    refused = check(api.post(f"/tasks/{task}/bpmn-escalation", "rep1", {"escalationCode": "NOPE", "colour": 1}),
                    "POST", ESCALATION, 422)
    assert set(refused["fields"]) == {"colour"}
    refused = check(api.post(f"/tasks/{task}/bpmn-error", "rep1", {"errorCode": "NOPE"}), "POST", ERROR, 422)
    assert "CUSTOMER_WITHDREW" in refused["fields"]["errorCode"]
    lost = check(api.post(f"/tasks/{task}/bpmn-error", "rep1", {
        "errorCode": "CUSTOMER_WITHDREW", "errorMessage": "Budget frozen",
        "variables": {"offer_total": {"value": 0, "type": "Long"}}}), "POST", ERROR, 200)
    assert (lost["status"], lost["stage_id"]) == ("lost", "lost")
    check(api.post(f"/tasks/{task}/bpmn-error", "rep1", {"errorCode": "CUSTOMER_WITHDREW"}), "POST", ERROR, 409)
    check(api.post(f"/tasks/{task}/bpmn-escalation", "rep1", {"escalationCode": "DISCOUNT"}), "POST", ESCALATION,
          409)
    assert every_status(check.document, {ERROR, ESCALATION}) - check.checked == set()


def test_a_task_lists_the_boundary_codes_that_can_still_catch_on_it(offers_api):
    api = offers_api
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    task = open_offer(api)
    path = f"/tasks/{task}"
    shown = check(api.get(path, "rep1"), "GET", TASK, 200)
    assert (shown["id"], shown["name"], shown["may_work"]) == (task, "Prepare offer", True)
    assert (shown["errors"], shown["escalations"]) == ([WITHDREW], [DISCOUNT])
    seen = check(api.get(path, "designer"), "GET", TASK, 200)  # sees every deal, works none
    assert (seen["may_work"], seen["errors"], seen["escalations"]) == (False, [WITHDREW], [DISCOUNT])
    check(api.get(path, None), "GET", TASK, 401)
    check(api.get(path, "rep3"), "GET", TASK, 404)  # another team's deal
    check(api.get(path, "rep2"), "GET", TASK, 404)  # the team's deal, rep1's task
    check(api.get("/tasks/no-such-task", "rep1"), "GET", TASK, 404)
    api.post(f"{path}/bpmn-escalation", "rep1", {"escalationCode": "DISCOUNT"})
    raised = check(api.get(path, "rep1"), "GET", TASK, 200)  # raised once: no longer offered
    assert (raised["status"], raised["errors"], raised["escalations"]) == ("ready", [WITHDREW], [])
    check(api.post(f"{path}/bpmn-error", "rep1", {"errorCode": "CUSTOMER_WITHDREW"}), "POST", ERROR, 200)
    ended = check(api.get(path, "rep1"), "GET", TASK, 200)
    assert (ended["status"], ended["may_work"], ended["errors"], ended["escalations"]) == (
        "completed", False, [], [])
    assert every_status(check.document, {TASK}) - check.checked == set()


def test_bad_bodies_are_refused_field_by_field(offers_api):
    api = offers_api
    task = open_offer(api)
    assert_error(api.post(f"/tasks/{task}/bpmn-error", "rep1", {}), 422, "invalid", {"errorCode"})
    assert_error(api.post(f"/tasks/{task}/bpmn-error", "rep1", {"errorCode": "CUSTOMER_WITHDREW", "variables": [1]}),
                 422, "invalid", {"variables"})
    assert_error(api.post(f"/tasks/{task}/bpmn-error", "rep1", {"errorCode": "CUSTOMER_WITHDREW",
                                                               "variables": {"nonsense": 1}}),
                 422, "invalid", {"variables.nonsense"})
    assert_error(api.post(f"/tasks/{task}/bpmn-error", "rep1", {"errorCode": 5}), 422, "invalid", {"errorCode"})
    assert_error(api.post(f"/tasks/{task}/bpmn-error", "rep1", raw="{oops"), 422, "invalid", {"body"})
    assert_error(api.post("/tasks/no-such-task/bpmn-error", "rep1", {"errorCode": "X"}), 404, "not_found")
    assert api.get("/inbox", "rep1").get_json()["tasks"][0]["id"] == task  # still there, untouched
