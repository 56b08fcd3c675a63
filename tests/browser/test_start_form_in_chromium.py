"""A methodology with a start form (the question import-bpmn proposed on its start
event): the manager previews routing in a real Chromium, at desktop and phone widths,
is asked the start form's question, is told when it is left out, and the answer routes
the deal's process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import FakeClock, make_engine
from tests.service.test_start_form import imported
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock(), imported(tmp_path)))
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, engine
    stop()
    engine.close()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_the_new_deal_form_asks_the_start_form_and_its_answer_routes_the_process(site, browser, tmp_path, width,
                                                                                height):
    url, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height}, timezone_id="Europe/Warsaw")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, url, "manager")
        page.goto(f"{url}/deals/new")
        assert page.locator("#start-form").count() == 0  # no methodology chosen yet
        page.fill("#new-title", "Gold deal")
        page.fill("#new-partner", "ACME")
        page.fill("#new-amount", "1000")
        page.click("#new-deal-preview")
        page.wait_for_selector("#start-form")
        question = page.locator('#start-form select[name="start_form.tier"]')
        assert question.locator("option").all_inner_texts() == ["— choose —", "gold", "silver"]
        page.screenshot(path=str(shots / f"start-form-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the new-deal page scrolls sideways by {overflow}px at {width}px"
        question.evaluate("select => select.removeAttribute('required')")  # the server checks it too
        with page.expect_response(lambda r: r.request.method == "POST") as refused:
            page.click("#new-deal-open")
        assert refused.value.status == 422
        assert "this field is required" in page.locator("#start-form .field-error").inner_text()
        assert engine.list_opportunities() == []
        page.select_option('#start-form select[name="start_form.tier"]', "gold")
        with page.expect_response(lambda r: r.request.method == "POST") as opened:
            page.click("#new-deal-open")
        assert opened.value.status == 303
        page.wait_for_selector("#deal-title")
        (deal,) = engine.list_opportunities()
        assert [t.name for t in engine.list_tasks() if t.opportunity_id == deal.id] == ["Call the gold customer"]
    finally:
        context.close()
