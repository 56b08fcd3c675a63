"""Issue 14 in a real Chromium at 1366 px and 390 px (CSRF on), screenshots kept: on
"Prepare offer" the rep sees "Complete" first and, below it, a secondary button per
boundary event; raising "Discount above my limit" waits for the ticked box (the
browser's own required-check, no script) and leaves the task open without its button
(raised once); "Customer withdrew" then ends it and the deal is lost."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, serve
from tests.browser.test_confirmations_in_chromium import new_page, shots_folder, value_missing
from tests.conftest import FakeClock, make_engine
from tests.service.test_task_events import FAILING, OFFERS, offers_with_script, open_offer
from tests.webui.pages_support import with_passwords
from webui import create_app


def served_offer(tmp_path, methodology):
    """The app over ``methodology`` with one offer open for rep1; yields (url, deal, task, engine)."""
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock(), methodology))
    deal, task = open_offer(engine, "Hotel Pod Lipami")
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, deal, task, engine
    stop()
    engine.close()


@pytest.fixture
def site(tmp_path):
    yield from served_offer(tmp_path, OFFERS)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_rep_escalates_then_ends_the_offer_as_withdrawn(site, browser, width, tmp_path):
    url, deal, task, engine = site
    shots = shots_folder(tmp_path)
    rep = new_page(browser, width)
    log_in(rep, url, "rep1")
    rep.goto(f"{url}/tasks/{task.id}")
    complete = rep.locator("#task-submit").bounding_box()
    withdrew = rep.locator("#task-event-open-Boundary_Withdrew")
    assert withdrew.inner_text() == "Customer withdrew…"
    assert withdrew.bounding_box()["y"] > complete["y"]  # below Complete, and not styled like it
    colours = rep.evaluate("""() => [getComputedStyle(document.querySelector('#task-submit')).backgroundColor,
        getComputedStyle(document.querySelector('#task-event-open-Boundary_Withdrew')).backgroundColor]""")
    assert colours[0] != colours[1], colours
    assert rep.evaluate("() => document.documentElement.scrollWidth") <= width
    rep.screenshot(path=str(shots / f"task-events-{width}.png"), full_page=True)

    rep.click("#task-event-open-Boundary_Discount")
    raise_button = rep.locator("#task-event-submit-Boundary_Discount")
    assert raise_button.is_visible() and raise_button.inner_text() == "Raise: Discount above my limit"
    raise_button.click()  # not ticked: the browser refuses to send it
    assert value_missing(rep, "#task-event-confirm-Boundary_Discount")
    assert rep.evaluate("() => document.documentElement.scrollWidth") <= width
    rep.locator("#task-event-Boundary_Discount").screenshot(path=str(shots / f"task-event-confirm-{width}.png"))
    rep.check("#task-event-confirm-Boundary_Discount")
    with rep.expect_response(lambda r: r.request.method == "POST") as answer:
        raise_button.click()
    assert answer.value.status == 303
    rep.wait_for_selector(".flash-success")
    assert "stays open with you" in rep.locator(".flash-success").inner_text()
    assert rep.locator("#task-event-open-Boundary_Discount").count() == 0  # raised once: no button left
    assert rep.locator("#task-event-open-Boundary_Withdrew").is_visible()
    assert rep.evaluate("() => document.documentElement.scrollWidth") <= width
    rep.screenshot(path=str(shots / f"task-events-raised-{width}.png"), full_page=True)
    assert sorted(t.name for t in engine.show_opportunity(deal.id).open_tasks) == ["Approve the discount",
                                                                                    "Prepare offer"]

    rep.click("#task-event-open-Boundary_Withdrew")
    rep.fill("#task-event-message-Boundary_Withdrew", "Budget frozen until spring")
    rep.check("#task-event-confirm-Boundary_Withdrew")
    rep.screenshot(path=str(shots / f"task-event-withdrew-{width}.png"), full_page=True)
    with rep.expect_response(lambda r: r.request.method == "POST") as answer:
        rep.click("#task-event-submit-Boundary_Withdrew")
    assert answer.value.status == 303
    rep.wait_for_selector(".flash-success")
    assert "“Prepare offer” ended as “Customer withdrew”" in rep.locator(".flash-success").inner_text()
    assert engine.show_opportunity(deal.id).status == "lost"
    rep.context.close()


@pytest.fixture
def failing_site(tmp_path):
    yield from served_offer(tmp_path, offers_with_script(tmp_path, "failing", "2.0", FAILING))


@pytest.mark.parametrize("width", [1366, 390])
def test_a_report_whose_next_step_fails_says_why_and_keeps_the_task(failing_site, browser, width, tmp_path):
    url, deal, task, engine = failing_site
    shots = shots_folder(tmp_path)
    rep = new_page(browser, width)
    log_in(rep, url, "rep1")
    rep.goto(f"{url}/tasks/{task.id}")
    rep.click("#task-event-open-Boundary_Withdrew")
    rep.check("#task-event-confirm-Boundary_Withdrew")
    with rep.expect_response(lambda r: r.request.method == "POST") as answer:
        rep.click("#task-event-submit-Boundary_Withdrew")
    assert answer.value.status == 303
    rep.wait_for_selector(".flash-error")
    said = rep.locator(".flash-error").inner_text()
    assert said.startswith("“Customer withdrew” was not taken: the step after it failed (division by zero).")
    assert rep.url == f"{url}/tasks/{task.id}" and rep.locator("#task-submit").is_visible()
    assert rep.locator("#task-event-open-Boundary_Withdrew").is_visible()  # it may be reported again
    assert rep.evaluate("() => document.documentElement.scrollWidth") <= width
    rep.screenshot(path=str(shots / f"task-event-failed-{width}.png"), full_page=True)
    assert engine.show_opportunity(deal.id).error_message == "division by zero"
    rep.context.close()
