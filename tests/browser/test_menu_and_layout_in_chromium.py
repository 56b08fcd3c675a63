"""The UX review's layout fixes in a real Chromium, at a laptop's and a phone's width:
the main menu marks the page's section and, on a phone, stays one sideways-scrolling
row with that section in view; a task's deal facts sit two to a row; a deal list's
close date never breaks at its hyphens."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import demo_site, log_in
from tests.conftest import FakeClock

LONG = dict(title="Chłodnie i regały dla sieci Delikatesy Centrum – etap drugi, województwo mazowieckie",
            partner="Delikatesy Centrum Spółka z ograniczoną odpowiedzialnością", amount="148000.00",
            attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1",
            expected_close_date=date(2027, 3, 15))

# How many lines the element's text takes (one client rect per line box).
LINES = "(el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # A fixed "today" (2 November 2026): the close date above stays in the future.
    with demo_site(tmp_path_factory.mktemp("layout"), clock=FakeClock(), **LONG) as running:
        yield running


def _page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 844}, timezone_id="Europe/Warsaw")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.parametrize("width", [1366, 390])
def test_the_menu_marks_the_section_and_fits_a_phone_in_one_row(site, browser, width):
    url, deal, _ = site
    context, page = _page(browser, width)
    try:
        log_in(page, url, "admin")  # the longest menu: every section
        page.goto(f"{url}/admin/users")
        current = page.locator('.top .nav [aria-current="page"]')
        assert current.count() == 1 and current.get_attribute("id") == "nav-admin"
        assert page.eval_on_selector("#nav-admin", "a => getComputedStyle(a).fontWeight") == "600"
        assert page.eval_on_selector("#nav-deals", "a => getComputedStyle(a).fontWeight") == "400"
        header = page.locator("header.top").bounding_box()
        nav = page.locator(".top .nav").bounding_box()
        if width == 390:
            # Brand and user on one row, the menu on the next: not five rows of links.
            assert header["height"] < 100, header
            assert page.eval_on_selector(".top .nav", "n => n.scrollWidth > n.clientWidth")
            # The current section, last in the menu, was scrolled into view.
            box = page.locator("#nav-admin").bounding_box()
            assert nav["x"] <= box["x"] and box["x"] + box["width"] <= nav["x"] + nav["width"] + 1, (box, nav)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        else:
            assert page.eval_on_selector(".top .nav", "n => n.scrollWidth <= n.clientWidth")

        page.goto(f"{url}/opportunities/{deal.id}")
        assert page.locator('.top .nav [aria-current="page"]').get_attribute("id") == "nav-deals"
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_tasks_deal_facts_sit_two_to_a_row_and_close_dates_stay_whole(site, browser, width):
    url, deal, engine = site
    task = next(t for t in engine.list_tasks("rep1") if t.opportunity_id == deal.id)
    context, page = _page(browser, width)
    try:
        log_in(page, url, "rep1")
        page.goto(f"{url}/tasks/{task.id}")
        partner = page.locator("#context-partner").bounding_box()
        amount = page.locator("#context-amount").bounding_box()
        assert partner["y"] == amount["y"], (partner, amount)  # side by side, also on a phone

        page.goto(f"{url}/deals")
        close = page.locator("#deal-list td[data-label=Close]").first
        assert close.inner_text().strip() == "2027-03-15"
        assert close.evaluate(LINES) == 1
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_board_card_past_its_due_date_shows_it_in_red(tmp_path, browser, width):
    clock = FakeClock()
    with demo_site(tmp_path, clock=clock, **LONG) as (url, deal, _):
        clock.now = deal.open_tasks[0].due_at + timedelta(hours=1)
        context, page = _page(browser, width)
        try:
            log_in(page, url, "rep1")
            page.goto(f"{url}/board")
            late = page.locator(f"#card-{deal.id} .card-next .overdue")
            assert late.inner_text().endswith("· overdue")
            assert late.evaluate("e => getComputedStyle(e).color") == "rgb(179, 38, 30)"  # --bad
        finally:
            context.close()
