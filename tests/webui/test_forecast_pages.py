"""The forecast page (M15): progress against quota, the rollup, a manager's
adjustment with its note beside the computed figure, submitting — and each as the
wrong user."""

from __future__ import annotations

from tests.service.forecast_seeds import seed
from tests.service.quota_seeds import with_director
from tests.webui.pages_support import client_for, with_passwords

Q = "2026-Q4"


def _org(engine):
    seed(with_director(engine))
    engine.set_quota("manager", Q, "80000", actor="director")
    return with_passwords(engine)


def test_a_manager_sees_the_team_against_quota_adjusts_a_rep_and_submits(engine, app):
    _org(engine)
    manager = client_for(app, "manager")
    page = manager.get(f"/forecast?period={Q}")
    assert page.status_code == 200
    assert 'id="rollup-PLN"' in page.text and '<progress max="100" value="5"' in page.text
    assert 'id="person-rep1-PLN"' in page.text and 'id="person-rep2-EUR"' in page.text
    assert 'id="adjust-form-rep1"' in page.text and 'id="adjust-form-manager"' not in page.text

    bad = manager.post("/forecast/adjust", data={"period": Q, "user": "rep1", "view_user": "manager",
                                                 "category": "commit", "amount": "x", "currency": "PLN", "note": ""})
    assert bad.status_code == 422 and "amount:" in bad.text and "note:" in bad.text
    done = manager.post("/forecast/adjust", data={"period": Q, "user": "rep1", "view_user": "manager",
                                                  "category": "commit", "amount": "7000", "currency": "PLN",
                                                  "note": "the Kraków deal slips"}, follow_redirects=True)
    assert "rep1&#39;s commit adjusted" in done.text
    assert "adj. 7\u202f000.00" in done.text and "“the Kraków deal slips”" in done.text
    submitted = manager.post("/forecast/submit", data={"period": Q}, follow_redirects=True)
    assert "Forecast submitted: snapshot #1" in submitted.text and 'id="submission-1"' in submitted.text


def test_a_rep_sees_only_their_own_forecast(engine, app):
    _org(engine)
    rep = client_for(app, "rep1")
    page = rep.get(f"/forecast?period={Q}")
    assert page.status_code == 200 and 'id="person-rep2-PLN"' not in page.text and "adjust-form" not in page.text
    assert rep.get(f"/forecast?period={Q}&user=rep2").status_code == 404
    assert rep.get(f"/forecast?period={Q}&user=manager").status_code == 404
    assert rep.post("/forecast/adjust", data={"period": Q, "user": "rep2", "view_user": "", "category": "commit",
                                              "amount": "1", "note": "n"}).status_code == 404
    assert client_for(app, "director").post("/forecast/adjust", data={
        "period": Q, "user": "rep1", "view_user": "", "category": "commit", "amount": "1",
        "note": "n"}).status_code == 403
    assert client_for(app, "manager2").get(f"/forecast?period={Q}&user=rep1").status_code == 404
    assert client_for(app, "designer").get("/forecast").status_code == 403
    assert client_for(app, "admin").post("/forecast/submit", data={"period": Q}).status_code == 403
    assert rep.get("/forecast?period=2026-Q0").status_code == 422
