"""``POST /api/v1/opportunities`` answers the methodology's start form (``start_form``),
on both databases: a missing or wrong answer is a per-field error and opens nothing;
an answer routes the process."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.service.test_start_form import imported
from tests.webui.test_api import Api, assert_error


@pytest.fixture
def api(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, imported(tmp_path))
    yield Api(engine)
    engine.close()


DEAL = {"title": "Gold deal", "amount": "1000.00", "partner": "ACME"}


def test_a_deal_opened_over_the_api_answers_the_start_form(api):
    body = assert_error(api.post("/opportunities", "manager", DEAL), 422, "invalid", {"start_form.tier"})
    assert body["fields"]["start_form.tier"] == "this field is required"
    assert_error(api.post("/opportunities", "manager", {**DEAL, "start_form": ["gold"]}), 422, "invalid",
                 {"start_form"})
    assert api.engine.list_opportunities() == []
    opened = api.post("/opportunities", "manager", {**DEAL, "start_form": {"tier": "gold"}})
    assert opened.status_code == 201, opened.get_json()
    assert [t.name for t in api.engine.list_tasks()] == ["Call the gold customer"]


def test_a_rep_may_not_open_a_deal_even_with_the_start_form_answered(api):
    assert_error(api.post("/opportunities", "rep1", {**DEAL, "start_form": {"tier": "gold"}}), 403, "forbidden")
    assert api.engine.list_opportunities() == []
