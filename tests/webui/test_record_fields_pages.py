"""A start form whose fields fill a record (``auction.authorized``): the new-deal page
asks them under labels made from their paths and opens the deal with them, and the
API takes the record as a JSON object — on both databases."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.service.test_record_start_form import imported
from tests.webui.pages_support import client_for, make_app, with_passwords
from tests.webui.test_api import Api, assert_error


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, imported(tmp_path)))
    yield engine
    engine.close()


DEAL = {"title": "Lot 7", "partner": "ACME", "amount": "1000", "currency": "PLN"}


def test_the_new_deal_page_asks_the_record_s_fields_and_opens_the_deal(engine):
    client = client_for(make_app(engine), "manager")
    preview = client.post("/deals/new", data={**DEAL, "step": "preview"})
    assert preview.status_code == 200
    for text in ('<label for="input-start_form.auction.authorized">Auction: authorized',
                 '<select id="input-start_form.auction.authorized" name="start_form.auction.authorized"',
                 '<label for="input-start_form.auction.region">Auction: region'):
        assert text in preview.text, text
    refused = client.post("/deals/new", data={**DEAL, "step": "open", "start_form.auction.authorized": "true"})
    assert refused.status_code == 422 and 'id="error-start_form.auction.region"' in refused.text
    assert engine.list_opportunities() == []
    opened = client.post("/deals/new", data={**DEAL, "step": "open", "start_form.auction.authorized": "true",
                                             "start_form.auction.region": "north"})
    assert opened.status_code == 303
    (deal,) = engine.list_opportunities()
    assert [t.name for t in engine.list_tasks() if t.opportunity_id == deal.id] == ["Count the bids"]


def test_the_api_takes_the_record_as_an_object_and_names_problems_by_path(engine):
    api = Api(engine)
    body = assert_error(api.post("/opportunities", "manager", {**DEAL, "start_form": {"auction": {
        "authorized": "perhaps", "region": "north"}}}), 422, "invalid", {"start_form.auction.authorized"})
    assert body["fields"]["start_form.auction.authorized"] == "answer yes or no"
    opened = api.post("/opportunities", "manager", {**DEAL, "start_form": {"auction": {
        "authorized": True, "region": "north"}}})
    assert opened.status_code == 201, opened.get_json()
    assert [t.name for t in engine.list_tasks()] == ["Count the bids"]
