"""The learned win probability on the web: the deal page's partial (only while the
model is enabled), the model's page, and the JSON API — every documented answer
checked against the OpenAPI document, as the wrong user too."""

from __future__ import annotations

from tests.service.win_history import close_deals
from tests.webui.pages_support import client_for
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

MODEL, DEAL = "/win-model", "/opportunities/{opportunity_id}/win-probability"
WIN_MODEL_PATHS = {MODEL, DEAL}


def _live(engine, source="referral"):
    return engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     attributes={"channel": "retail", "source": source}, owner="rep1")


def test_an_enabled_model_shows_on_the_deal_page_and_in_the_api(engine, app, clock):
    close_deals(engine, clock, 70)
    engine.train_win_model(actor="admin")
    deal = _live(engine)
    clock.advance(days=2)

    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    shown = engine.win_probability(deal.id, viewer="rep1")
    assert 'id="win-probability"' in page
    assert f'<strong id="learned-probability">{shown.probability} %</strong>' in page
    assert "beside the stage table's 20 %" in page and "Lead source" in page and "referral" in page
    model_page = client_for(app, "manager").get("/win-model")
    assert model_page.status_code == 200 and "<strong>Enabled</strong>" in model_page.text
    assert 'id="calibration-learned"' in model_page.text
    assert client_for(app, "rep3").get(f"/opportunities/{deal.id}").status_code == 404

    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    path = f"/opportunities/{deal.id}/win-probability"
    answer = check(api.get(path, "rep1"), "GET", DEAL, 200)
    assert answer["shown"] and answer["probability"] == shown.probability and answer["stage_probability"] == 20
    assert [f["factor"] for f in answer["factors"]][:2] == ["stage", "days_in_stage"]
    assert answer["model"]["enabled"] and answer["model"]["held_out_deals"] == 21
    hidden = check(api.get(path, "rep3"), "GET", DEAL, 404)
    assert hidden["message"] == f"no opportunity {deal.id}"
    check(api.get(path, None), "GET", DEAL, 401)
    model = check(api.get(MODEL, "rep2"), "GET", MODEL, 200)
    assert model["trained_by"] == "admin" and model["brier"]["learned"] < model["brier"]["stage_table"]
    check(api.get(MODEL, None), "GET", MODEL, 401)
    assert every_status(check.document, WIN_MODEL_PATHS) - check.checked == set()


def test_a_disabled_model_stays_off_the_deal_page_and_its_page_says_why(engine, app):
    deal = _live(engine)
    rep = client_for(app, "rep1")
    assert "No model trained yet" in rep.get("/win-model").text
    engine.train_win_model(actor="admin")  # no closed deals at all
    assert 'id="win-probability"' not in rep.get(f"/opportunities/{deal.id}").text
    page = rep.get("/win-model").text
    assert "<strong>Disabled</strong>: too few closed deals to learn from: 0" in page
    answer = Api(engine).get(f"/opportunities/{deal.id}/win-probability", "rep1").get_json()
    assert not answer["shown"] and answer["reason"].startswith("the learned model is disabled: too few")
    assert answer["model"]["trained"] and answer["model"]["brier"] == {}
