"""The pipeline analysis and the methodology comparison on screen, as downloads and
in the API, over the known history of tests/service/analysis_history.py — each as
the wrong user too: a rep sees only their deals, a manager of another team none,
nobody logged in is sent to log in (pages) or answered 401 (API)."""

from __future__ import annotations

import csv
import io
import json
import re

from tests.service.analysis_history import seed_history
from tests.webui.pages_support import assert_nothing_leaks, client_for
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status
from webui.charts import version_names

ANALYSIS_PATHS = {"/reports/pipeline", "/reports/methodologies"}


def _spec(html: str, chart: str) -> dict:
    found = re.search(rf'<script type="application/json" id="spec-{chart}">(.*?)</script>', html, re.S)
    assert found, f"no chart {chart}"
    return json.loads(found.group(1))


def test_the_pipeline_page_draws_from_the_same_numbers_as_its_tables(engine, app, clock):
    seed_history(engine, clock)
    manager = client_for(app, "manager")
    page = manager.get("/reports/pipeline")
    assert page.status_code == 200
    assert 'id="pipeline-deals">5<' in page.text and 'id="pipeline-won">1<' in page.text
    assert 'id="table-groups"' in page.text and 'id="table-stages"' in page.text and 'id="table-sources"' in page.text
    funnel = _spec(page.text, "funnel")
    reached = {v["stage"]: v["deals"] for v in funnel["data"]["values"]}
    # by the methodology's name, without its version: only one version of each is in view
    assert reached["Kwalifikacja (Small deal)"] == 4 and reached["Oferta (Small deal)"] == 3
    by_stage = _spec(page.text, "by-stage")["data"]["values"]
    assert {(v["stage"], v["currency"], v["amount"]) for v in by_stage} == {
        ("Kwalifikacja (Small deal)", "PLN", 3000.0), ("Qualification (Quick deal)", "PLN", 700.0)}
    stages = page.text.split('id="table-stages"')[1].split("</table>")[0]
    assert set(re.findall(r"<th scope=\"row\">([^<]*)</th>", stages)) == {"Small deal", "Quick deal"}
    download = manager.get("/reports/pipeline.csv?table=stages").get_data(as_text=True).lstrip("\ufeff")
    assert {r["methodology"] for r in csv.DictReader(io.StringIO(download))} == {"small-deal", "quick-deal"}
    assert 'src="/static/vendor/vega-embed/build/vega-embed.min.js"' in page.text
    assert "<script>" not in page.text  # nothing inline: the CSP would refuse it
    assert 'id="trend-empty"' in page.text  # no snapshot taken yet
    engine.take_snapshots()
    trend = _spec(manager.get("/reports/pipeline").text, "trend")["data"]["values"]
    assert trend == [{"day": "2026-11-12", "currency": "PLN", "amount": 3700.0, "weighted": 775.0, "deals": 2}]

    grouped = manager.get("/reports/pipeline?group_by=source")
    assert "<caption>Pipeline by lead source" in grouped.text
    bad = manager.get("/reports/pipeline?group_by=colour")
    assert bad.status_code == 422 and "cannot group by" in bad.text

    download = manager.get("/reports/pipeline.csv?group_by=rep&table=groups")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["Rep"]: r["deals"] for r in rows} == {"rep1": "2", "rep2": "3"}
    xlsx = manager.get("/reports/pipeline.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert manager.get("/reports/pipeline.csv?table=nope").status_code == 422
    assert manager.get("/reports/pipeline.pdf").status_code == 404


def test_the_pipeline_page_as_the_wrong_users(engine, app, clock):
    seed_history(engine, clock)
    rep = client_for(app, "rep1")
    mine = rep.get("/reports/pipeline")
    assert mine.status_code == 200 and 'id="pipeline-deals">2<' in mine.text
    assert 'id="nav-analysis"' in mine.text and 'id="nav-reports"' not in mine.text  # a rep's way in
    assert 'id="tab-pipeline"' in mine.text and "Lost deals</a>" not in mine.text
    assert_nothing_leaks(mine, "rep2")  # Beta, Delta and Epsilon are rep2's
    assert 'id="pipeline-deals">0<' in client_for(app, "manager2").get("/reports/pipeline").text
    rows = list(csv.reader(io.StringIO(client_for(app, "rep3").get("/reports/pipeline.csv?group_by=rep")
                                       .get_data(as_text=True))))
    assert len(rows) == 1  # the header only
    anonymous = app.test_client()
    for path in ("/reports/pipeline", "/reports/pipeline.csv", "/reports/methodologies",
                 "/reports/methodologies.xlsx"):
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_methodology_page_and_its_downloads(engine, app, clock):
    seed_history(engine, clock)
    admin = client_for(app, "admin")
    page = admin.get("/reports/methodologies")
    assert page.status_code == 200 and 'id="table-swaps"' in page.text
    points = {v["row"]: (v["rate"], v["low"], v["high"], v["closed"])
              for v in _spec(page.text, "win-rates")["data"]["values"]}
    assert points == {"everyone-else · Small deal": (50.0, 9.5, 90.5, 2),
                      "horeca · Quick deal": (0.0, 0.0, 79.3, 1)}
    table = page.text.split('id="table-methodologies"')[1].split("</table>")[0]
    assert re.findall(r"<td>(Small deal|Quick deal|small-deal|quick-deal)</td>", table) == ["Small deal", "Quick deal"]
    swaps = admin.get("/reports/methodologies.csv?table=swaps").get_data(as_text=True).lstrip("\ufeff")
    (swap,) = list(csv.DictReader(io.StringIO(swaps)))
    assert (swap["segment"], swap["from"], swap["to"], swap["before: lost"], swap["after: open"]) == (
        "horeca", "small-deal@1.0", "quick-deal@1.0", "1", "1")
    other = client_for(app, "manager2").get("/reports/methodologies")
    assert other.status_code == 200 and "Small deal" not in other.text.split('id="table-methodologies"')[1]


def test_the_lost_report_links_to_the_analysis_pages(engine, app):
    page = client_for(app, "manager").get("/reports/lost")
    assert 'id="tab-pipeline"' in page.text and 'id="tab-methodologies"' in page.text


def test_the_api_answers_fit_the_document_and_follow_each_scope(engine, clock):
    seed_history(engine, clock)
    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    pipeline, methodologies = "/reports/pipeline", "/reports/methodologies"
    api.engine.take_snapshots()
    report = check(api.get("/reports/pipeline?group_by=source", "manager"), "GET", pipeline, 200)
    assert report["trend"] == [{"day": "2026-11-12", "currency": "PLN", "deals": 2, "open_amount": "3700.00",
                                "weighted": "775.00"}]
    assert (report["total"]["deals"], report["total"]["win_rate"], report["total"]["interval_low"]) == (
        5, 0.3333, 0.0615)
    fair = next(g for g in report["groups"] if g["key"] == "fair")
    assert fair["currencies"] == [{"currency": "PLN", "open_amount": "0.00", "weighted": "0.00",
                                   "won_amount": "1000.00", "lost_amount": "500.00", "won_average": "1000.00"}]
    offer = next(s for s in report["stages"] if s["methodology_id"] == "small-deal" and s["stage_id"] == "offer")
    assert (offer["reached"], offer["advanced"], offer["average_days_in_stage"]) == (3, 1, 3.7)
    assert check(api.get(pipeline, "rep1"), "GET", pipeline, 200)["total"]["deals"] == 2
    assert check(api.get(pipeline, "manager2"), "GET", pipeline, 200)["groups"] == []
    check(api.get(pipeline, None), "GET", pipeline, 401)
    check(api.get("/reports/pipeline?colour=red", "manager"), "GET", pipeline, 400)
    check(api.get("/reports/pipeline?group_by=colour", "manager"), "GET", pipeline, 422)
    empty = check(api.get("/reports/pipeline?group_by=", "manager"), "GET", pipeline, 400)
    assert "group_by" in empty["fields"]

    compared = check(api.get(methodologies, "admin"), "GET", methodologies, 200)
    assert [(s["segment_id"], s["before"]["lost"], s["after"]["open"]) for s in compared["swaps"]] == [
        ("horeca", 1, 1)]
    assert check(api.get(methodologies, "rep3"), "GET", methodologies, 200)["rows"] == []
    check(api.get(methodologies, None), "GET", methodologies, 401)
    check(api.get("/reports/methodologies?x=1", "admin"), "GET", methodologies, 400)
    assert every_status(check.document, ANALYSIS_PATHS) - check.checked == set()


def test_a_chart_names_the_version_only_where_several_versions_of_a_methodology_are_in_view():
    shown = version_names([("small-deal", "1.0"), ("small-deal", "2.0"), ("quick-deal", "1.0"), ("odd", "1.0")],
                          {"small-deal": "Small deal", "quick-deal": "Quick deal"})
    assert shown == {("small-deal", "1.0"): "Small deal 1.0", ("small-deal", "2.0"): "Small deal 2.0",
                     ("quick-deal", "1.0"): "Quick deal", ("odd", "1.0"): "odd"}  # no name: its id
