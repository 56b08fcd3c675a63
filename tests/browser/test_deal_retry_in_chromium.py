"""A deal whose step failed, in a real Chromium at 1366 px and 390 px: the manager sees
the error with "Retry the step" and, once a fix is deployed, "Retry on version 2.1";
retrying without the fix says the step failed again, with the error; retrying on the
fix clears the error. A rep sees the error, no button, and who can retry it. The page fits the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve, watched_page
from tests.conftest import FakeClock, make_engine
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, methodology_with_script
from tests.webui.pages_support import with_passwords
from tests.webui.test_retry_api import deploy_fix, failed_deal
from webui import create_app


@pytest.fixture
def site(tmp_path):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock(),
                                        methodology_with_script(tmp_path, "broken", "2.0", BROKEN_SCRIPT)))
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, engine
    stop()
    engine.close()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_the_manager_retries_a_failed_step_from_the_deal_page(site, browser, tmp_path, width, height):
    url, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    deal = failed_deal(engine)
    with watched_page(browser, width, height, "") as (page, errors):
        log_in(page, url, deal.owner)
        page.goto(f"{url}/opportunities/{deal.id}")
        assert "division by zero" in page.locator("#deal-error").inner_text()
        assert page.locator("#retry-step").count() == 0
        assert page.locator("#deal-error-who").inner_text() == (
            "The deal's manager (manager), a designer or an admin can retry the step.")

    with watched_page(browser, width, height, "") as (page, errors):
        log_in(page, url, "manager")
        page.goto(f"{url}/opportunities/{deal.id}")
        error = page.locator("#deal-error")
        assert error.is_visible() and page.locator("#retry-upgrade").count() == 0
        page.click("#retry-step")
        page.wait_for_url(f"{url}/opportunities/{deal.id}")
        flash = page.locator(".flash-error[role=status]")
        assert "failed again: division by zero" in flash.inner_text()
        page.screenshot(path=str(shots / f"deal-retry-failed-again-{width}.png"))

        deploy_fix(engine, tmp_path)
        page.goto(f"{url}/opportunities/{deal.id}")
        upgrade = page.locator("#retry-upgrade")
        assert upgrade.is_visible() and upgrade.inner_text() == "Retry on version 2.1"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        error.screenshot(path=str(shots / f"deal-retry-buttons-{width}.png"))
        page.screenshot(path=str(shots / f"deal-retry-page-{width}.png"))
        upgrade.click()
        page.wait_for_url(f"{url}/opportunities/{deal.id}")
        assert "retried on version 2.1 and the process went on" in page.locator(".flash-success").inner_text()
        assert page.locator("#deal-error").count() == 0
        page.screenshot(path=str(shots / f"deal-retry-done-{width}.png"))
        assert errors == []
    assert engine.show_opportunity(deal.id).status == "won"
