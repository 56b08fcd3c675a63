"""The deal page's error box in a real Chromium at 1366 px and 390 px: a person's
failed step in a process with parallel branches says the other branches go on while
the review still waits; once it is done (only the failed step is left) it no longer
does. A second person's failure that displaced the first shows its note under the
error, which stays the error alone. The box fits the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve, watched_page
from tests.conftest import FakeClock, make_engine
from tests.service.test_parallel_errors import (BROKEN, DISPLACED, FINE, at_fork, fail_offer, parallel_methodology,
                                                second_failure, task_at, two_failing_people)
from tests.webui.pages_support import with_passwords
from webui import create_app

GO_ON = "The process's other branches go on meanwhile."


@pytest.fixture
def site(tmp_path):
    clock = FakeClock()
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock,
                                        parallel_methodology(tmp_path, "m", "2.0", offer=BROKEN, review=FINE)))
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, engine, clock
    stop()
    engine.close()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_the_error_box_says_the_other_branches_go_on_only_while_they_have_work(site, browser, tmp_path,
                                                                                width, height):
    url, engine, clock = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    deal = at_fork(engine)
    clock.advance(days=2, minutes=1)
    engine.fire_due_timers()  # the review is ready
    deal = fail_offer(engine, engine.show_opportunity(deal.id))
    with watched_page(browser, width, height, "") as (page, errors):
        log_in(page, url, "manager")
        page.goto(f"{url}/opportunities/{deal.id}")
        step = page.locator("#deal-error-step")
        assert step.is_visible() and GO_ON in step.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#deal-error").screenshot(path=str(shots / f"deal-error-branches-open-{width}.png"))

        engine.complete_task(task_at(deal, "Task_Review").id, actor=deal.owner, data={})
        page.goto(f"{url}/opportunities/{deal.id}")
        assert "“Send the offer” stays open" in step.inner_text() and GO_ON not in step.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#deal-error").screenshot(path=str(shots / f"deal-error-branches-done-{width}.png"))
        page.screenshot(path=str(shots / f"deal-error-branches-page-{width}.png"))
        assert errors == []


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_what_a_second_failure_displaced_shows_under_the_error(browser, tmp_path, width, height):
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    clock = FakeClock()
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock, two_failing_people(tmp_path)))
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    try:
        deal = second_failure(engine, clock)
        with watched_page(browser, width, height, "") as (page, errors):
            log_in(page, url, "manager")
            page.goto(f"{url}/opportunities/{deal.id}")
            box = page.locator("#deal-error")
            assert box.locator("p").first.inner_text().endswith(": division by zero")  # the error alone
            note = page.locator("#deal-error-note")
            assert note.is_visible() and note.inner_text() == DISPLACED
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            box.screenshot(path=str(shots / f"deal-error-note-{width}.png"))
            assert errors == []
    finally:
        stop()
        engine.close()
