"""Early warnings (M18) on screen and in the API: the dashboard grouped by rep and
rule, acknowledging with the CSRF token, the inbox's and the deal page's sections,
GET /warnings and POST /warnings/{id}/ack — each also as the wrong user."""

from __future__ import annotations

import re

from tests.webui.pages_support import assert_nothing_leaks, client_for, csrf_token, log_in, make_app, open_deal
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

WARNING_PATHS = {"/warnings", "/warnings/{warning_id}/ack"}


def warned(engine, clock):
    """Two deals (rep1's, rep2's) three days after their first task was due."""
    first = open_deal(engine, "Cold room for Rex", "Hotel Rex")
    second = open_deal(engine, "Bar fridge", "Bar Mleczny")
    clock.advance(days=3)
    engine.sweep_warnings()
    return first, second


def test_the_dashboard_groups_the_teams_warnings_by_rep_and_rule(engine, app, clock):
    first, second = warned(engine, clock)
    manager = client_for(app, "manager")
    page = manager.get("/warnings")
    assert page.status_code == 200 and 'id="nav-warnings"' in page.text
    assert 'id="count-warnings">2<' in page.text and 'id="count-unacknowledged">2<' in page.text
    assert page.text.index('id="rep-rep1"') < page.text.index('id="rep-rep2"')
    assert "Next action missed" in page.text and "Cold room for Rex" in page.text and "Bar fridge" in page.text
    assert "The next action was due 1 day ago and is not done." in page.text
    rep = client_for(app, "rep1").get("/warnings")
    assert "Cold room for Rex" in rep.text and "Bar fridge" not in rep.text
    first_page = manager.get("/warnings?per_page=1")
    assert 'id="pager"' in first_page.text and "Page 1 of 2" in first_page.text
    assert 'href="/warnings?page=2&amp;per_page=1"' in first_page.text or \
        'href="/warnings?per_page=1&amp;page=2"' in first_page.text
    assert "Cold room for Rex" in first_page.text and "Bar fridge" not in first_page.text
    second_page = manager.get("/warnings?per_page=1&page=2")
    assert "Bar fridge" in second_page.text and 'id="count-warnings">2<' in second_page.text
    assert 'id="pager"' not in page.text  # one page: no pager
    other = client_for(app, "manager2").get("/warnings")
    assert 'id="warnings-empty"' in other.text
    assert_nothing_leaks(other, "Cold room for Rex", "Bar fridge")


def test_acknowledging_on_the_page_needs_the_csrf_token_and_the_right_user(engine, clock):
    first, _ = warned(engine, clock)
    app = make_app(engine, csrf=True)
    (warning,) = [w for w in engine.warnings(viewer="rep1")]
    stranger = app.test_client()
    log_in(stranger, "rep3", csrf=True)
    token = csrf_token(stranger.get("/warnings").text)
    assert stranger.post(f"/warnings/{warning.id}/ack", data={"csrf_token": token}).status_code == 404
    manager = app.test_client()
    log_in(manager, "manager", csrf=True)
    assert manager.post(f"/warnings/{warning.id}/ack", data={}).status_code == 400  # no token
    assert engine.warnings(viewer="rep1")[0].acknowledged_at is None
    page = manager.get("/warnings").text
    done = manager.post(f"/warnings/{warning.id}/ack", data={"csrf_token": csrf_token(page), "next": "/warnings"})
    assert done.status_code == 303 and done.headers["Location"] == "/warnings"
    after = manager.get("/warnings").text
    assert "Acknowledged: next action missed on Cold room for Rex." in after
    assert "acknowledged by manager" in after and 'id="count-unacknowledged">1<' in after
    again = manager.post(f"/warnings/{warning.id}/ack", data={"csrf_token": csrf_token(after)})
    assert "acknowledged already" in manager.get(again.headers["Location"]).text


def test_the_inbox_and_the_deal_page_show_the_deals_warnings(engine, app, clock):
    first, second = warned(engine, clock)
    rep = client_for(app, "rep1")
    inbox = rep.get("/").text
    assert 'id="inbox-warnings"' in inbox and "Cold room for Rex" in inbox.split('id="inbox-filters"')[0]
    assert "Bar fridge" not in inbox.split('id="inbox-filters"')[0]
    deal = rep.get(f"/opportunities/{first.id}").text
    assert 'id="deal-warnings"' in deal and "Next action missed" not in deal.split('id="deal-warnings"')[0]
    (warning,) = engine.warnings(viewer="rep1")
    engine.acknowledge_warning(warning.id, actor="rep1")
    assert 'id="inbox-warnings"' not in rep.get("/").text  # the inbox lists what still waits for someone
    assert 'id="deal-warnings"' in rep.get(f"/opportunities/{first.id}").text  # the deal page: until it clears
    assert 'id="inbox-warnings"' not in client_for(app, "rep3").get("/").text


def test_the_inbox_shows_the_newest_five_warnings_and_counts_them_all(engine, app, clock):
    for n in range(7):  # rep1, rep2, rep1...
        open_deal(engine, f"Kiosk {n}", f"Sklep {n}")
        clock.advance(minutes=1)
    clock.advance(days=3)
    engine.sweep_warnings()
    box = client_for(app, "manager").get("/").text.split('id="inbox-filters"')[0]
    assert re.search(r'<h2>Warnings <span class="badge badge-overdue">7</span></h2>', box)
    assert [n for n in range(7) if f"Kiosk {n}<" in box] == [2, 3, 4, 5, 6]  # the newest five
    assert re.search(r'id="all-warnings">All 7 warnings →<', box)
    rep1 = client_for(app, "rep1").get("/").text.split('id="inbox-filters"')[0]
    assert 'badge-overdue">4<' in rep1 and "The warnings page →" in rep1  # all four shown: no "All 4"


def test_the_api_lists_and_acknowledges_as_documented(engine, clock):
    first, second = warned(engine, clock)
    api = Api(engine)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    listed = check(api.get("/warnings", "manager"), "GET", "/warnings", 200)["warnings"]
    assert sorted(w["deal_title"] for w in listed) == ["Bar fridge", "Cold room for Rex"]
    mine = check(api.get("/warnings", "rep2"), "GET", "/warnings", 200)["warnings"]
    assert [w["deal_title"] for w in mine] == ["Bar fridge"]
    assert check(api.get("/warnings", "rep3"), "GET", "/warnings", 200)["warnings"] == []
    check(api.get("/warnings", None), "GET", "/warnings", 401)
    bad = check(api.get("/warnings?cleared=maybe&colour=red", "manager"), "GET", "/warnings", 400)
    assert bad["fields"] == {"cleared": "true or false", "colour": "unknown parameter; use cleared, acknowledged, page, per_page"}
    paged = check(api.get("/warnings?per_page=1&page=2", "manager"), "GET", "/warnings", 200)
    assert (paged["total"], paged["pages"], paged["page"], len(paged["warnings"])) == (2, 2, 2, 1)
    assert paged["warnings"][0]["id"] == listed[1]["id"]  # the second of the one list, newest first
    assert "per_page" in check(api.get("/warnings?per_page=1001", "manager"), "GET", "/warnings", 400)["fields"]
    # a page far beyond any offset the database takes is a field error, not a 500 (found by schemathesis)
    huge = check(api.get("/warnings?page=9223372036854777", "manager"), "GET", "/warnings", 400)
    assert huge["fields"] == {"page": "a whole number from 1 to 100000"}
    twice = check(api.get("/warnings?page=2&page=3", "manager"), "GET", "/warnings", 400)
    assert twice["fields"] == {"page": "give it once"}
    nul = check(api.get("/warnings?acknowledged=%00", "manager"), "GET", "/warnings", 422)  # the request guard's
    assert set(nul["fields"]) == {"acknowledged"}

    warning_id = mine[0]["id"]
    path = "/warnings/{warning_id}/ack"
    check(api.post(f"/warnings/{warning_id}/ack", None), "POST", path, 401)
    check(api.post(f"/warnings/{warning_id}/ack", "rep1"), "POST", path, 404)  # another rep's deal
    check(api.post(f"/warnings/{warning_id}/ack", "manager2"), "POST", path, 404)  # another team's
    acked = check(api.post(f"/warnings/{warning_id}/ack", "rep2"), "POST", path, 200)
    assert (acked["acknowledged_by"], acked["may_acknowledge"]) == ("rep2", False)
    check(api.post(f"/warnings/{warning_id}/ack", "manager"), "POST", path, 409)
    unacked = check(api.get("/warnings?acknowledged=false", "manager"), "GET", "/warnings", 200)["warnings"]
    assert [w["deal_title"] for w in unacked] == ["Cold room for Rex"]
    engine.close_as_lost(second.id, actor="rep2", reason_code="price")
    engine.sweep_warnings()
    cleared = check(api.get("/warnings?cleared=true", "rep2"), "GET", "/warnings", 200)["warnings"]
    assert cleared[0]["cleared_at"] is not None
    assert every_status(check.document, WARNING_PATHS) - check.checked == set()
