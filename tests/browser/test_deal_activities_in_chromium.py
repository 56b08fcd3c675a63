"""The deal page's activities panel in a real Chromium against the real server (CSRF
on), on a desktop screen and on a phone (390 px): a rep plans a meeting and logs a
call already made, both typed in the browser's zone, and sees them on the deal."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import demo_site, log_in
from tests.browser.test_calendar_in_chromium import shots  # noqa: F401 (a fixture)

WARSAW = ZoneInfo("Europe/Warsaw")  # the browser's zone (tests/browser/conftest.py)


@pytest.fixture
def site(tmp_path):
    with demo_site(tmp_path, title="Chłodnie dla Delikatesów", amount="48000.00", partner="Delikatesy Centrum",
                   attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1") as site:
        yield site


def submit(page, button: str) -> None:
    with page.expect_response(lambda r: r.request.method == "POST", timeout=30_000) as answer:
        page.click(button)
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_rep_plans_and_logs_activities_on_the_deal_page(site, page, width, shots):  # noqa: F811
    url, deal, engine = site
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, url, "rep1")
    page.goto(f"{url}/opportunities/{deal.id}")
    panel = page.locator("#deal-activities")
    assert "Nothing planned on this deal." in panel.inner_text()
    assert page.locator("#deal-plan-form").is_visible()  # open while nothing is planned
    when = (datetime.now(WARSAW) + timedelta(days=2)).replace(hour=9, minute=15, second=0, microsecond=0)
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
