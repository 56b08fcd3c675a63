"""Losing a deal and finding it in the lost-deal report, in a real Chromium against
the real server (CSRF on): the rep picks a reason, confirms on the second page
(closing is final), and the manager's report shows the deal, where it died and why
— at 1366 and 390 px, with screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import demo_site, log_in


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $DEALFLOW_SCREENSHOTS, else the test's own folder."""
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", [1366, 390])
def test_a_deal_lost_with_a_reason_through_the_confirmation_shows_in_the_report(tmp_path, browser, page, shots,
                                                                                width):
    with demo_site(tmp_path, title="Hurtownia Mazowsze", amount="250000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1") as (url, deal, engine):
        done = next(t for t in deal.open_tasks if t.kind == "activity" and t.assignee == "rep1")
        engine.complete_activity(done.id, actor="rep1", note="Met the COO")  # work done before the loss
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, "rep1")
        page.goto(f"{url}/opportunities/{deal.id}#lose-form")
        page.select_option("#lose-reason-code", "competitor")
        page.fill("#lose-reason", "Went with the cheaper local supplier")
        page.locator("#lose-form").screenshot(path=str(shots / f"lose-form-{width}.png"))
        page.click("#lose-submit")
        page.wait_for_selector("#lose-confirm")
        assert page.locator("#confirm-reason").inner_text() == "Chose a competitor"
        assert "cannot be undone" in page.locator("#lose-confirm").inner_text()
        assert engine.show_opportunity(deal.id).status == "open"  # nothing happened before the confirmation
        page.screenshot(path=str(shots / f"lose-confirm-{width}.png"), full_page=True)
        page.click("#lose-confirm-submit")
        page.wait_for_selector(".flash-success")
        assert page.locator("#deal-status").text_content() == "lost"
        assert page.locator("#deal-lost-reason").inner_text() == (
            "Chose a competitor — Went with the cheaper local supplier")
        page.locator("#deal-facts").screenshot(path=str(shots / f"lost-deal-facts-{width}.png"))

        manager = browser.new_context(timezone_id="Europe/Warsaw", locale="pl-PL").new_page()
        manager.set_viewport_size({"width": width, "height": 900})
        log_in(manager, url, "manager")
        manager.click("#nav-reports")
        manager.wait_for_selector("#lost-deals")
        assert manager.locator("#lost-count").inner_text() == "1"
        row = manager.locator(f"#lost-deal-{deal.id}")
        assert "Hurtownia Mazowsze" in row.inner_text() and "Chose a competitor" in row.inner_text()
        assert "Discovery" in row.inner_text()  # the stage it died in
        assert f"activity: {done.name}" in row.inner_text() and "Met the COO" in row.inner_text()
        assert manager.locator("#reasons-1 li").first.get_attribute("data-key") == "competitor"
        # Nothing is wider than the window: no sideways scrolling at 390 px.
        assert manager.evaluate("document.documentElement.scrollWidth") <= width
        manager.screenshot(path=str(shots / f"lost-report-{width}.png"), full_page=True)
        csv = manager.request.get(f"{url}/reports/lost.csv")
        assert csv.status == 200 and "Went with the cheaper local supplier" in csv.text()
        manager.context.close()
