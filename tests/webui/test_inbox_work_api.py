"""The inbox tools and revising answers through the JSON API (issue 15), on both
databases: saved filters (each user's own), a task's follow-up date, bulk claim and
hand-over (decided task by task), a completed task's revision; every route as the
wrong user, errors per field, and real answers checked against the OpenAPI document."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import make_engine
from tests.service.revision_fixtures import three_step_stage
from tests.webui import test_api
from tests.webui.test_api import Api, assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

INBOX_WORK_PATHS = {"/inbox/filters", "/inbox/filters/{filter_id}", "/tasks/{task_id}/follow-up",
                    "/inbox/bulk-claim", "/inbox/bulk-hand-over", "/tasks/{task_id}/revision"}
REVISION = "/tasks/{task_id}/revision"
queue_api = test_api.queue_api  # the fixture: the base methodology, its manager lane to the team's queue


@pytest.fixture
def api(queue_api):
    """The base methodology, its manager lane going to the team's queue (bulk claims)."""
    return queue_api


@pytest.fixture
def revision_api(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, three_step_stage(tmp_path))
    yield Api(engine)
    engine.close()


def queued_chases(api, clock, deals=2):
    """``deals`` deals whose "Chase the rep" tasks wait, unclaimed, in team sales' queue."""
    for _ in range(deals):
        api.open_deal()
    clock.advance(days=4)
    api.engine.fire_due_timers()
    return [t["id"] for t in api.get("/inbox", "rep2").get_json()["tasks"] if t["node_id"] == "Task_Chase"]


# --- saved filters ----------------------------------------------------------------------

def test_saved_filters_are_each_users_own(api):
    saved = api.post("/inbox/filters", "rep1", {"name": "Late", "query": {"due": "overdue", "sort": "-due"}})
    assert saved.status_code == 201
    body = saved.get_json()
    assert (body["name"], body["query"], body["link"]) == ("Late", {"due": "overdue", "sort": "-due"},
                                                          "/?due=overdue&sort=-due")
    assert api.get("/inbox/filters", "rep1").get_json() == {"filters": [body]}
    assert api.get("/inbox/filters", "rep2").get_json() == {"filters": []}
    assert_error(api.delete(f"/inbox/filters/{body['id']}", "rep2"), 404, "not_found")  # not theirs
    assert api.get("/inbox/filters", "rep1").get_json()["filters"] == [body]
    assert api.delete(f"/inbox/filters/{body['id']}", "rep1").status_code == 204
    assert api.get("/inbox/filters", "rep1").get_json() == {"filters": []}
    assert_error(api.delete(f"/inbox/filters/{body['id']}", "rep1"), 404, "not_found")


def test_a_bad_filter_is_refused_with_a_message_per_field(api):
    assert_error(api.post("/inbox/filters", "rep1", {"query": {"due": "soon", "colour": "red"}}), 422, "invalid",
                 {"name", "colour"})
    assert_error(api.post("/inbox/filters", "rep1", {"name": "x", "query": {"due": "soon"}}), 422, "invalid",
                 {"due"})
    assert_error(api.post("/inbox/filters", "rep1", {"name": "x", "query": {"due": 3}}), 422, "invalid", {"due"})
    assert_error(api.post("/inbox/filters", "rep1", {"name": "x", "query": ["due"]}), 422, "invalid", {"query"})
    assert_error(api.post("/inbox/filters", None, {"name": "x"}), 401, "unauthorized")
    assert api.get("/inbox/filters", "rep1").get_json() == {"filters": []}


# --- follow-up ---------------------------------------------------------------------------

def test_the_follow_up_date_is_set_and_cleared_by_whoever_may_work_the_task(api):
    deal = api.open_deal()
    task = deal["open_tasks"][0]["id"]
    holder = deal["open_tasks"][0]["assignee"]
    set_ = api.put(f"/tasks/{task}/follow-up", holder, {"follow_up": "2026-11-20"})
    assert set_.status_code == 200 and set_.get_json()["follow_up_at"].startswith("2026-11-")
    assert api.get("/inbox?follow_up=none", holder).get_json()["tasks"] == []
    other = "rep2" if holder == "rep1" else "rep1"
    assert_error(api.put(f"/tasks/{task}/follow-up", other, {"follow_up": None}), 404, "not_found")
    assert_error(api.put(f"/tasks/{task}/follow-up", holder, {"follow_up": "next week"}), 422, "invalid",
                 {"follow_up"})
    assert_error(api.put(f"/tasks/{task}/follow-up", holder, {}), 422, "invalid", {"follow_up"})
    assert_error(api.put(f"/tasks/{task}/follow-up", holder, {"follow_up": 5, "when": 1}), 422, "invalid",
                 {"when"})
    cleared = api.put(f"/tasks/{task}/follow-up", holder, {"follow_up": None})
    assert cleared.status_code == 200 and cleared.get_json()["follow_up_at"] is None


# --- bulk ---------------------------------------------------------------------------------

def test_a_bulk_claim_is_decided_task_by_task(api, clock):
    chases = queued_chases(api, clock)
    # rep1 claims the one on rep2's own deal first: rep2 still sees it, and is told who has it.
    (second,) = [t for t in chases if api.engine.task(t, viewer="admin").opportunity_id
                 in {d.id for d in api.engine.list_opportunities() if d.owner == "rep2"}]
    (first,) = set(chases) - {second}
    api.post(f"/tasks/{second}/claim", "rep1")
    report = api.post("/inbox/bulk-claim", "rep2", {"task_ids": [first, second, "no-such-task"]})
    assert report.status_code == 200
    body = report.get_json()
    assert body["action"] == "claim" and body["to"] is None
    assert [o["task_id"] for o in body["done"]] == [first]
    assert {o["task_id"]: o["name"] for o in body["refused"]} == {second: "Chase the rep", "no-such-task": None}
    assert "rep1" in body["refused"][0]["reason"]
    assert_error(api.post("/inbox/bulk-claim", "rep2", {"task_ids": "all"}), 422, "invalid", {"task_ids"})
    assert_error(api.post("/inbox/bulk-claim", "rep2", {"task_ids": []}), 422, "invalid", {"task_ids"})
    assert_error(api.post("/inbox/bulk-claim", "rep2", {"task_ids": [first], "x": 1}), 422, "invalid", {"x"})


def test_a_bulk_hand_over_refuses_the_tasks_the_caller_does_not_manage(api, clock):
    first, second = queued_chases(api, clock)
    wrong = api.post("/inbox/bulk-hand-over", "rep1", {"task_ids": [first, second], "to": "rep2"}).get_json()
    assert wrong["done"] == [] and len(wrong["refused"]) == 2  # a rep manages no deal
    report = api.post("/inbox/bulk-hand-over", "manager", {"task_ids": [first, second], "to": "rep2"})
    assert report.status_code == 200 and [o["task_id"] for o in report.get_json()["done"]] == [first, second]
    assert report.get_json()["to"] == "rep2"
    assert {t["id"] for t in api.get("/inbox?assignee=me", "rep2").get_json()["tasks"]} >= {first, second}
    assert_error(api.post("/inbox/bulk-hand-over", "manager", {"task_ids": [first], "to": "nobody"}), 422,
                 "invalid", {"to"})
    assert_error(api.post("/inbox/bulk-hand-over", "manager", {"task_ids": 1}), 422, "invalid", {"task_ids", "to"})


# --- revising answers ------------------------------------------------------------------------

def qualified(api):
    deal = api.post("/opportunities", "manager", {"title": "Kiosk", "amount": "1000.00", "partner": "P",
                                                   "attributes": {"channel": "retail"}}).get_json()
    task = deal["open_tasks"][0]["id"]
    api.post(f"/tasks/{task}/complete", deal["owner"], {"amount": 5000, "need": "ovens"})
    return deal, task


def test_whoever_completed_a_task_revises_its_answers_until_the_stage_is_left(revision_api):
    api = revision_api
    deal, task = qualified(api)
    owner = deal["owner"]
    shown = api.get(f"/tasks/{task}/revision", owner).get_json()
    assert shown == {"task_id": task, "opportunity_id": deal["id"], "may_revise": True, "refusal": None,
                     "answers": {"need": "ovens", "amount": 5000, "interested": True}}
    revised = api.post(f"/tasks/{task}/revision", owner, {"amount": "7000", "need": "ovens"})
    assert revised.status_code == 200 and revised.get_json()["amount"] == "7000.00"
    assert api.engine.show_opportunity(deal["id"]).amount == Decimal("7000.00")
    assert not api.get(f"/tasks/{task}/revision", "manager").get_json()["may_revise"]
    assert_error(api.post(f"/tasks/{task}/revision", "manager", {"amount": "1"}), 403, "forbidden")
    assert_error(api.get(f"/tasks/{task}/revision", "rep3"), 404, "not_found")
    assert_error(api.post(f"/tasks/{task}/revision", "rep3", {"amount": "1"}), 404, "not_found")
    assert_error(api.post(f"/tasks/{task}/revision", owner, {"amount": "-1", "colour": 1}), 422, "invalid",
                 {"amount", "colour"})
    assert_error(api.post(f"/tasks/{task}/revision", owner, {"amount": "7000", "need": "ovens"}), 422, "invalid",
                 {"form"})
    assert_error(api.post(f"/tasks/{task}/revision", None, {"amount": "1"}), 401, "unauthorized")
    assert api.engine.show_opportunity(deal["id"]).amount == Decimal("7000.00")


# --- the document ---------------------------------------------------------------------------

def test_real_answers_fit_the_documented_schemas(api, clock):
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    check(api.get("/inbox/filters", None), "GET", "/inbox/filters", 401)
    saved = api.post("/inbox/filters", "rep1", {"name": "Mine", "query": {"assignee": "me"}})
    check(saved, "POST", "/inbox/filters", 201)
    check(api.post("/inbox/filters", None, {"name": "x"}), "POST", "/inbox/filters", 401)
    check(api.post("/inbox/filters", "rep1", {"name": ""}), "POST", "/inbox/filters", 422)
    check(api.get("/inbox/filters", "rep1"), "GET", "/inbox/filters", 200)
    filter_path = "/inbox/filters/{filter_id}"
    check(api.delete(f"/inbox/filters/{saved.get_json()['id']}", None), "DELETE", filter_path, 401)
    check(api.delete(f"/inbox/filters/{saved.get_json()['id']}", "rep2"), "DELETE", filter_path, 404)
    response = api.delete(f"/inbox/filters/{saved.get_json()['id']}", "rep1")
    assert response.status_code == 204 and response.get_data() == b""
    check.checked.add(("DELETE", filter_path, "204"))

    first, second = queued_chases(api, clock)
    follow = "/tasks/{task_id}/follow-up"
    check(api.put(f"/tasks/{first}/follow-up", None, {"follow_up": None}), "PUT", follow, 401)
    check(api.put(f"/tasks/{first}/follow-up", "rep3", {"follow_up": None}), "PUT", follow, 404)
    check(api.put(f"/tasks/{first}/follow-up", "manager", {"follow_up": "x"}), "PUT", follow, 422)
    check(api.put(f"/tasks/{first}/follow-up", "manager", {"follow_up": "2026-11-30"}), "PUT", follow, 200)
    check(api.post("/inbox/bulk-claim", None, {"task_ids": [first]}), "POST", "/inbox/bulk-claim", 401)
    check(api.post("/inbox/bulk-claim", "rep2", {"task_ids": []}), "POST", "/inbox/bulk-claim", 422)
    check(api.post("/inbox/bulk-claim", "rep2", {"task_ids": [first, "gone"]}), "POST", "/inbox/bulk-claim", 200)
    hand = "/inbox/bulk-hand-over"
    check(api.post(hand, None, {"task_ids": [second], "to": "rep1"}), "POST", hand, 401)
    check(api.post(hand, "manager", {"task_ids": [second], "to": "nobody"}), "POST", hand, 422)
    check(api.post(hand, "manager", {"task_ids": [second], "to": "rep1"}), "POST", hand, 200)
    # A task that is no longer ready; one the caller sees but may not work.
    api.post(f"/tasks/{first}/complete", "rep2", {})
    check(api.put(f"/tasks/{first}/follow-up", "rep2", {"follow_up": None}), "PUT", follow, 409)
    deal = api.open_deal()  # its owner's task, handed to the manager: the owner sees it, may not work it
    api.engine.reassign_task(deal["open_tasks"][0]["id"], to="manager", actor="manager")
    check(api.put(f"/tasks/{deal['open_tasks'][0]['id']}/follow-up", deal["owner"], {"follow_up": None}),
          "PUT", follow, 403)
    assert every_status(check.document, INBOX_WORK_PATHS - {REVISION}) - check.checked == set()


def test_real_revision_answers_fit_the_documented_schemas(revision_api):
    rapi, revision = revision_api, REVISION
    deal, task = qualified(rapi)
    rcheck = Checker(rapi.client.get(f"{PREFIX}/openapi.json").get_json())
    rcheck(rapi.get(f"/tasks/{task}/revision", None), "GET", revision, 401)
    rcheck(rapi.get(f"/tasks/{task}/revision", "rep3"), "GET", revision, 404)
    rcheck(rapi.get(f"/tasks/{task}/revision", deal["owner"]), "GET", revision, 200)
    rcheck(rapi.post(f"/tasks/{task}/revision", None, {}), "POST", revision, 401)
    rcheck(rapi.post(f"/tasks/{task}/revision", "manager", {"amount": 1}), "POST", revision, 403)
    rcheck(rapi.post(f"/tasks/{task}/revision", "rep3", {"amount": 1}), "POST", revision, 404)
    rcheck(rapi.post(f"/tasks/{task}/revision", deal["owner"], {"amount": "x"}), "POST", revision, 422)
    rcheck(rapi.post(f"/tasks/{task}/revision", deal["owner"], {"amount": 6000, "need": "n"}), "POST", revision, 200)
    scored = rapi.engine.show_opportunity(deal["id"]).open_tasks
    ready = [t.id for t in scored if t.kind == "workflow"][0]
    rcheck(rapi.post(f"/tasks/{ready}/revision", deal["owner"], {"budget": "no"}), "POST", revision, 409)
    assert every_status(rcheck.document, {REVISION}) - rcheck.checked == set()
