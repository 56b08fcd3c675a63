"""schemathesis over /api/v1/openapi.json: requests generated from the document, against
the real Flask app (WSGI) on the real database (SQLite, and PostgreSQL where the db_url
fixture gives it), authenticated as the demo's admin. The bar (issue 11): no 5xx and no
answer the document does not describe — its status, content type and body schema.

Bounded so that the whole run takes a few minutes on a small machine: a fixed number of
examples per operation, derandomized (the same cases every run, so a failure repeats)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_schema_conformance, status_code_conformance)

from tests.conftest import make_engine
from tests.webui.pages_support import open_deal
from webui import create_app
from webui.api.openapi import DOCUMENT

EXAMPLES = 30  # per operation; with two databases about a minute or two in all
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def engine(db_url, clock):
    engine = make_engine(db_url, clock)
    deal = open_deal(engine)  # id 1 and its task exist, so generated ids find something
    engine.add_contact(deal.id, actor="manager", name="Ann")
    yield engine
    engine.close()


# Each operation of the document is a test of its own (schemathesis' from_fixture needs pytest
# internals that pytest 9 no longer has, so the operations are listed here and each test asks
# the served document for its own).
# Negative cases only for the operations that take something (the document itself takes nothing).
OPERATIONS = [(method.upper(), path, mode) for path, item in DOCUMENT["paths"].items()
              for method, operation in item.items() if method in ("get", "put", "post", "delete", "patch")
              for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
              if mode is GenerationMode.POSITIVE or operation.get("parameters") or operation.get("requestBody")]


@pytest.mark.parametrize("method, path, mode", OPERATIONS, ids=[f"{m} {p} {g}" for m, p, g in OPERATIONS])
def test_the_api_answers_every_generated_request_as_its_document_says(engine, method, path, mode):
    """Positive cases fit the document; negative ones do not, and must be refused (4xx)."""
    app = create_app({"ENGINE": engine, "SECRET_KEY": "x", "TESTING": True})
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {engine.create_token('admin')}"}
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        case.call_and_validate(headers=headers, checks=checks)

    answers_as_documented()


# --- what schemathesis found, held by plain tests -----------------------------------------

@pytest.fixture
def api(engine):
    client = create_app({"ENGINE": engine, "SECRET_KEY": "x", "TESTING": True}).test_client()
    headers = {"Authorization": f"Bearer {engine.create_token('admin')}"}

    def call(method: str, path: str, body: str | None = None):
        return client.open("/api/v1" + path, method=method, headers=headers, data=body,
                           content_type="application/json")
    return call


def test_a_probability_written_as_46_point_0_is_the_whole_number_the_document_allows(api):
    response = api("PUT", "/opportunities/1/probability", '{"probability": 46.0}')
    assert response.status_code == 200 and response.get_json()["probability"] == 46
    for refused in ('{"probability": 46.5}', '{"probability": "\\u0664\\u0665"}', '{"probability": true}'):
        assert api("PUT", "/opportunities/1/probability", refused).status_code == 422, refused


@pytest.mark.parametrize("method, path, body, field", [
    ("PUT", "/opportunities/1/probability", {"probability": None}, "probability"),
    ("PUT", "/opportunities/1/probability", {"probability": 40, "reason": None}, "reason"),
    ("POST", "/opportunities/1/lose", {"reason": "price", "stage": None}, "stage"),
    ("POST", "/opportunities", {"title": "T", "amount": "1.00", "partner": "P", "owner": None}, "owner"),
    ("POST", "/opportunities", {"title": "T", "amount": "1.00", "partner": "P", "attributes": None}, "attributes"),
    ("POST", "/opportunities/1/contacts", {"name": "Bo", "attitude": None}, "attitude"),
    ("PATCH", "/contacts/1", {"influence": None}, "influence"),
    ("POST", "/opportunities/1/relationships", {"from_contact": 1, "to_contact": 2, "kind": "listens_to",
                                                "strength": None}, "strength"),
    ("POST", "/opportunities/1/questionnaires/qualification", {"answers": {"budget": None}}, "budget"),
])
def test_null_for_a_field_the_document_does_not_declare_nullable_is_422(api, method, path, body, field):
    response = api(method, path, json.dumps(body))
    assert response.status_code == 422 and field in response.get_json()["fields"], response.text


def test_an_empty_attitude_is_refused_not_taken_as_neutral(api):
    response = api("POST", "/opportunities/1/contacts", '{"name": "Bo", "attitude": ""}')
    assert response.status_code == 422 and "attitude" in response.get_json()["fields"]
    nullable = api("PATCH", "/contacts/1", '{"job_title": null, "notes": null, "role": null}')
    assert nullable.status_code == 200, nullable.text


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/opportunities/1/contacts", {"name": "Bo", "influence": ""}, "influence"),
    ("/opportunities/1/contacts", {"name": "Bo", "influence": "4"}, "influence"),
    ("/opportunities/1/contacts", {"name": "Bo", "influence": True}, "influence"),
    ("/opportunities/1/relationships", {"from_contact": "1", "to_contact": 1, "kind": "reports_to"}, "from_contact"),
    ("/opportunities/1/relationships", {"from_contact": 1, "to_contact": 1, "kind": "reports_to", "strength": ""},
     "strength"),
])
def test_an_integer_field_sent_as_text_or_a_flag_is_refused_not_taken_as_the_default(api, path, body, field):
    response = api("POST", path, json.dumps(body))
    assert response.status_code == 422 and field in response.get_json()["fields"], response.text


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE"])
@pytest.mark.parametrize("path, allowed", [("/opportunities/1", "GET, PATCH"), ("/contacts/1", "PATCH, DELETE"),
                                           ("/inbox", "GET"), ("/openapi.json", "GET")])
def test_options_and_trace_are_405_in_the_json_shape_naming_the_methods_the_path_has(api, method, path, allowed):
    response = api(method, path)
    assert response.status_code == 405 and response.headers["Allow"] == allowed
    assert set(response.get_json()) == {"error", "message", "fields"}


def test_an_unknown_api_path_is_404_in_the_json_shape_whatever_the_method(api):
    for method in ("GET", "POST", "OPTIONS", "TRACE", "PATCH"):
        response = api(method, "/nothing/here")
        assert response.status_code == 404 and response.get_json()["fields"] == {}, method
