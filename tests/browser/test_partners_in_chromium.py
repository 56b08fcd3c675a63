"""The partner pages in a real Chromium against the real server (CSRF on), at a
laptop's width (1366 px) and a phone's (390 px): a manager opens the partner list,
filters it, opens a partner, adds a contact person, and hands the partner to another
rep, confirming what moves first. No policy violation, no console error.

Screenshots land in $DEALFLOW_SCREENSHOTS when it is set (to look at them), else in
the test's temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import demo_site, log_in, watched_page
from tests.browser.test_security_headers_in_chromium import WATCH_VIOLATIONS, WIDTHS

OTHERS = [  # name, kind, city, territory, channel, industry, source, owner
    ("Hotel Górski", "customer", "Zakopane", "PL-MA", "horeca", "Hotels", "fair", "rep1"),
    ("Kawiarnie Ziarno", "prospect", "Wrocław", "PL-DS", "horeca", "Coffee shops", "web", "rep2"),
    ("Hurtownia Bałtyk", "reseller", "Gdańsk", "PL-PM", "wholesale", "Food wholesale", "cold call", "rep1"),
    ("Chłodnictwo Serwis", "supplier", "Łódź", "PL-LD", "service", "Refrigeration", "campaign", "rep2"),
    ("Market Wiślany", "prospect", "Toruń", "PL-KP", "retail_chain", "Grocery", "campaign", "rep1"),
]


@pytest.fixture
def site(tmp_path):
    with demo_site(tmp_path, title="Chłodnie dla Delikatesów", amount="48000.00", partner="Delikatesy Centrum",
                   attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1") as site:
        url, deal, engine = site
        for name, kind, city, territory, channel, industry, source, owner in OTHERS:
            engine.create_partner(actor="manager", owner=owner, name=name, kind=kind, city=city, country="PL",
                                  territory=territory, channel=channel, industry=industry, source=source)
        yield site


@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_filters_opens_a_partner_adds_a_contact_and_hands_it_over_after_confirming(site, browser, width,
                                                                                             tmp_path):
    url, deal, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    width_px, height = WIDTHS[width]
    with watched_page(browser, width_px, height, WATCH_VIOLATIONS) as (page, errors):
        walk_through(page, errors, url, deal, engine, lambda name: take_shot(page, shots / f"partners-{width}-{name}.png",
                                                                           width_px))


def take_shot(page, path: Path, width_px: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width_px, f"{path.name} scrolls sideways"
    page.screenshot(path=str(path), full_page=True)


def walk_through(page, errors, url, deal, engine, shot) -> None:
    """List, filter, open, add a contact, hand over after confirming; ``shot(name)`` at each step."""
    log_in(page, url, "manager")
    page.click("#nav-partners")
    page.wait_for_url(f"{url}/partners")
    rows = page.locator("#partner-list tbody tr")
    assert rows.count() == len(OTHERS) + 1 and page.locator("#partner-count").inner_text().startswith("6")
    shot("list")

    page.select_option("#filter-channel", "horeca")
    page.click("#filter-submit")
    page.wait_for_url("**/partners?channel=horeca")
    assert sorted(rows.all_inner_texts())[0].startswith("Hotel Górski")
    assert rows.count() == 2 and "2 partners match" in page.locator("#partner-count").inner_text()
    page.fill("#filter-q", "ziarno")
    page.click("#filter-submit")
    page.wait_for_url("**/partners?q=ziarno&channel=horeca")  # counting needs the new page, not the old one
    assert rows.count() == 1 and "Kawiarnie Ziarno" in rows.first.inner_text()
    shot("filtered")

    page.click("#filter-clear")
    page.wait_for_url(f"{url}/partners")
    page.click("text=Delikatesy Centrum")
    page.wait_for_selector("#partner-name")
    partner_url = page.url
    assert page.locator("#partner-owner").inner_text() == engine.user_view("rep1").display_name
    assert "Chłodnie dla Delikatesów" in page.locator("#open-deal-list").inner_text()

    page.click("#add-contact summary")
    page.fill("#contact-name", "Anna Nowak")
    page.fill("#contact-function", "Kierownik zakupów")
    page.fill("#contact-email", "anna.nowak@delikatesy.example")
    page.fill("#contact-phone", "+48 601 234 567")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#add-contact-submit")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")
    assert "Anna Nowak" in page.locator("#contact-list").inner_text()
    shot("partner")

    assert page.locator("#hand-over-to").input_value() == ""  # nobody chosen for the manager
    page.select_option("#hand-over-to", "rep2")
    page.click("#hand-over-review")
    page.wait_for_selector("#hand-over-confirm")
    moves = page.locator("#hand-over-moves").inner_text()
    assert "1 open deal" in moves and "Chłodnie dla Delikatesów" in moves
    assert engine.partner(deal.partner_id, viewer="admin").owner == "rep1"  # nothing moved yet
    shot("confirm")

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#hand-over-confirm-submit")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")
    assert page.url.split("#")[0] == partner_url
    assert "(rep2)" in page.locator(".flash-success").inner_text()
    assert page.locator("#partner-owner").inner_text() == engine.user_view("rep2").display_name
    assert "handed" in page.locator("#partner-history").inner_text()
    shot("handed-over")
    assert engine.show_opportunity(deal.id).owner == "rep2"

    page.click(f"#deal-{deal.id} a")
    page.wait_for_selector("#deal-partner a")
    assert page.locator("#deal-partner a").inner_text() == "Delikatesy Centrum"

    assert page.evaluate("window.__violations") == [] and errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_rep_adds_changes_and_removes_further_addresses_on_the_card(site, browser, width, tmp_path):
    url, deal, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    width_px, height = WIDTHS[width]
    with watched_page(browser, width_px, height, WATCH_VIOLATIONS) as (page, errors):
        log_in(page, url, "rep1")
        page.goto(f"{url}/partners/{deal.partner_id}")
        page.click("#edit-card summary")
        page.fill("#address-0-kind", "delivery")
        page.fill("#address-0-street", "ul. Magazynowa 7")
        page.fill("#address-0-postal_code", "02-001")
        page.fill("#address-0-city", "Warszawa")
        take_shot(page, shots / f"partner-addresses-{width}-editing.png", width_px)
        page.click("#edit-card-submit")
        page.wait_for_selector(".flash-success")
        card = page.locator("#partner-card").inner_text()
        assert "ul. Magazynowa 7, 02-001 Warszawa" in card
        assert "added delivery: ul. Magazynowa 7, 02-001, Warszawa" in page.locator("#partner-history").inner_text()
        page.click("#edit-card summary")
        assert page.locator("#address-0-street").input_value() == "ul. Magazynowa 7"
        page.fill("#address-1-kind", "invoice")
        page.fill("#address-1-city", "Kraków")
        page.check("#address-0-remove")
        take_shot(page, shots / f"partner-addresses-{width}-second.png", width_px)
        page.locator("#card-addresses").screenshot(path=str(shots / f"partner-addresses-{width}-rows.png"))
        page.click("#edit-card-submit")
        page.wait_for_selector(".flash-success")
        assert engine.partner(deal.partner_id, viewer="rep1").addresses == ({"kind": "invoice", "city": "Kraków"},)
        history = page.locator("#partner-history").inner_text()
        assert "added invoice: Kraków; removed delivery: ul. Magazynowa 7, 02-001, Warszawa" in history
        take_shot(page, shots / f"partner-addresses-{width}-saved.png", width_px)
        assert errors == []
