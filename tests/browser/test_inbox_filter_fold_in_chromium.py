"""The inbox's filters on a phone fold under one line, "Filters (n active)", so the
first task is on the first screen; on a desktop they show as a bar, as before. No
filter is lost: opened, the fold has every one, and they filter."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_site, log_in, watched_page

FILTERS = ("#filter-due", "#filter-follow-up", "#filter-assignee", "#filter-stage", "#filter-methodology",
           "#filter-sort")


@pytest.fixture
def site(tmp_path):
    with demo_site(tmp_path, title="Chłodnie dla Delikatesów", amount="48000.00", partner="Delikatesy Centrum",
                   attributes={"channel": "wholesale", "territory": "PL-PM"}, owner="rep1") as site:
        yield site


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_the_first_task_is_on_the_first_screen_and_every_filter_is_a_tap_away(site, browser, shots, width, height):
    url, deal, _ = site
    methodology = deal.methodology_id
    with watched_page(browser, width, height, "") as (page, errors):
        log_in(page, url, "rep1")
        page.goto(f"{url}/?assignee=me&methodology={methodology}")  # two filters on, the task still shown
        first = page.locator(f"tr#task-{deal.open_tasks[0].id}")
        assert first.count() == 1
        page.screenshot(path=str(shots / f"inbox-filters-{width}.png"))
        fold = page.locator("#inbox-filter-fold")
        summary = page.locator("#inbox-filter-summary")
        box = first.bounding_box()
        assert box["y"] + min(box["height"], 120) <= height  # the task's first lines without scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width < 600:
            assert fold.get_attribute("open") is None and summary.is_visible()
            assert " ".join(summary.inner_text().split()) == "Filters 2 active"
            assert page.locator("#filter-due").is_hidden()
            summary.click()
            page.screenshot(path=str(shots / f"inbox-filters-{width}-open.png"))
        else:
            assert fold.get_attribute("open") is not None and summary.is_hidden()
            search, due = (page.locator(f"#{i}").bounding_box() for i in ("inbox-search", "filter-due"))
            assert abs(search["y"] - due["y"]) < 10  # one bar, as before: the filters flow beside the search
        for select in FILTERS:
            assert page.locator(select).is_visible(), select
        assert page.locator("#filter-methodology option:checked").inner_text() != methodology  # its name
        page.select_option("#filter-due", "none")
        page.click("#inbox-filter-submit")
        page.wait_for_url("**due=none**")
        assert "methodology=" in page.url and "assignee=me" in page.url  # the folded filters were sent too
    assert errors == []
