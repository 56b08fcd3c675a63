"""The inbox as Camunda Tasklist users expect it, in a real Chromium at 1366 and 390 px:
search, a filter, a sort, a bulk claim and the keyboard (issue 15). Screenshots go to
$DEALFLOW_SCREENSHOTS (default: the test's tmp folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import FakeClock, make_engine, queue_methodology
from tests.webui.pages_support import open_deal, with_passwords


@pytest.fixture
def site(tmp_path):
    """The base test methodology with its manager lane in the team's queue: four deals
    (two each for rep1 and rep2), whose chase tasks wait in team sales's queue."""
    from webui import create_app

    clock = FakeClock()
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock, queue_methodology(tmp_path)))
    for title, partner in (("Cold room", "Bar Mleczny"), ("Ice machine", "Hotel Górski"),
                           ("Display fridge", "Bar Mleczny"), ("Freezer island", "Sklep Zielony")):
        open_deal(engine, title=title, partner=partner)
        clock.advance(hours=1)
    clock.advance(days=4)
    engine.fire_due_timers()
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    try:
        yield url, engine
    finally:
        stop()
        engine.close()


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#inbox-tasks tr.task td[data-label='Deal']").all_inner_texts()]


def unfold_filters(page, width: int) -> None:
    """On a phone the filters are folded under "Filters" (the search is not): open them."""
    if width < 600:
        page.click("#inbox-filter-summary")


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_a_rep_searches_filters_sorts_bulk_claims_and_uses_the_keyboard(site, browser, tmp_path, width, height):
    url, engine = site
    context = browser.new_context(viewport={"width": width, "height": height}, timezone_id="Europe/Warsaw")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, url, "rep1")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots(tmp_path) / f"inbox-rep1-{width}.png"), full_page=True)

        # "/" goes to the search field; typing there is typing (a "j" is a letter, not a move).
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "inbox-search"
        page.keyboard.type("bar mleczny j")
        assert page.input_value("#inbox-search") == "bar mleczny j"
        page.fill("#inbox-search", "bar mleczny")
        page.keyboard.press("Enter")
        page.wait_for_url("**/?q=bar+mleczny**")
        assert set(titles(page)) == {"Cold room", "Display fridge"}

        # The queue filter: the chase tasks nobody has claimed, sorted by deal, descending.
        page.fill("#inbox-search", "")
        unfold_filters(page, width)
        page.select_option("#filter-assignee", "queue")
        page.click("#inbox-filter-submit")
        page.wait_for_url("**assignee=queue**")
        assert sorted(titles(page)) == ["Cold room", "Display fridge", "Freezer island", "Ice machine"]
        if width > 600:
            page.click("#sort-deal")
            page.wait_for_url("**sort=deal**")
            page.click("#sort-deal")
            page.wait_for_url("**sort=-deal**")
        else:  # the phone's cards have no column headers: the sort menu does it
            unfold_filters(page, width)
            page.select_option("#filter-sort", "-due")
            page.click("#inbox-filter-submit")
            page.wait_for_url("**sort=-due**")
            page.goto(page.url.replace("sort=-due", "sort=-deal"))
        assert titles(page) == ["Ice machine", "Freezer island", "Display fridge", "Cold room"]
        bookmark = page.url
        page.screenshot(path=str(shots(tmp_path) / f"inbox-rep1-queue-{width}.png"), full_page=True)

        # Tick two and claim them: the summary names them; they left the queue.
        page.check("#inbox-tasks tr.task:nth-child(1) td.pick input")
        page.check("#inbox-tasks tr.task:nth-child(2) td.pick input")
        page.click("#bulk-claim")
        page.wait_for_selector(".flash-success")
        assert page.locator(".flash-success").inner_text().startswith("Claimed 2 tasks:")
        assert page.url == bookmark  # back where the rep was
        assert titles(page) == ["Display fridge", "Cold room"]

        # The keyboard: j moves to the second row, c claims it; ? shows the list.
        # The shortcuts' script is deferred: keys pressed while the page still parses are lost.
        page.wait_for_load_state("domcontentloaded")
        page.keyboard.press("j")
        page.keyboard.press("j")
        assert page.locator("#inbox-tasks tr.task.current td[data-label='Deal']").inner_text().strip() == "Cold room"
        page.keyboard.press("c")
        page.wait_for_selector(".flash-success")
        assert "You took" in page.locator(".flash-success").inner_text()
        assert titles(page) == ["Display fridge"]
        page.wait_for_load_state("domcontentloaded")
        page.keyboard.press("?")
        assert page.locator("#shortcuts").get_attribute("open") is not None
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        page.wait_for_selector("#task-name")
        assert page.locator("#deal-context").is_visible() and "Bar Mleczny" in page.inner_text("#context-partner")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots(tmp_path) / f"task-context-{width}.png"), full_page=True)

        mine = {t.opportunity_title for t in engine.inbox("rep1", {"assignee": "me"}).tasks if t.node_id == "Task_Chase"}
        assert mine == {"Ice machine", "Freezer island", "Cold room"}
        assert errors == []
    finally:
        context.close()
