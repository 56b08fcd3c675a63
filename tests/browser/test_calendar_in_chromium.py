"""A rep plans a call on a partner's deal from the agenda, in a real Chromium against
the real server (CSRF on), and finds it in the week calendar — on a desktop screen
and on a phone (390 px, the days stacked); the calendar link is made and serves the
call to a client that is not logged in."""

from __future__ import annotations

import os
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import demo_site, log_in
from tests.conftest import FakeClock

WARSAW = ZoneInfo("Europe/Warsaw")  # the browser's zone (tests/browser/conftest.py)
# The server's "now" (a FakeClock): noon of a Wednesday in Warsaw, so "tomorrow", two
# and three days on fall in the same week and on the same local day whatever the hour,
# date or DST change CI runs at.
NOON = datetime(2026, 11, 4, 12, 0, tzinfo=WARSAW)


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $DEALFLOW_SCREENSHOTS, else the test's own folder."""
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def site(tmp_path):
    with demo_site(tmp_path, clock=FakeClock(NOON.astimezone(ZoneInfo("UTC"))),
                   title="Chłodnie dla Delikatesów", amount="48000.00", partner="Delikatesy Centrum",
                   attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1") as site:
        yield site


def plan_call(page, url, when: datetime, subject: str) -> None:
    page.goto(f"{url}/agenda")
    page.select_option("#plan-target", label="Delikatesy Centrum — Chłodnie dla Delikatesów")
    page.select_option("#plan-kind", "call")
    page.fill("#plan-subject", subject)
    page.fill("#plan-starts_at", f"{when:%Y-%m-%dT%H:%M}")
    page.fill("#plan-duration_minutes", "45")
    submit(page, "#plan-submit")


def submit(page, button: str) -> None:
    """Click ``button``, which posts a form answered by a redirect to a page with a success message."""
    with page.expect_response(lambda r: r.request.method == "POST", timeout=30_000) as answer:
        page.click(button)
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_call_planned_on_the_agenda_shows_in_the_week_calendar(site, page, width, shots):
    url, deal, engine = site
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, url, "rep1")
    assert page.locator("#nav-calendar").is_visible()
    when = (NOON + timedelta(days=1)).replace(hour=10, minute=30)
    plan_call(page, url, when, "Omówić ofertę <chłodni>")
    assert "Planned: Omówić ofertę <chłodni> (call)" in page.locator(".flash-success").inner_text()
    tomorrow = page.locator(f"#agenda-{when:%Y-%m-%d}")
    assert "Omówić ofertę <chłodni>" in tomorrow.inner_text() and "10:30–11:15" in tomorrow.inner_text()
    page.screenshot(path=str(shots / f"agenda-{width}.png"), full_page=True)

    page.click("#to-week")
    page.goto(f"{url}/calendar/week?user=rep1&start={when:%Y-%m-%d}")
    cell = page.locator(f"#day-rep1-{when:%Y-%m-%d}")
    assert cell.locator(".week-item").count() >= 1
    assert "Omówić ofertę <chłodni>" in cell.inner_text() and "10:30" in cell.inner_text()
    monday = page.locator(".week-day").first.bounding_box()
    tuesday = page.locator(".week-day").nth(1).bounding_box()
    if width == 390:  # stacked: each day below the one before, as wide as the page
        assert tuesday["y"] >= monday["y"] + monday["height"] and monday["width"] > 300
    else:  # seven columns side by side
        assert abs(tuesday["y"] - monday["y"]) < 1 and tuesday["x"] > monday["x"] + monday["width"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    page.screenshot(path=str(shots / f"week-{width}.png"), full_page=True)
    stored = engine.activities_for_deal(deal.id, viewer="rep1")
    assert [(a.subject, a.starts_at, a.duration_minutes) for a in stored] == [
        ("Omówić ofertę <chłodni>", when.astimezone(ZoneInfo("UTC")), 45)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_calendar_link_is_made_copied_shown_again_renewed_and_stopped_after_asking(site, page, browser, width,
                                                                                        shots):
    url, deal, engine = site
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    log_in(page, url, "rep1")
    when = (NOON + timedelta(days=2)).replace(hour=9, minute=0)
    plan_call(page, url, when, "Telefon do zakupów")
    submit(page, "#new-feed-link")
    feed_url = page.locator("#feed-url").input_value()
    assert feed_url.startswith(f"{url}/calendar/") and feed_url.endswith(".ics")
    page.click("#copy-feed-url")
    expect(page.locator("#copy-feed-url")).to_have_text("Copied")  # polled by Playwright, not by eval (CSP)
    assert page.evaluate("navigator.clipboard.readText()") == feed_url
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#calendar-link").screenshot(path=str(shots / f"agenda-feed-link-{width}.png"))
    page.goto(f"{url}/agenda")
    assert page.locator("#feed-url").input_value() == feed_url  # shown again, for another device
    stranger = browser.new_context()  # no cookies: a calendar client
    answer = stranger.request.get(feed_url)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(answer.body()).walk("VEVENT")
    call = next(e for e in events if str(e["SUMMARY"]) == "Call: Telefon do zakupów")
    assert call.decoded("DTSTART") == when
    page.click("#renew-feed-link")
    page.wait_for_selector("#renew-link-confirm")
    assert stranger.request.get(feed_url).status == 200  # nothing changed before confirming
    page.screenshot(path=str(shots / f"calendar-link-renew-confirm-{width}.png"), full_page=True)
    submit(page, "#renew-link-submit")
    new_url = page.locator("#feed-url").input_value()
    assert new_url != feed_url and stranger.request.get(feed_url).status == 404
    page.click("#revoke-feed-link")
    submit(page, "#revoke-link-submit")
    assert stranger.request.get(new_url).status == 404
    assert "You have no calendar link yet." in page.locator("#calendar-link").inner_text()
    stranger.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_call_planned_on_the_partner_page_shows_there_and_in_the_week(site, page, width, shots):
    url, deal, engine = site
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, url, "rep1")
    page.goto(f"{url}/partners/{deal.partner_id}")
    panel = page.locator("#activities")
    assert "No activities yet." in panel.inner_text()
    when = (NOON + timedelta(days=3)).replace(hour=14, minute=0)
    page.select_option("#partner-plan-deal", str(deal.id))
    page.select_option("#partner-plan-kind", "visit")
    page.fill("#partner-plan-subject", "Pomiar chłodni")
    page.fill("#partner-plan-starts_at", f"{when:%Y-%m-%dT%H:%M}")
    page.fill("#partner-plan-duration_minutes", "90")
    with page.expect_response(lambda r: r.request.method == "POST", timeout=30_000) as answer:
        page.click("#partner-plan-submit")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")
    assert page.url == f"{url}/partners/{deal.partner_id}#activities"
    item = page.locator("#partner-activity-list li").first
    assert "Pomiar chłodni" in item.inner_text() and "Visit" in item.inner_text()
    assert f"{when:%Y-%m-%d %H:%M}" in item.inner_text()
    panel.screenshot(path=str(shots / f"partner-activities-{width}.png"))
    page.screenshot(path=str(shots / f"partner-page-{width}.png"), full_page=True)
    page.goto(f"{url}/calendar/week?user=rep1&start={when:%Y-%m-%d}")
    assert "Pomiar chłodni" in page.locator(f"#day-rep1-{when:%Y-%m-%d}").inner_text()


@pytest.fixture
def queue_site(tmp_path):
    """The test methodology with both lanes going to the team's queue: a new deal's
    first task (due in two days) waits unclaimed for anyone of team 'sales'."""
    from tests.browser.conftest import serve
    from tests.conftest import make_engine
    from tests.service.test_calendars import everything_queued
    from tests.webui.pages_support import with_passwords
    from webui import create_app

    # Noon in Warsaw: the task falls due at noon two days on, so the call planned an
    # hour before it lands on the same day.
    clock = FakeClock(NOON.astimezone(ZoneInfo("UTC")))
    with closing(with_passwords(make_engine(f"sqlite:///{tmp_path / 'queue.db'}", clock,
                                            everything_queued(tmp_path)))) as engine:
        deal = engine.create_opportunity(title="Chłodnia dla Baru", amount="9000.00", partner="Bar Mleczny",
                                         actor="manager")
        url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
        yield url, deal, engine
        stop()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_week_shows_unclaimed_queue_tasks_apart_from_own_ones(queue_site, page, width, shots):
    url, deal, engine = queue_site
    (task,) = [t for t in engine.inbox("rep2").tasks if t.claimable]
    engine.plan_activity(actor="rep2", partner_id=deal.partner_id, kind="call", subject="Własny telefon",
                         starts_at=task.due_at - timedelta(hours=1), duration_minutes=15)
    day = task.due_at.astimezone(WARSAW).date()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, url, "rep2")
    page.goto(f"{url}/calendar/week?start={day.isoformat()}")
    cell = page.locator(f"#day-rep2-{day.isoformat()}")
    queued = cell.locator(".week-item.cal-queued")
    assert queued.count() == 1 and "Qualify the lead" in queued.inner_text() and "queue: sales" in queued.inner_text()
    own = cell.locator(".week-item:not(.cal-queued)")
    assert own.count() == 1 and "Własny telefon" in own.inner_text()
    assert queued.evaluate("e => getComputedStyle(e).borderLeftStyle") == "dashed"  # set apart, not only by words
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / f"week-queue-rep-{width}.png"), full_page=True)
    page.context.clear_cookies()
    log_in(page, url, "manager")
    page.goto(f"{url}/calendar/week?team=sales&start={day.isoformat()}")
    row = page.locator("#week-queue")
    assert "Queue of sales" in row.inner_text() and "Qualify the lead" in row.inner_text()
    assert "Qualify the lead" not in page.locator("#week-rep1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / f"week-queue-team-{width}.png"), full_page=True)
