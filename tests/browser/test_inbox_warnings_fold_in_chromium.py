"""The inbox's warnings in a real Chromium: on a phone (390 px) they are one line that
opens on a tap, and the first task is on the first screen (five warning cards pushed it
some 1,300 px down); at 1366 px they show unfolded. Screenshots at both widths."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import SHIPPED, FakeClock


@pytest.fixture
def warned_rep(tmp_path):
    """rep2 with five deals opened three weeks ago and left alone, swept today."""
    from engine.demo import seed_demo
    from engine.service import Engine
    from webui import create_app

    clock = FakeClock()
    engine = Engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock=clock)
    seed_demo(engine, str(SHIPPED), count=0)
    for n in range(5):
        engine.create_opportunity(actor="manager", title=f"Piece {n}: ovens for bakery {n}", amount="90000.00",
                                  partner=f"Piekarnia {n}", owner="rep2",
                                  attributes={"channel": "wholesale", "territory": "PL-MZ"})
    clock.advance(days=21)
    engine.sweep_warnings()
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    try:
        yield url
    finally:
        stop()
        engine.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_inbox_warnings_fold_into_one_line_on_a_phone(browser, page, shots, warned_rep, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, warned_rep, "rep2")
    fold = page.locator("#inbox-warnings-fold")
    cards = page.locator("#inbox-warnings li.warning")
    assert int(page.locator("#inbox-warnings-summary .badge").inner_text()) >= 5
    first_task = page.locator("#inbox-tasks tr.task").first
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / f"inbox-warnings-fold-{width}.png"), full_page=True)
    if width == 390:
        assert not cards.first.is_visible()
        assert "and " in page.locator("#inbox-warnings-summary .fold-line").inner_text()
        # the first task starts on the first screen, under the one line
        assert first_task.bounding_box()["y"] < 800
        page.screenshot(path=str(shots / f"inbox-warnings-fold-first-screen-{width}.png"))
        page.click("#inbox-warnings-summary")
        assert fold.get_attribute("open") is not None and cards.first.is_visible()
        page.screenshot(path=str(shots / f"inbox-warnings-fold-open-{width}.png"))
        cards.first.locator("button.ack").click()
        page.wait_for_selector(".flash-success")
    else:
        assert cards.count() >= 5 and cards.nth(4).is_visible()  # unfolded without a click
        assert not page.locator("#inbox-warnings-summary .fold-line").is_visible()
        page.click("#inbox-warnings-summary", force=True)  # the heading is not a toggle here
        assert cards.first.is_visible()
