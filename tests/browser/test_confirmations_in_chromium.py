"""Issue 15 in a real Chromium at 1366 px and 390 px (CSRF on), screenshots kept:
removing a person and reversing a swap do nothing until the box is ticked (the
browser's own required-check, no script), then do it; the hand-over list starts at
"choose…" and the browser will not send it blank."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import REPO, FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock()))
    engine.deploy(str(REPO / "tests" / "methodology" / "swap_target"), actor="admin")
    deal = engine.create_opportunity(title="Hotel Pod Lipami", amount="30000.00", partner="Hotel Pod Lipami",
                                     attributes={"channel": "horeca", "territory": "PL-N"}, actor="manager")
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna Nowak", influence=5, attitude="supporter")
    bob = engine.add_contact(deal.id, actor="rep1", name="Bob Lis", influence=2, attitude="neutral")
    engine.add_relationship(deal.id, actor="rep1", from_contact=bob.id, to_contact=anna.id, kind="reports_to")
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, deal, engine, anna
    stop()
    engine.close()


def shots_folder(tmp_path) -> Path:
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_page(browser, width):
    context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def value_missing(page, selector) -> bool:
    return page.locator(selector).evaluate("e => e.validity.valueMissing")


@pytest.mark.parametrize("width", [1366, 390])
def test_destructive_actions_wait_for_the_ticked_box_and_the_hand_over_for_a_choice(site, browser, width, tmp_path):
    url, deal, engine, anna = site
    shots = shots_folder(tmp_path)
    rep = new_page(browser, width)
    log_in(rep, url, "rep1")
    rep.goto(f"{url}/opportunities/{deal.id}#buying-center")
    before = rep.evaluate("() => document.documentElement.scrollWidth")
    rep.click(f"#remove-contact-step-{anna.id} summary")
    button = rep.locator(f"#remove-contact-{anna.id}-submit")
    assert button.is_visible() and "danger" in button.get_attribute("class")
    rep.screenshot(path=str(shots / f"remove-person-page-{width}.png"), full_page=True)
    assert rep.evaluate("() => document.documentElement.scrollWidth") <= max(width, before), before  # no wider
    button.click()  # not ticked: the browser refuses to send it
    assert value_missing(rep, f"#remove-contact-{anna.id}-confirm")
    rep.locator(f"#remove-contact-step-{anna.id}").screenshot(path=str(shots / f"remove-person-{width}.png"))
    assert len(engine.buying_center(deal.id, viewer="rep1").contacts) == 2
    rep.check(f"#remove-contact-{anna.id}-confirm")
    with rep.expect_response(lambda r: r.request.method == "POST") as answer:
        button.click()
    assert answer.value.status == 303
    rep.wait_for_selector(".flash-success")
    assert "Anna Nowak is no longer in the buying center" in rep.locator(".flash-success").inner_text()
    left = engine.buying_center(deal.id, viewer="rep1")
    assert [c.name for c in left.contacts] == ["Bob Lis"] and left.relationships == ()
    rep.context.close()

    manager = new_page(browser, width)
    log_in(manager, url, "manager")
    manager.goto(f"{url}/opportunities/{deal.id}#reassign-deal")
    assert manager.locator("#reassign-to").input_value() == ""
    manager.click("#reassign-submit")
    assert value_missing(manager, "#reassign-to")
    manager.locator("#reassign-deal").screenshot(path=str(shots / f"hand-over-blank-{width}.png"))
    assert engine.show_opportunity(deal.id).owner == "rep1"

    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    manager.goto(f"{url}/segments")
    manager.click(f"#reverse-step-{swap.swap_id} summary")
    reverse = manager.locator(f"#reverse-{swap.swap_id}")
    assert reverse.is_visible() and "danger" in reverse.get_attribute("class")
    reverse.click()
    assert value_missing(manager, f"#reverse-{swap.swap_id}-confirm")
    manager.locator(f"#reverse-step-{swap.swap_id}").screenshot(path=str(shots / f"reverse-swap-{width}.png"))
    assert engine.show_opportunity(deal.id).methodology_id == "quick-deal"
    manager.check(f"#reverse-{swap.swap_id}-confirm")
    reverse.click()
    manager.wait_for_selector(".flash-success")
    assert f"Swap #{swap.swap_id} reversed" in manager.locator(".flash-success").inner_text()
    assert engine.show_opportunity(deal.id).methodology_id == "small-deal"
    manager.context.close()
