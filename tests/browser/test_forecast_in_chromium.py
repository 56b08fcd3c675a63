"""The forecast page in a real Chromium against the real server (CSRF on), at 1366
and 390 px with screenshots: the manager sees the team against quota with progress
bars and the rollup, adjusts a rep's commit with a note, and submits."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_site, log_in
from tests.browser.test_quotas_in_chromium import screenshots
from tests.conftest import FakeClock
from tests.service.forecast_seeds import deal


@pytest.mark.parametrize("width", [1366, 390])
def test_a_manager_sees_progress_adjusts_a_rep_and_submits(tmp_path, browser, page, width):
    shots = screenshots(tmp_path)
    with demo_site(tmp_path, clock=FakeClock(), title="Hurtownia", amount="1000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}) as (url, _, engine):
        period = engine.quota_sheet(viewer="manager").period
        close = engine.now().date()  # the FakeClock's, in its quarter (the page's), not before the deals open
        engine.set_quota("manager", period.name, "100000", actor="admin")
        engine.split_quota("manager", period.name, {"rep1": "60000", "rep2": "40000"}, actor="manager", commit=True)
        deal(engine, "rep1", "30000", 90, close, title="Cold room")
        deal(engine, "rep2", "12000", 75, close, title="Display fridge")
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, "manager")
        page.click("#nav-forecast")
        page.wait_for_selector("#forecast-rollup")
        assert page.locator("#forecast-period").inner_text() == period.name
        assert page.locator("#rollup-PLN progress").get_attribute("max") == "100"
        assert "30\u202f000.00" in page.locator("#person-rep1-PLN").inner_text()
        page.screenshot(path=str(shots / f"forecast-{width}.png"), full_page=True)

        page.click("#adjust-rep1 summary")
        page.select_option("#adj-category-rep1", "commit")
        page.fill("#adj-amount-rep1", "20000")
        page.fill("#adj-note-rep1", "Cold room may slip")
        page.click("#adj-submit-rep1")
        page.wait_for_selector(".flash-success")
        assert "adj. 20\u202f000.00" in page.locator("#person-rep1-PLN").inner_text()
        assert "Cold room may slip" in page.locator("#forecast-people").inner_text()
        page.click("#submit-forecast")
        page.wait_for_selector("#submissions")
        assert "snapshot #1" in page.locator(".flash-success").inner_text()
        page.screenshot(path=str(shots / f"forecast-adjusted-{width}.png"), full_page=True)
