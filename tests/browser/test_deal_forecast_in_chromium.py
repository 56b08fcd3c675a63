"""The deal page's forecast panel in a real Chromium against the real server (CSRF
on), at a desktop and a phone width: a rep moves the expected close date and counts
a deal they believe in as commit; the page shows the override beside what the
probability gives, and nothing spills sideways."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import demo_site, log_in
from tests.conftest import FakeClock

SHOTS = os.environ.get("DEALFLOW_SCREENSHOTS")  # a folder to keep screenshots in, for a person to look at


@pytest.mark.parametrize("width", [1366, 390])
def test_a_rep_moves_the_close_date_and_commits_a_deal_below_the_threshold(tmp_path, browser, width):
    # A fixed "now" (2 November 2026): the close date typed below stays in the future.
    with demo_site(tmp_path, clock=FakeClock(), title="Hurtownia Mazowsze", amount="250000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1") as (url, deal, engine):
        context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id="Europe/Warsaw")
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            log_in(page, url, "rep1")
            page.goto(f"{url}/opportunities/{deal.id}")
            panel = page.locator("#deal-forecast")
            assert panel.locator("#forecast-category").inner_text().strip() == "Pipeline"
            assert page.locator("#close-date-input").input_value() == deal.expected_close_date.isoformat()

            page.fill("#close-date-input", "2027-03-15")
            with page.expect_response(lambda r: r.request.method == "POST") as moved:
                page.click("#close-date-submit")
            assert moved.value.status == 303
            page.wait_for_selector(".flash-success")
            assert page.locator("#forecast-close-date").inner_text() == "2027-03-15"

            page.select_option("#forecast-category-input", "commit")
            with page.expect_response(lambda r: r.request.method == "POST") as committed:
                page.click("#forecast-category-submit")
            assert committed.value.status == 303
            page.wait_for_selector("#forecast-overridden")
            assert page.locator("#forecast-category").inner_text().startswith("Commit")
            assert "by probability: Pipeline" in page.locator("#forecast-explained").inner_text()
            shown = engine.show_opportunity(deal.id)
            assert (shown.forecast_category, shown.forecast_override_by, str(shown.expected_close_date)) == (
                "commit", "rep1", "2027-03-15")
            # The panel and everything in it fit the screen, on a phone too. (The Sales
            # Assistant panel below it is wider than a phone today: not this panel's.)
            right = panel.evaluate("p => Math.max(...[p, ...p.querySelectorAll('*')]"
                                   ".map(e => e.getBoundingClientRect().right))")
            assert right <= width, right
            if SHOTS:
                panel.scroll_into_view_if_needed()
                page.screenshot(path=os.path.join(SHOTS, f"deal-forecast-{width}.png"), full_page=False)
        finally:
            context.close()
