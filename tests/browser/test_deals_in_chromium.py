"""The deals pages in a real Chromium against the real server (CSRF on), at a desktop
and a phone width (issue 15): a rep finds a deal by its partner's name, edits its
amount (typed with a decimal comma and another currency), and the totals — the
rep's list and the manager's pipeline — change in that currency; a manager previews
a new deal's routing. Every page fits the screen."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest

from tests.browser.conftest import demo_site, log_in

SHOTS = os.environ.get("DEALFLOW_SCREENSHOTS")  # a folder to keep screenshots in, for a person to look at


def fits(page, width: int) -> None:
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide} px wide"


def shot(page, name: str, width: int) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)


def search_deals(page, words: str) -> None:
    """The Deals page from the menu, searched for ``words``."""
    page.click("#nav-deals")
    page.fill("#filter-q", words)
    page.click("#filter-submit")
    page.wait_for_url(lambda address: "q=" in address)  # the searched list, loaded; not the one before it


def open_the_edit_form(page) -> None:
    """From the deal page, its "Edit deal" action, as a person finds it at any width."""
    page.wait_for_selector(".tabs-ready")  # deal_page.js has run: on a phone the actions are folded now
    if not page.locator("#edit-deal").is_visible():  # a phone folds the deal's actions into a menu
        page.click("#deal-actions summary")
    page.click("#edit-deal")
    # A click returns once it is dispatched, not when the form's page has loaded: read
    # nothing before it has (the old page is gone, the new one may have no element yet).
    page.wait_for_url("**/deals/*/edit")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_rep_finds_a_deal_by_partner_edits_its_amount_and_the_totals_follow(tmp_path, browser, width):
    with demo_site(tmp_path, title="Hurtownia Mazowsze", amount="250000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1") as (url, deal, engine):
        context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id="Europe/Warsaw")
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            log_in(page, url, "rep1")
            search_deals(page, "hurt-pol")
            page.wait_for_selector(f"#deal-{deal.id}")
            assert page.locator(".deal-row").count() == 1
            methodologies = page.locator("#filter-methodology option").all_text_contents()  # folded on a phone
            assert methodologies[1:] == [deal.methodology_name]  # by name; the value stays the id
            assert page.locator("#filter-methodology option").nth(1).get_attribute("value") == deal.methodology_id
            fits(page, width)
            shot(page, "deals-list", width)
            page.click(f"#deal-{deal.id} a")
            open_the_edit_form(page)
            fits(page, width)
            page.fill("#edit-amount", "12 500,50")
            page.fill("#edit-currency", "EUR")
            shot(page, "deal-edit", width)
            post_and_land(page, "#deal-edit-save", ".flash-success")
            assert page.locator("#deal-amount").inner_text() == "12\u202f500.50 EUR"
            page.goto(f"{url}/deals")
            assert "12\u202f500.50 EUR" in page.locator("#deal-totals").inner_text()

            page.click("#logout")
            log_in(page, url, "manager")
            page.goto(f"{url}/pipeline")
            assert page.locator("#pipeline-totals .total-EUR").inner_text() == "12\u202f500.50 EUR"
            assert page.locator("#pipeline-totals .total-PLN").count() == 0
            fits(page, width)
            shot(page, "pipeline", width)
        finally:
            context.close()


def post_and_land(page, button: str, landing: str) -> None:
    """Click ``button``, whose form posts: answered Post/Redirect/Get (a 303), then the
    page it leads to shows ``landing``."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(button)
    assert answer.value.status == 303
    page.wait_for_selector(landing)


@contextmanager
def manager_on_deals(tmp_path, browser, width: int, title: str, amount: str, address: str = "/deals"):
    """The demo with one wholesale deal of rep1's (``title``, ``amount``), the manager
    logged in at ``address``; yields (page, deal, engine)."""
    with demo_site(tmp_path, title=title, amount=amount, partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1") as (url, deal, engine):
        context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id="Europe/Warsaw")
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            log_in(page, url, "manager")
            page.goto(url + address)
            yield page, deal, engine
        finally:
            context.close()


@contextmanager
def new_deal_preview(tmp_path, browser, width: int, **values):
    """The manager's new-deal form filled with ``values`` (field -> text) and previewed."""
    with manager_on_deals(tmp_path, browser, width, "Kiosk", "1000.00") as (page, _, _):
        page.click("#new-deal")
        for name, value in values.items():
            page.fill(f"#new-{name}", value)
        page.click("#new-deal-preview")
        page.wait_for_selector("#routing-preview")
        yield page


@pytest.mark.parametrize("width", [1366, 390])
def test_a_manager_previews_routing_before_opening_a_deal(tmp_path, browser, width):
    with new_deal_preview(tmp_path, browser, width, title="Chłodnia", partner="Hurt-Pol", amount="80 000,00",
                          channel="wholesale", territory="PL-MZ") as page:
        assert page.locator("#preview-owner").inner_text().strip()
        fits(page, width)
        shot(page, "deal-new-preview", width)
        post_and_land(page, "#new-deal-open", "#deal-title")
        assert page.locator("#deal-title").inner_text() == "Chłodnia"
        assert page.locator("#deal-amount").inner_text() == "80\u202f000.00 PLN"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_preview_says_a_zloty_threshold_passed_a_euro_deal_over(tmp_path, browser, width):
    with new_deal_preview(tmp_path, browser, width, title="Hotel chain", partner="Hotel Sp. z o.o.",
                          amount="80 000,00", currency="EUR", channel="horeca", territory="PL-MZ") as page:
        assert page.locator("#preview-segment").inner_text() == "HORECA"
        note = page.locator(".routing-note")
        assert note.inner_text() == (
            "Segment 'HORECA - hotel groups and large accounts' takes deals of at least 50000 PLN; this deal "
            "is in EUR, and Dealflow converts no currencies, so it did not match.")
        assert note.is_visible()
        fits(page, width)
        shot(page, "deal-new-preview-currency", width)


def beside(page, label: str, field: str) -> bool:
    """The label is on its field's row, just before it (not left at the end of the row above)."""
    a, b = page.locator(label).bounding_box(), page.locator(field).bounding_box()
    same_row = a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]
    return same_row and a["x"] + a["width"] <= b["x"] + 1


@pytest.mark.parametrize("width", [1366, 390])
def test_the_deals_list_names_the_segment_and_keeps_each_filter_label_with_its_field(tmp_path, browser, width):
    with manager_on_deals(tmp_path, browser, width, "Hurtownia Mazowsze", "250000.00",
                          "/deals?scope=team") as (page, deal, engine):
        segment = next(s for s in engine.list_segments(viewer="admin") if s.id == deal.segment_id)
        sub = page.locator(f"#deal-{deal.id} .sub").inner_text()
        assert sub == f"{deal.methodology_name} · {segment.name}" and segment.id not in sub
        fold = page.locator("#deal-filter-fold")
        if width < 600:  # a phone: the filters are folded under one line until asked for
            assert fold.get_attribute("open") is None and not page.locator("#filter-close-from").is_visible()
            page.click("#deal-filter-summary")
        assert page.locator("#filter-close-from").is_visible()
        for label, field in (("Close from", "#filter-close-from"), ("to", "#filter-close-to"),
                             ("Amount from", "#filter-amount-min"), ("to", "#filter-amount-max")):
            assert beside(page, f"label[for='{field[1:]}']", field), f"{label} is not beside {field}"
        fits(page, width)
        page.screenshot(path=os.path.join(SHOTS or str(tmp_path), f"deals-filters-{width}.png"))
        page.fill("#filter-amount-min", "100000")
        page.click("#filter-submit")
        page.wait_for_url(lambda address: "amount_min=100000" in address)
        assert page.locator(f"#deal-{deal.id}").count() == 1
        if width < 600:
            assert "1 active" in page.locator("#deal-filter-summary").inner_text()
