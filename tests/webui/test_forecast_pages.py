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


def test_the_forecast_against_quota_chart_has_one_spec_per_currency_and_its_table_downloads(engine, app):
    import csv
    import io
    import json
    import re

    _org(engine)
    manager = client_for(app, "manager")
    page = manager.get(f"/forecast?period={Q}")
    specs = {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" id="spec-forecast-(\w+)">(.*?)</script>', page.text, re.S)}
    assert set(specs) == {"EUR", "PLN"}  # never added across currencies
    bars, ticks = (layer["data"]["values"] for layer in specs["PLN"]["layer"])
    team = {b["part"]: b["amount"] for b in bars if b["person"] == "manager (team)"}
    assert team == {"closed won": 4000.0, "commit": 11000.0, "best case": 20000.0}
    assert ticks == [{"person": "manager (team)", "order": 0, "quota": 80000.0}]
    assert 'id="table-forecast_vs_quota"' in page.text
    shown = page.text.split('id="table-forecast_vs_quota"')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', shown)
    assert headers[:3] == ["person", "scope", "currency"] and "username" not in headers  # names, not usernames

    rows = list(csv.DictReader(io.StringIO(manager.get(f"/forecast.csv?period={Q}").data.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["username"] == "manager" and r["currency"] == "PLN")
    assert (mine["scope"], mine["closed won"], mine["commit"], mine["best case"], mine["quota"]) == (
        "team", "4000.00", "11000.00", "20000.00", "80000.00")
    xlsx = manager.get(f"/forecast.xlsx?period={Q}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client_for(app, "rep1").get(f"/forecast.csv?period={Q}&user=rep2").status_code == 404
    assert client_for(app, "designer").get(f"/forecast.csv?period={Q}").status_code == 403
    assert app.test_client().get(f"/forecast.csv?period={Q}").status_code in (302, 401)
