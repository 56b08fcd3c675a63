"""The pipeline as of a past day and the deal changes on screen, as downloads and in
the API, over the week of tests/service/test_snapshot_reports.py — each as the wrong
user too (a rep sees only their deals, another manager none, nobody logged in is
sent to log in or answered 401) and with bad input (a per-field error)."""

from __future__ import annotations

import csv
import io

from tests.service.test_snapshot_reports import seed_week
from tests.webui.pages_support import assert_nothing_leaks, client_for
from tests.webui.test_analysis_pages_and_api import _spec
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

SNAPSHOT_PATHS = {"/reports/changes"}


def test_the_pipeline_page_as_of_a_past_day(engine, app, clock):
    seed_week(engine, clock)
    manager = client_for(app, "manager")
    page = manager.get("/reports/pipeline?as_of=2026-11-02&group_by=rep")
    assert page.status_code == 200
    assert 'id="as-of-day">2026-11-02<' in page.text and 'id="table-groups"' in page.text
    assert 'id="as-of"' in page.text and 'value="2026-11-02"' in page.text  # the date picker keeps the day
    bars = {(v["group"], v["currency"]): v["amount"] for v in _spec(page.text, "as-of")["data"]["values"]}
    assert bars == {("rep2", "EUR"): 2000.0, ("rep2", "PLN"): 1200.0, ("rep1", "PLN"): 1500.0}
    gap = manager.get("/reports/pipeline?as_of=2026-11-05")
    assert 'id="as-of-note"' in gap.text and "no snapshot of 2026-11-05" in gap.text
    for query, message in (("as_of=2026-10-01", "the first daily snapshot is of 2026-11-02"),
                           ("as_of=2026-12-24", "has not come yet"),
                           ("as_of=2026-11-02&group_by=territory", "the daily snapshots cannot group by")):
        bad = manager.get(f"/reports/pipeline?{query}")
        assert bad.status_code == 422 and message in bad.text, query
        assert 'id="pipeline-deals"' not in bad.text  # never today's numbers instead
    download = manager.get("/reports/pipeline.csv?as_of=2026-11-09&group_by=category")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["Forecast category"], r["open deals"]) for r in rows] == [("Pipeline", "4")]
    assert manager.get("/reports/pipeline.xlsx?as_of=2026-11-09").data[:2] == b"PK"


def test_the_changes_page_draws_a_waterfall_per_currency_from_its_tables_numbers(engine, app, clock):
    seed_week(engine, clock)
    manager = client_for(app, "manager")
    page = manager.get("/reports/changes?since=2026-11-02&as_of=2026-11-09")
    assert page.status_code == 200 and 'id="tab-changes" aria-current="page"' in page.text
    pln = _spec(page.text, "waterfall-PLN")["data"]["values"]
    assert [(v["step"], v["from"], v["to"], v["kind"]) for v in pln] == [
        ("Start", 0.0, 1800.0, "total"), ("New deals", 1800.0, 2500.0, "up"), ("Pulled in", 2500.0, 3400.0, "up"),
        ("Amount increased", 3400.0, 3900.0, "up"), ("Lost", 3900.0, 3600.0, "down"),
        ("Pushed out", 3600.0, 3100.0, "down"), ("End", 0.0, 3100.0, "total")]
    assert 'id="table-waterfall"' in page.text and 'id="table-deals"' in page.text
    assert "<script>" not in page.text
    waterfall = manager.get("/reports/changes.csv?since=2026-11-02&as_of=2026-11-09&table=waterfall")
    rows = list(csv.DictReader(io.StringIO(waterfall.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["step"], r["running total"]) for r in rows if r["currency"] == "PLN"] == [
        (v["step"], f"{v['to']:.2f}") for v in pln]
    assert manager.get("/reports/changes.xlsx").data[:2] == b"PK"
    bad = manager.get("/reports/changes?since=later")
    assert bad.status_code == 422 and 'id="error-since"' in bad.text
    assert manager.get("/reports/changes.csv?table=nope").status_code == 422


def test_the_changes_page_as_the_wrong_users(engine, app, clock):
    seed_week(engine, clock)
    rep = client_for(app, "rep1")
    mine = rep.get("/reports/changes?since=2026-11-02")
    assert mine.status_code == 200 and "Alpha" in mine.text
    assert_nothing_leaks(mine, "rep2")
    for title in ("Beta", "Delta", "Phi"):  # rep2's deals
        assert title not in mine.text
    other = client_for(app, "manager2").get("/reports/changes?since=2026-11-02")
    assert other.status_code == 200 and "Nothing moved." in other.text and "Alpha" not in other.text
    anonymous = app.test_client()
    for path in ("/reports/changes", "/reports/changes.csv", "/reports/pipeline?as_of=2026-11-02"):
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_api_answers_fit_the_document_and_follow_each_scope(engine, clock):
    seed_week(engine, clock)
    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    changes, pipeline = "/reports/changes", "/reports/pipeline"
    r = check(api.get("/reports/changes?since=2026-11-02&as_of=2026-11-09", "manager"), "GET", changes, 200)
    assert (r["since"], r["until"], r["period"], r["note"]) == ("2026-11-02", "2026-11-09", "2026-Q4", None)
    assert [(w["step"], w["amount"], w["after"]) for w in r["waterfall"] if w["currency"] == "EUR"] == [
        ("start", "2000.00", "2000.00"), ("won", "-2000.00", "0.00"), ("end", "0.00", "0.00")]
    alpha = next(d for d in r["deals"] if d["title"] == "Alpha")
    assert (alpha["step"], alpha["changes"], alpha["before"]["amount"], alpha["after"]["amount"]) == (
        "increased", ["increased", "stage_forward"], "1000.00", "1500.00")
    live = check(api.get("/reports/changes", "rep1"), "GET", changes, 200)
    assert live["until"] is None and {d["title"] for d in live["deals"]} <= {"Alpha", "Gamma", "Epsilon"}
    assert check(api.get("/reports/changes?since=2026-11-02", "manager2"), "GET", changes, 200)["deals"] == []
    check(api.get(changes, None), "GET", changes, 401)
    assert check(api.get("/reports/changes?colour=red", "manager"), "GET", changes, 400)["fields"] == {
        "colour": "unknown parameter; use since, as_of, period"}
    assert "since" in check(api.get("/reports/changes?since=", "manager"), "GET", changes, 400)["fields"]
    bad = check(api.get("/reports/changes?since=02.11.2026", "manager"), "GET", changes, 422)
    assert bad["fields"] == {"since": "'02.11.2026' is not a day; write it as YYYY-MM-DD"}
    early = check(api.get("/reports/changes?as_of=2026-10-30", "manager"), "GET", changes, 422)
    assert "the first daily snapshot is of 2026-11-02" in early["fields"]["as_of"]

    past = check(api.get("/reports/pipeline?as_of=2026-11-02&group_by=rep", "rep1"), "GET", pipeline, 200)
    assert (past["day"], past["scope"], [g["key"] for g in past["groups"]]) == ("2026-11-02", "your deals", ["rep1"])
    assert past["groups"][0]["currencies"] == [{"currency": "PLN", "deals": 2, "amount": "1500.00",
                                               "weighted": "300.00"}]
    future = check(api.get("/reports/pipeline?as_of=2027-01-01", "admin"), "GET", pipeline, 422)
    assert future["fields"] == {"as_of": "2027-01-01 has not come yet; give today (2026-11-09) or a past day"}
    grouping = check(api.get("/reports/pipeline?as_of=2026-11-02&group_by=source", "admin"), "GET", pipeline, 422)
    assert "the daily snapshots cannot group by 'source'" in grouping["fields"]["group_by"]
    assert every_status(check.document, SNAPSHOT_PATHS) - check.checked == set()
