"""Splitting a quota in a real Chromium against the real server (CSRF on), at 1366
and 390 px with screenshots: the manager saves a draft that does not add up (the
warning shows), commits an even split, and a rep sees their part."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import demo_site, log_in
from tests.conftest import FakeClock


def screenshots(tmp_path) -> Path:
    """Where screenshots go: $DEALFLOW_SCREENSHOTS, else the test's own folder."""
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", [1366, 390])
def test_a_manager_drafts_and_commits_a_split_that_a_rep_then_sees(tmp_path, browser, page, width):
    shots = screenshots(tmp_path)
    with demo_site(tmp_path, clock=FakeClock(), title="Hurtownia", amount="1000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}) as (url, _, engine):
        period = engine.quota_sheet(viewer="manager").period.name
        engine.set_quota("manager", period, "800000", actor="admin")
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, "manager")
        page.click("#nav-quotas")
        page.wait_for_selector("#split-form")
        assert page.locator("#quota-period").inner_text() == period
        reports = page.locator("#split-table tbody tr").count()
        assert reports >= 2
        page.fill("#part-rep1", "120000")
        page.fill("#part-rep2", "80000")
        page.click("#save-draft")
        page.wait_for_selector("#draft-status")
        assert "short of manager" in page.locator("#split-warning").inner_text()
        page.screenshot(path=str(shots / f"quotas-draft-{width}.png"), full_page=True)
        assert engine.quota_sheet(viewer="rep1").history == ()  # the team sees nothing of a draft

        for row in page.locator("#split-table tbody input").all():
            row.fill(str(800000 // reports))
        page.fill("#split-note", "even split")
        page.click("#commit-split")
        page.wait_for_selector("#version-1")
        assert "Version 1 committed" in page.locator(".flash-success").inner_text()
        page.screenshot(path=str(shots / f"quotas-committed-{width}.png"), full_page=True)

        rep = browser.new_context(timezone_id="Europe/Warsaw").new_page()
        rep.set_viewport_size({"width": width, "height": 900})
        log_in(rep, url, "rep1")
        rep.goto(f"{url}/quotas")
        assert rep.locator("#split-form").count() == 0
        assert f"{800000 // reports:,}".replace(",", "\u202f") in rep.locator("#own-quota").inner_text()
        rep.screenshot(path=str(shots / f"quotas-rep-{width}.png"), full_page=True)
        rep.context.close()
