"""The one HTTP error mapping (webui/errors.py): each error of Dealflow's tree and each
HTTP error has one status and code; under /api/ it is answered as
{"error", "message", "fields"}, elsewhere as an HTML page that says nothing about the deal."""

from __future__ import annotations

import pytest
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import MethodNotAllowed, NotFound

from engine.errors import (ConflictError, DealflowError, ExitCriteriaError, ExpressionError, FormError,
                           MethodologyError, NotFoundError, PermissionDeniedError, TaskNotReadyError,
                           WorkflowError)
from tests.webui.pages_support import assert_nothing_leaks, client_for, open_deal
from tests.webui.test_api import api, assert_error  # noqa: F401  (fixture)
from webui.errors import HttpError, describe


@pytest.mark.parametrize("error, status, code, fields", [
    (NotFoundError("no task 'x'"), 404, "not_found", {}),
    (PermissionDeniedError("not in the team"), 403, "forbidden", {}),
    (ConflictError("changed meanwhile"), 409, "conflict", {}),
    (ExitCriteriaError("stage 'offer' may not be left yet", {"amount": "fill in the amount"}), 409,
     "exit_criteria_not_met", {"amount": "fill in the amount"}),
    (FormError({"amount": "enter a whole number"}), 422, "invalid", {"amount": "enter a whole number"}),
    (DealflowError("'x' is a manager, not a rep"), 422, "invalid", {}),
    (WorkflowError("the stored workflow state is not JSON"), 422, "invalid", {}),
    (TaskNotReadyError("t1", "task t1 is completed, not ready"), 422, "invalid", {}),
    (ExpressionError("name 'x' is not defined"), 422, "invalid", {}),
    (MethodologyError([]), 422, "invalid", {}),
    (HttpError(400, "bad query parameters; see fields", {"page": "enter 1 or more"}), 400, "bad_request",
     {"page": "enter 1 or more"}),
    (HttpError(401, "send an API token"), 401, "unauthorized", {}),
    (CSRFError(), 400, "bad_request", {}),
    (NotFound(), 404, "not_found", {}),
    (MethodNotAllowed(["GET"]), 405, "method_not_allowed", {}),
])
def test_every_error_has_one_status_code_and_fields(error, status, code, fields):
    failure = describe(error)
    assert (failure.status, failure.code, failure.fields) == (status, code, fields)


def test_messages_say_what_went_wrong_and_form_errors_point_to_their_fields():
    assert describe(ConflictError("changed meanwhile")).message == "changed meanwhile"
    assert describe(FormError({"amount": "x"})).message == "the data has errors; see fields"
    assert describe(MethodNotAllowed(["GET"])).headers["Allow"] == "GET"


def test_an_unknown_path_under_api_but_outside_v1_answers_the_same_json_shape(api):
    body = assert_error(api.client.get("/api/v2/inbox"), 404, "not_found", set())
    assert body["fields"] == {}
    assert_error(api.client.post("/api"), 404, "not_found", set())


def test_an_engine_error_under_the_api_is_json_and_elsewhere_an_html_page(api):
    deal = api.open_deal()  # rep1's
    assert_error(api.get(f"/opportunities/{deal['id']}", "rep3"), 404, "not_found", set())
    page = api.client.get("/nope")
    assert page.status_code == 404 and page.mimetype == "text/html" and 'id="error-404"' in page.text
    wrong = api.client.put("/healthz")
    assert wrong.status_code == 405 and 'id="error-405"' in wrong.text and "GET" in wrong.headers["Allow"]


def test_html_error_pages_say_nothing_about_the_deal(app, engine):
    deal = open_deal(engine)
    response = client_for(app, "rep3").get(f"/opportunities/{deal.id}")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert 'id="error-404"' in response.text and "There is nothing here" in response.text
    assert_nothing_leaks(response)
