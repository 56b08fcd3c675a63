"""What a rep and a manager do every day, in a real Chromium against the real server."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_site, log_in


@pytest.fixture
def site(tmp_path):
    """One fresh deal for rep1: a northern wholesaler, so the seed-002 funnel (retail
    chains follow key-account)."""
    with demo_site(tmp_path, title="Chłodnie dla Delikatesów", amount="48000.00", partner="Delikatesy Centrum",
                   attributes={"channel": "wholesale", "territory": "PL-PM"}, owner="rep1") as site:
        yield site


def test_a_rep_fixes_a_form_mistake_completes_the_task_and_sees_the_deal_move(site, page):
    url, deal, _ = site
    log_in(page, url, "rep1")
    row = page.locator(f"tr#task-{deal.open_tasks[0].id}")
    assert "Chłodnie dla Delikatesów" in row.inner_text()
    row.locator("a.task-link").click()
    page.wait_for_selector("#task-form")

    # A mistake only the server catches: the browser's own checks are switched off.
    page.evaluate("document.getElementById('task-form').noValidate = true")
    page.fill("#input-estimated_amount", "-5")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click("#task-submit")
    assert answer.value.status == 422
    page.wait_for_load_state()
    assert page.locator("#error-need_summary").inner_text().strip() != ""
    assert page.locator("#error-estimated_amount").inner_text().strip() != ""
    assert page.input_value("#input-estimated_amount") == "-5"  # the input is kept

    page.fill("#input-need_summary", "Chłodnie do 12 sklepów")
    page.fill("#input-estimated_amount", "48000")
    page.click("#task-submit")
    page.wait_for_url(f"{url}/")
    assert "Firma" in page.locator(".flash-success").inner_text()

    page.goto(f"{url}/opportunities/{deal.id}")
    assert page.locator("#deal-stage").inner_text().strip().startswith("Firma")
    assert "2" in page.locator("#deal-probability").inner_text()
    current = page.locator("#deal-diagram [data-node-id='Task_FirstContact']")
    assert "current" in (current.get_attribute("class") or "")


def test_the_manager_hands_a_deal_to_rep2_who_then_sees_its_task(site, browser):
    url, deal, _ = site
    manager = browser.new_context().new_page()
    log_in(manager, url, "manager")
    manager.goto(f"{url}/opportunities/{deal.id}#reassign-deal")
    assert manager.locator("#deal-owner").inner_text().strip().startswith("Radek Rep")  # rep1, by name
    manager.select_option("#reassign-to", "rep2")
    manager.click("#reassign-submit")
    manager.wait_for_selector(".flash-success")
    assert manager.locator("#deal-owner").inner_text().strip().startswith("Renata Rep")  # rep2
    manager.context.close()

    rep2 = browser.new_context().new_page()
    log_in(rep2, url, "rep2")
    assert rep2.locator(f"tr#task-{deal.open_tasks[0].id}").count() == 1
    rep2.context.close()

    rep1 = browser.new_context().new_page()
    log_in(rep1, url, "rep1")
    assert rep1.locator(f"tr#task-{deal.open_tasks[0].id}").count() == 0
    response = rep1.goto(f"{url}/opportunities/{deal.id}")
    assert response.status == 404  # no longer rep1's deal, and nothing of it shows
    assert "Chłodnie dla Delikatesów" not in rep1.content()
    rep1.context.close()


def test_a_wrong_password_shows_one_generic_message(site, page):
    url, _, _ = site
    page.goto(f"{url}/login")
    page.fill("#username", "rep1")
    page.fill("#password", "not the password")
    with page.expect_response(lambda response: response.url.endswith("/login")
                              and response.request.method == "POST") as answer:
        page.click("#login-submit")
    assert answer.value.status == 401
    page.locator("#login-error").wait_for(state="visible")
    assert page.url.endswith("/login")


@pytest.mark.parametrize("width", [1366, 390])
def test_an_amount_field_names_the_deal_s_currency_beside_its_input(tmp_path, page, width):
    """The funnel's labels name no currency (one process serves deals in several): the
    input says the deal's, on its right, and fits a phone."""
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with demo_site(tmp_path, title="Chłodnie dla Berlina", amount="48000.00", currency="EUR", partner="Kühlhaus GmbH",
                   attributes={"channel": "wholesale", "territory": "PL-PM"}, owner="rep1") as (url, deal, _):
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, "rep1")
        page.goto(f"{url}/tasks/{deal.open_tasks[0].id}")
        amount, unit = page.locator("#input-estimated_amount"), page.locator("#unit-estimated_amount")
        assert unit.inner_text() == "EUR" and "PLN" not in page.locator("#field-estimated_amount label").inner_text()
        field, box, beside = (page.locator("#field-estimated_amount").bounding_box(), amount.bounding_box(),
                              unit.bounding_box())
        assert beside["x"] >= box["x"] + box["width"] and abs(beside["y"] - box["y"]) < box["height"]  # on its right
        assert beside["x"] + beside["width"] <= field["x"] + field["width"] + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"amount-unit-{width}.png"), full_page=True)
