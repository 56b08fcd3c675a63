"""A deal waiting for the ERP, in a real Chromium at 1366 px and 390 px: its page says
which message it waits for and at which step, with the Camunda 8 correlation key the
catch gave — or, for a deal whose key could not be computed, a warning that says why
(a sender's key can never reach it); and the page fits the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve, watched_page
from tests.conftest import FakeClock, make_engine
from tests.service.test_message_correlation_keys import keyed_methodologies
from tests.service.test_messages import order
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock(),
                                        keyed_methodologies(tmp_path)))
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, engine
    stop()
    engine.close()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_the_deal_page_shows_the_message_it_waits_for_and_a_key_that_could_not_be_computed(
        site, browser, tmp_path, width, height):
    url, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    keyed = order(engine, "ORD-1", "Keyed", order_number=4711)
    unkeyed = order(engine, "ORD-2", "Unkeyed")
    with watched_page(browser, width, height, "") as (page, errors):
        log_in(page, url, "rep1")
        page.goto(f"{url}/opportunities/{keyed.id}")
        waits = page.locator("#deal-waits")
        assert waits.is_visible()
        ordered = waits.locator("li.deal-wait-message", has_text="order-confirmed")
        assert "Wait for the ERP order" in ordered.inner_text()
        assert ordered.locator("code").inner_text() == "4711"
        assert waits.locator(".key-problem").count() == 0
        waits.screenshot(path=str(shots / f"deal-waits-{width}.png"))

        page.goto(f"{url}/opportunities/{unkeyed.id}")
        problem = page.locator("#deal-waits li.deal-wait-message", has_text="order-confirmed").locator(".key-problem")
        assert problem.is_visible()
        assert "= order_number" in problem.inner_text() and "deal by its id or business key" in problem.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#deal-waits").screenshot(path=str(shots / f"deal-waits-problem-{width}.png"))
        assert errors == []
