"""The external-task API for workers (Camunda 7's shape) and incidents, through Flask's
test client on both databases: worker tokens open only the worker routes and only
their topics, every route refuses the wrong worker or user, real answers fit the
OpenAPI document, a long poll returns as soon as a task is there."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_engine
from tests.service.test_external_tasks import ERP
from tests.webui.test_api import Api, assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

EXTERNAL_PATHS = {"/external-tasks/fetch-and-lock", "/external-tasks/{task_id}/complete",
                  "/external-tasks/{task_id}/failure", "/external-tasks/{task_id}/bpmn-error",
                  "/external-tasks/{task_id}/extend-lock", "/incidents", "/incidents/{incident_id}/retry"}
FETCH = "/external-tasks/fetch-and-lock"


class Workers(Api):
    def as_worker(self, name: str, topics=("invoice",)) -> dict:
        if name not in self._tokens:
            self._tokens[name] = self.engine.create_worker_token(name, list(topics), actor="admin")
        return {"Authorization": f"Bearer {self._tokens[name]}"}

    def work(self, path: str, worker: str | None, body=None):
        headers = self.as_worker(worker, ("shipping",) if worker == "shipper" else ("invoice",)) if worker else {}
        return self.client.post(PREFIX + path, headers=headers, data=json.dumps(body),
                                content_type="application/json")

    def fetch(self, worker="erp", worker_id="w1", lock=60_000, topic="invoice", **more):
        return self.work(FETCH, worker, {"workerId": worker_id, "maxTasks": 5,
                                         "topics": [{"topicName": topic, "lockDuration": lock}], **more})


@pytest.fixture
def api(db_url, clock):
    engine = make_engine(db_url, clock, ERP)
    yield Workers(engine)
    engine.close()


def open_deal(api, title="Order"):
    return api.engine.create_opportunity(title=title, amount="1000.00", partner=f"{title} Ltd", actor="manager",
                                         owner="rep1")


def test_a_worker_fetches_completes_and_the_deal_moves_on(api):
    deal = open_deal(api)
    [task] = api.fetch().get_json()
    assert (task["topicName"], task["activityId"], task["opportunityId"], task["workerId"]) == \
        ("invoice", "Task_Invoice", deal.id, "w1")
    assert task["variables"]["amount"] == {"value": "1000.00"}
    done = api.work(f"/external-tasks/{task['id']}/complete", "erp", {
        "workerId": "w1", "variables": {"paid": {"value": True, "type": "Boolean"}, "invoiceNumber": "FV/7"}})
    assert done.status_code == 204, done.get_data(as_text=True)
    assert api.get(f"/opportunities/{deal.id}", "rep1").get_json()["stage_id"] == "shipping"


def test_tokens_and_workers_are_checked_on_every_route(api):
    open_deal(api)
    [task] = api.fetch().get_json()
    url = f"/external-tasks/{task['id']}"
    # A user's token opens no worker route; a worker's token no user route.
    response = api.client.post(PREFIX + FETCH, headers=api.headers("admin"), data="{}",
                               content_type="application/json")
    assert_error(response, 401, "unauthorized")
    assert_error(api.client.get(PREFIX + "/incidents", headers=api.as_worker("erp")), 401, "unauthorized")
    assert_error(api.client.get(PREFIX + "/inbox", headers=api.as_worker("erp")), 401, "unauthorized")
    for action, body in (("complete", {}), ("failure", {"retries": 1}), ("bpmn-error", {"errorCode": "X"}),
                         ("extend-lock", {"newDuration": 1000})):
        assert_error(api.work(f"{url}/{action}", None, {"workerId": "w1", **body}), 401, "unauthorized")
        assert_error(api.work(f"{url}/{action}", "shipper", {"workerId": "w1", **body}), 404, "not_found")
        assert_error(api.work(f"{url}/{action}", "erp", {"workerId": "w2", **body}), 403, "forbidden")
        assert_error(api.work(f"/external-tasks/nope/{action}", "erp", {"workerId": "w1", **body}), 404,
                     "not_found")
    assert_error(api.fetch("shipper", topic="invoice"), 422, "invalid", {"topics[0].topicName"})
    assert_error(api.work(FETCH, "erp", {"workerId": "w1", "maxTasks": 0, "topics": []}), 422, "invalid",
                 {"maxTasks", "topics"})
    assert_error(api.work(f"{url}/complete", "erp", {"workerId": "w1", "variables": {"payd": 1}}), 422,
                 "invalid", {"variables.payd"})


def test_an_incident_is_listed_to_who_sees_the_deal_and_retried_by_an_admin(api):
    deal = open_deal(api)
    [task] = api.fetch().get_json()
    assert api.work(f"/external-tasks/{task['id']}/failure", "erp",
                    {"workerId": "w1", "errorMessage": "ERP down", "retries": 0}).status_code == 204
    [incident] = api.get(f"/incidents?opportunity={deal.id}", "manager").get_json()
    assert (incident["status"], incident["errorMessage"]) == ("incident", "ERP down")
    assert api.get("/incidents", "rep3").get_json() == []
    assert_error(api.get(f"/incidents?opportunity={deal.id}", "rep3"), 404, "not_found")
    assert_error(api.post(f"/incidents/{task['id']}/retry", "rep1", {}), 403, "forbidden")
    assert_error(api.post(f"/incidents/{task['id']}/retry", "rep3", {}), 404, "not_found")
    retried = api.post(f"/incidents/{task['id']}/retry", "admin", {"retries": 3})
    assert retried.status_code == 200 and retried.get_json()["retries"] == 3
    assert [t["id"] for t in api.fetch().get_json()] == [task["id"]]


def test_a_long_poll_answers_at_once_when_a_task_is_there_and_empty_when_none_comes(api, clock):
    assert api.fetch(asyncResponseTimeout=0).get_json() == []
    open_deal(api)
    assert len(api.fetch(asyncResponseTimeout=60_000).get_json()) == 1  # no wait: one is there


def test_real_answers_fit_the_documented_schemas(api, clock):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    check = Checker(document)

    def empty(response, path: str, status: int):
        assert response.status_code == status, response.get_data(as_text=True)
        assert "content" not in document["paths"][path]["post"]["responses"][str(status)]
        check.checked.add(("POST", path, str(status)))

    first, second = open_deal(api, "First"), open_deal(api, "Second")
    tasks = check(api.fetch(), "POST", FETCH, 200)
    check(api.fetch(None), "POST", FETCH, 401)
    check(api.fetch(lock=0), "POST", FETCH, 422)
    by_deal = {t["opportunityId"]: t["id"] for t in tasks}
    one, two = by_deal[first.id], by_deal[second.id]
    for action, body, ok in (("extend-lock", {"newDuration": 120_000}, 204),
                             ("failure", {"errorMessage": "later", "retries": 2, "retryTimeout": 0}, 204)):
        path = f"/external-tasks/{{task_id}}/{action}"
        url = f"/external-tasks/{one}/{action}"
        check(api.work(url, None, {"workerId": "w1", **body}), "POST", path, 401)
        check(api.work(url, "erp", {"workerId": "w9", **body}), "POST", path, 403)
        check(api.work(url, "shipper", {"workerId": "w1", **body}), "POST", path, 404)
        check(api.work(url, "erp", {"workerId": "w1", **body, "colour": 1}), "POST", path, 422)
        empty(api.work(url, "erp", {"workerId": "w1", **body}), path, ok)
    check(api.work(f"/external-tasks/{one}/failure", "erp", {"workerId": "w1"}), "POST",
          "/external-tasks/{task_id}/failure", 403)  # released by the failure above
    check(api.work(f"/external-tasks/{one}/extend-lock", "erp", {"workerId": "w1", "newDuration": 5}), "POST",
          "/external-tasks/{task_id}/extend-lock", 403)
    [one_again] = api.fetch().get_json()
    assert one_again["id"] == one
    for action, body in (("bpmn-error", {"errorCode": "NO_CREDIT"}), ("complete", {"variables": {"paid": True}})):
        path = f"/external-tasks/{{task_id}}/{action}"
        url = f"/external-tasks/{two if action == 'complete' else one}/{action}"
        check(api.work(url, None, {"workerId": "w1", **body}), "POST", path, 401)
        check(api.work(url, "erp", {"workerId": "w9", **body}), "POST", path, 403)
        check(api.work(url, "shipper", {"workerId": "w1", **body}), "POST", path, 404)
        check(api.work(url, "erp", {"workerId": "w1", **body, "colour": 1}), "POST", path, 422)
        empty(api.work(url, "erp", {"workerId": "w1", **body}), path, 204)
        check(api.work(url, "erp", {"workerId": "w1", **body}), "POST", path, 409)
    for action, body in (("failure", {"retries": 1}), ("extend-lock", {"newDuration": 1000})):
        check(api.work(f"/external-tasks/{two}/{action}", "erp", {"workerId": "w1", **body}), "POST",
              f"/external-tasks/{{task_id}}/{action}", 409)  # completed above
    check(api.get("/incidents", "admin"), "GET", "/incidents", 200)
    check(api.get("/incidents", None), "GET", "/incidents", 401)
    check(api.get("/incidents?opportunity=x", "admin"), "GET", "/incidents", 422)
    check(api.get(f"/incidents?opportunity={first.id}", "rep3"), "GET", "/incidents", 404)
    third = open_deal(api, "Third")
    [task] = [t for t in api.fetch().get_json() if t["opportunityId"] == third.id]
    api.work(f"/external-tasks/{task['id']}/failure", "erp", {"workerId": "w1", "retries": 0})
    retry = "/incidents/{incident_id}/retry"
    check(api.post(f"/incidents/{task['id']}/retry", None, {}), "POST", retry, 401)
    check(api.post(f"/incidents/{task['id']}/retry", "rep1", {}), "POST", retry, 403)
    check(api.post(f"/incidents/{task['id']}/retry", "rep3", {}), "POST", retry, 404)
    check(api.post(f"/incidents/{task['id']}/retry", "admin", {"retries": 0}), "POST", retry, 422)
    check(api.post(f"/incidents/{task['id']}/retry", "admin", {}), "POST", retry, 200)
    check(api.post(f"/incidents/{task['id']}/retry", "admin", {}), "POST", retry, 409)
    assert every_status(document, EXTERNAL_PATHS) - check.checked == set()
