"""The deal page's activities panel in a real Chromium against the real server (CSRF
on), on a desktop screen and on a phone (390 px): a rep plans a meeting and logs a
call already made, both typed in the browser's zone, and sees them on the deal."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser import test_calendar_in_chromium as calendar_tests
from tests.browser.conftest import log_in

site, shots = calendar_tests.site, calendar_tests.shots  # the same deal of rep1's, and where screenshots go
submit = calendar_tests.submit


@pytest.mark.parametrize("width", [1366, 390])
def test_a_rep_plans_and_logs_activities_on_the_deal_page(site, page, width, shots):
    url, deal, engine = site
    log_in(page, url, "rep1")
    page.set_viewport_size({"width": width, "height": 900})  # the phone's width from the deal page on
    page.goto(f"{url}/opportunities/{deal.id}#deal-activities")
    panel = page.locator("#deal-activities")
    assert "Nothing planned on this deal." in panel.inner_text()
    assert page.locator("#deal-plan-form").is_visible()  # open while nothing is planned
    when = (calendar_tests.NOON + timedelta(days=2)).replace(hour=9, minute=15)  # the server's clock's
    page.select_option("#deal-plan-kind", "meeting")
    page.fill("#deal-plan-subject", "Pomiar chłodni <na miejscu>")
    page.fill("#deal-plan-starts_at", f"{when:%Y-%m-%dT%H:%M}")
    page.fill("#deal-plan-duration_minutes", "90")
    submit(page, "#deal-plan-submit")
    assert page.url.endswith("#deal-activities")
    planned = page.locator("#deal-planned")
    assert "Pomiar chłodni <na miejscu>" in planned.inner_text() and f"{when:%Y-%m-%d %H:%M}" in planned.inner_text()
    assert "90 min" in planned.inner_text()

    page.click("#deal-log summary")
    page.select_option("#deal-log-kind", "call")
    page.fill("#deal-log-subject", "Telefon do kierownika")
    page.fill("#deal-log-duration_minutes", "10")
    page.fill("#deal-log-outcome", "Prześle plan sklepu")
    submit(page, "#deal-log-submit")
    done = page.locator("#deal-history")
    assert "Telefon do kierownika" in done.inner_text() and "Prześle plan sklepu" in done.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    page.locator("#deal-activities").screenshot(path=str(shots / f"deal-activities-{width}.png"))
    stored = {a.subject: a for a in engine.activities_for_deal(deal.id, viewer="rep1")}
    assert stored["Pomiar chłodni <na miejscu>"].starts_at == when.astimezone(ZoneInfo("UTC"))
    assert (stored["Telefon do kierownika"].status, stored["Telefon do kierownika"].outcome) == (
        "done", "Prześle plan sklepu")
