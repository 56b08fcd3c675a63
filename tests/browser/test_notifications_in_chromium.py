"""Notifications in a real Chromium at 1366 px and 390 px (CSRF on), screenshots
kept (DEALFLOW_SCREENSHOTS): the manager hands rep2's deal to rep1 on its page; rep1
logs in, sees the bell's count, opens the list and the notification, which takes them
to the deal and is read from then on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.browser.test_confirmations_in_chromium import new_page
from tests.conftest import FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock()))
    deal = engine.create_opportunity(title="Cold room for Hotel Pod Lipami", amount="30000.00",
                                     partner="Hotel Pod Lipami", attributes={"channel": "retail"}, actor="manager",
                                     owner="rep2")
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, deal, engine
    stop()
    engine.close()


def fits(page, width) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1366, 390])
def test_a_deal_handed_over_by_the_manager_reaches_the_rep(site, browser, width, tmp_path):
    url, deal, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    manager = new_page(browser, width)
    log_in(manager, url, "manager")
    manager.goto(f"{url}/opportunities/{deal.id}#reassign-deal")
    manager.select_option("#reassign-to", "rep1")
    with manager.expect_response(lambda r: r.request.method == "POST") as answer:
        manager.click("#reassign-submit")
    assert answer.value.status in (302, 303)
    assert engine.show_opportunity(deal.id).owner == "rep1"
    manager.context.close()

    rep = new_page(browser, width)
    log_in(rep, url, "rep1")
    assert rep.locator("#notification-count").inner_text() == "1"
    rep.screenshot(path=str(shots / f"notification-bell-{width}.png"))
    rep.click("#nav-notifications")
    rep.wait_for_url(f"{url}/notifications")
    (item,) = engine.notifications(viewer="rep1").items
    card = rep.locator(f"#notification-{item.id}")
    assert "handed the deal Cold room for Hotel Pod Lipami over to you" in card.inner_text()
    assert card.locator(".open-notification").is_visible() and fits(rep, width)
    rep.screenshot(path=str(shots / f"notifications-{width}.png"), full_page=True)
    card.locator(".open-notification").click()
    rep.wait_for_url(f"{url}/opportunities/{deal.id}")
    assert rep.locator("#notification-count").count() == 0  # read now: the bell has no count
    assert engine.unread_notification_count(viewer="rep1") == 0
    rep.goto(f"{url}/notifications")
    assert rep.locator(f"#notification-{item.id} .mark-read").count() == 0
    rep.context.close()
