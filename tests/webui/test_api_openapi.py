"""The OpenAPI document matches the implementation: a valid OpenAPI 3.1 document,
exactly the blueprint's routes, and real answers (successes and errors) that fit
the documented response schemas."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.webui.test_api import api, queue_api  # noqa: F401  (fixtures)

PREFIX = "/api/v1"
NOT_DOCUMENTED = {"api.no_such_route"}  # the catch-all that answers 404/405 as JSON


def documented(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def test_the_document_is_served_without_a_token_and_is_valid_openapi(api):
    response = api.client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A token from 'dealflow token create USER'."}


def test_the_document_describes_exactly_the_blueprints_routes(api):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    routes = set()
    for rule in api.client.application.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in NOT_DOCUMENTED:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
            routes |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented(document)
    assert document["servers"] == [{"url": PREFIX}]


def test_every_operation_but_the_document_needs_a_token_and_documents_401(api):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    for path, item in document["paths"].items():
        for operation in item.values():
            if path == "/openapi.json":
                assert operation["security"] == []
            else:
                assert "security" not in operation and "401" in operation["responses"]


class Checker:
    """Validates real answers against the response schema documented for them."""

    def __init__(self, document: dict):
        self.document = document
        self.checked: set[tuple[str, str, str]] = set()

    def __call__(self, response, method: str, path: str, status: int):
        assert response.status_code == status, response.get_data(as_text=True)
        described = self.document["paths"][path][method.lower()]["responses"][str(status)]
        schema = described["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": self.document["components"]},
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.get_json())]
        assert errors == [], errors
        self.checked.add((method, path, str(status)))
        return response.get_json()


def test_real_answers_fit_the_documented_schemas_for_every_documented_status(queue_api, clock):
    api = queue_api  # the manager's lane goes to the team's queue, so tasks can be claimed
    api.engine.create_user("designer", "designer")
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    assert check(api.client.get(f"{PREFIX}/openapi.json"), "GET", "/openapi.json", 200)["openapi"]

    create, show = "/opportunities", "/opportunities/{opportunity_id}"
    created = check(api.post(create, "manager", raw='{"title": "T", "amount": 0.10, "partner": "P", '
                                                    '"attributes": {"channel": "retail", "size": 2.5}}'),
                    "POST", create, 201)
    check(api.post(create, "rep1", {}), "POST", create, 403)
    check(api.post(create, "manager", {"amount": "x"}), "POST", create, 422)
    check(api.post(create, None, {}), "POST", create, 401)
    check(api.get(f"/opportunities/{created['id']}", "rep1"), "GET", show, 200)
    check(api.get(f"/opportunities/{created['id']}", "rep3"), "GET", show, 404)
    check(api.get(f"/opportunities/{created['id']}", None), "GET", show, 401)
    check_edit_answers(api, check, created["id"], created["owner"])
    listed = check(api.get("/opportunities?q=T&sort=-amount", "manager"), "GET", create, 200)
    assert [d["id"] for d in listed["items"]] == [created["id"]] and listed["totals"][0]["currency"] == "PLN"
    assert check(api.get("/opportunities", "rep3"), "GET", create, 200)["items"] == []  # not theirs
    check(api.get("/opportunities?status=maybe&colour=red", "manager"), "GET", create, 422)
    # an empty or repeated parameter is named, not taken for the default (found by schemathesis)
    odd = check(api.get("/opportunities?scope=&page=1&page=2", "manager"), "GET", create, 422)
    assert odd["fields"] == {"page": "give it once", "scope": "empty: leave it out for the default"}
    check(api.get("/opportunities", None), "GET", create, 401)

    clock.advance(days=4)
    api.engine.fire_due_timers()  # the chase task now waits in the sales team's queue
    check(api.get("/inbox", "rep1"), "GET", "/inbox", 200)
    check(api.get("/inbox?page=0", "rep1"), "GET", "/inbox", 400)
    assert "stage" in check(api.get("/inbox?stage=%00", "rep1"), "GET", "/inbox", 422)["fields"]  # the guard's
    check(api.get("/inbox", None), "GET", "/inbox", 401)
    inbox = check(api.get("/inbox", "rep2"), "GET", "/inbox", 200)
    chase = next(t["id"] for t in inbox["tasks"] if t["node_id"] == "Task_Chase")
    claim = "/tasks/{task_id}/claim"
    check(api.post(f"/tasks/{chase}/claim", "rep3"), "POST", claim, 404)
    check(api.post(f"/tasks/{chase}/claim", "manager"), "POST", claim, 403)
    check(api.post(f"/tasks/{chase}/claim", None), "POST", claim, 401)
    assert check(api.post(f"/tasks/{chase}/claim", "rep2"), "POST", claim, 200)["assignee"] == "rep2"
    check(api.post(f"/tasks/{chase}/claim", "rep1"), "POST", claim, 409)

    qualify, complete = created["open_tasks"][0]["id"], "/tasks/{task_id}/complete"
    check(api.post(f"/tasks/{qualify}/complete", None, {}), "POST", complete, 401)
    check(api.post(f"/tasks/{qualify}/complete", "rep3", {"amount": 5}), "POST", complete, 404)
    check(api.post(f"/tasks/{qualify}/complete", "designer", {"amount": 5}), "POST", complete, 403)
    check(api.post(f"/tasks/{qualify}/complete", "rep1", {"amount": "x"}), "POST", complete, 422)
    done = check(api.post(f"/tasks/{qualify}/complete", "rep1", {"amount": 5}), "POST", complete, 200)
    check(api.post(f"/tasks/{qualify}/complete", "rep1", {"amount": 5}), "POST", complete, 409)
    offer = next(t["id"] for t in done["open_tasks"] if t["node_id"] == "Task_Offer")
    closed = check(api.post(f"/tasks/{offer}/complete", "rep1", {"result": "accepted"}), "POST", complete, 200)
    assert closed["status"] == "won" and closed["closed_at"] is not None and closed["stage_history"]
    another = api.open_deal()
    minimal = api.client.post(f"{PREFIX}/tasks/{another['open_tasks'][0]['id']}/complete",
                              data='{"amount": 5}', content_type="application/json",
                              headers={**api.headers(another["owner"]), "Prefer": "return=minimal"})
    assert (minimal.status_code, minimal.data) == (204, b"")  # documented without content
    assert "content" not in check.document["paths"][complete]["post"]["responses"]["204"]
    check.checked.add(("POST", complete, "204"))

    assert every_status(check.document, CORE_PATHS) - check.checked == set()


# The inbox's own routes, checked above; each other family of routes checks its own
# (tests/webui/test_api_sales.py, ...), and together they cover the whole document.
CORE_PATHS = {"/openapi.json", "/inbox", "/opportunities", "/opportunities/{opportunity_id}",
              "/tasks/{task_id}/claim", "/tasks/{task_id}/complete"}


def check_edit_answers(api, check, deal: int, owner: str) -> None:
    """PATCH /opportunities/{id}: each documented answer, as the right user and the wrong ones."""
    show = "/opportunities/{opportunity_id}"

    def patch(user, body, **headers):
        return api.client.patch(f"{PREFIX}/opportunities/{deal}", data=json.dumps(body),
                                content_type="application/json", headers={**api.headers(user), **headers})
    etag = api.get(f"/opportunities/{deal}", owner).headers["ETag"]
    edited = check(patch(owner, {"amount": "12 500,50"}, **{"If-Match": etag}), "PATCH", show, 200)
    assert (edited["amount"], edited["may_edit"]) == ("12500.50", True)
    check(patch(owner, {"title": "stale"}, **{"If-Match": etag}), "PATCH", show, 409)  # changed since
    check(patch(owner, {"amount": "x", "colour": 1}), "PATCH", show, 422)
    check(patch("designer", {"title": "x"}), "PATCH", show, 403)
    check(patch("rep3", {"title": "x"}), "PATCH", show, 404)
    check(patch(None, {"title": "x"}), "PATCH", show, 401)


def every_status(document: dict, paths: set[str]) -> set[tuple[str, str, str]]:
    """(method, path, status) of every response documented for ``paths``."""
    return {(method.upper(), path, status) for path, item in document["paths"].items() if path in paths
            for method, operation in item.items() for status in operation["responses"]}


def test_every_documented_path_belongs_to_a_test_that_checks_its_answers(api):
    from tests.webui.test_activities_api import ACTIVITY_PATHS
    from tests.webui.test_api_sales import SALES_PATHS
    from tests.webui.test_buying_center_api import BUYING_CENTER_PATHS
    from tests.webui.test_handover_api import HANDOVER_PATHS
    from tests.webui.test_partners_api import PARTNER_PATHS
    from tests.webui.test_lost_pages_and_api import LOST_PATHS
    from tests.webui.test_lead_import_api import LEAD_IMPORT_PATHS
    from tests.webui.test_api_partner_lists import PARTNER_LIST_PATHS
    from tests.webui.test_analysis_pages_and_api import ANALYSIS_PATHS
    from tests.webui.test_quotas_api import QUOTA_PATHS
    from tests.webui.test_warnings_pages_and_api import WARNING_PATHS
    from tests.webui.test_deal_forecast_api import DEAL_FORECAST_PATHS
    from tests.webui.test_forecast_api import FORECAST_PATHS
    from tests.webui.test_win_model_pages_and_api import WIN_MODEL_PATHS
    from tests.webui.test_external_tasks_api import EXTERNAL_PATHS
    from tests.webui.test_snapshot_report_pages_and_api import SNAPSHOT_PATHS
    from tests.webui.test_messages_api import MESSAGE_PATHS
    from tests.webui.test_signals_api import SIGNAL_PATHS
    from tests.webui.test_notifications_api import NOTIFICATION_PATHS
    from tests.webui.test_inbox_work_api import INBOX_WORK_PATHS
    from tests.webui.test_task_events_api import TASK_EVENT_PATHS
    from tests.webui.test_retry_api import RETRY_PATHS

    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    assert set(document["paths"]) - CORE_PATHS - SALES_PATHS - BUYING_CENTER_PATHS - HANDOVER_PATHS \
        - PARTNER_PATHS - ACTIVITY_PATHS - LOST_PATHS - LEAD_IMPORT_PATHS \
        - PARTNER_LIST_PATHS - ANALYSIS_PATHS - QUOTA_PATHS - WARNING_PATHS - DEAL_FORECAST_PATHS \
        - FORECAST_PATHS - WIN_MODEL_PATHS - EXTERNAL_PATHS - SNAPSHOT_PATHS - MESSAGE_PATHS \
        - NOTIFICATION_PATHS - INBOX_WORK_PATHS - SIGNAL_PATHS - TASK_EVENT_PATHS \
        - RETRY_PATHS == set()


def test_unknown_routes_answer_with_the_documented_error_shape(api):
    error = api.client.get(f"{PREFIX}/openapi.json").get_json()["components"]["schemas"]["Error"]
    for response in (api.client.get(f"{PREFIX}/nope"), api.client.put(f"{PREFIX}/inbox")):
        assert response.status_code in (404, 405)
        Draft202012Validator(error).validate(response.get_json())


@pytest.mark.parametrize("name", ["Opportunity", "Task", "Inbox", "Error"])
def test_response_schemas_list_every_property_as_required_and_allow_no_others(api, name):
    # So a field added to the JSON but not to the document (or the reverse) fails the test above.
    schema = api.client.get(f"{PREFIX}/openapi.json").get_json()["components"]["schemas"][name]
    assert set(schema["required"]) == set(schema["properties"]) and schema["additionalProperties"] is False


def test_the_documented_warning_rules_are_the_engines():
    from engine.rules.warnings import RULES
    from webui.api.openapi.warnings import RULES as DOCUMENTED

    assert DOCUMENTED == list(RULES)  # a new rule must be documented (webui may not import the core)
