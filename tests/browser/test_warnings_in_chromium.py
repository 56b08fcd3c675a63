"""The warnings dashboard in a real Chromium against the real server (CSRF on): a
manager sees the team's stalled deals grouped by rep and rule and acknowledges
one; the rep sees theirs in the inbox — at 1366 and 390 px, with screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import SHIPPED, FakeClock


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $DEALFLOW_SCREENSHOTS, else the test's own folder."""
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def stalled_site(tmp_path):
    """The demo accounts and methodologies, two deals opened three weeks ago and
    left alone (rep1's and rep2's), swept today."""
    from engine.demo import seed_demo
    from engine.service import Engine
    from webui import create_app

    clock = FakeClock()  # a fixed instant: three weeks on it is 23 November, no DST change between
    engine = Engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock=clock)
    seed_demo(engine, str(SHIPPED), count=0)
    deals = [engine.create_opportunity(actor="manager", title=title, amount="250000.00", partner=partner,
                                       attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner=owner)
             for title, partner, owner in (("Hurtownia Mazowsze — chłodnie", "Hurt-Pol", "rep1"),
                                           ("Sieć piekarni, 40 pieców", "Piekarnie Złoty Kłos", "rep2"))]
    clock.advance(days=21)
    engine.sweep_warnings()
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    try:
        yield url, deals, engine
    finally:
        stop()
        engine.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_manager_sees_stalled_deals_by_rep_and_acknowledges_one(browser, page, shots, stalled_site, width):
    url, (first, second), engine = stalled_site
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, url, "manager")
    page.click("#nav-warnings")
    page.wait_for_selector("#warning-board")
    reps = page.locator(".rep-warnings")
    assert reps.count() == 2
    assert "Hurtownia Mazowsze" in page.locator("#rep-rep1").inner_text()
    assert "Sieć piekarni" in page.locator("#rep-rep2").inner_text()
    assert page.locator("#rep-rep1 .rule-idle").count() == 1  # three weeks without anything done
    total = int(page.locator("#count-unacknowledged").inner_text())
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.screenshot(path=str(shots / f"warnings-{width}.png"), full_page=True)

    idle = page.locator("#rep-rep1 li.warning[data-rule='idle']")
    assert "Nothing done since it was opened for 21 days." in idle.inner_text()
    idle.locator("button.ack").click()
    page.wait_for_selector(".flash-success")
    assert "Acknowledged: no activity on Hurtownia Mazowsze" in page.locator(".flash-success").inner_text()
    assert int(page.locator("#count-unacknowledged").inner_text()) == total - 1
    assert "acknowledged by manager" in page.locator("#rep-rep1 li.warning[data-rule='idle']").inner_text()
    page.locator("#rep-rep1").screenshot(path=str(shots / f"warnings-acknowledged-{width}.png"))

    rep = browser.new_context(timezone_id="Europe/Warsaw", locale="pl-PL").new_page()
    rep.set_viewport_size({"width": width, "height": 900})
    log_in(rep, url, "rep2")
    section = rep.locator("#inbox-warnings")
    assert "Sieć piekarni" in section.inner_text() and "Hurtownia" not in section.inner_text()
    assert rep.evaluate("document.documentElement.scrollWidth") <= width
    rep.screenshot(path=str(shots / f"inbox-warnings-{width}.png"), full_page=True)
    rep.goto(f"{url}/opportunities/{second.id}")
    assert rep.locator("#deal-warnings li.warning").count() >= 1
    rep.locator("#deal-warnings").screenshot(path=str(shots / f"deal-warnings-{width}.png"))
    rep.context.close()
