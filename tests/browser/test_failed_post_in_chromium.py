"""Issue 15 in a real Chromium at 1366 px and 390 px (CSRF on), screenshots kept: a
post the server refuses brings the page back with the error summary at the top,
focused and in view; the address bar shows the deal's page again, so a reload shows
the page instead of sending the form once more; the favicon is served."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock()))
    deal = engine.create_opportunity(title="Chłodnia", amount="1000.00", partner="Delikatesy", actor="manager",
                                     attributes={"channel": "retail"})
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, deal, engine
    stop()
    engine.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_refused_post_shows_its_errors_first_and_a_reload_does_not_send_it_again(site, browser, width, tmp_path):
    url, deal, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    log_in(page, url, "rep1")
    page.goto(f"{url}/opportunities/{deal.id}#buying-center")
    page.locator("#bc-add-name").evaluate("e => e.removeAttribute('required')")  # what the server must refuse
    page.fill("#bc-add-name", "   ")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#add-contact-submit")
    assert answer.value.status == 422
    page.wait_for_selector("#error-summary")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    box = page.locator("#error-summary").bounding_box()
    assert box["y"] < 800 and box["y"] + box["height"] > 0  # in view, not far below the fold
    assert page.url == f"{url}/opportunities/{deal.id}"  # the page's own address, not the form's
    page.screenshot(path=str(shots / f"failed-post-{width}.png"))
    assert "name:" in page.locator("#error-summary").inner_text()
    sent = len(posts)
    page.reload()
    assert len(posts) == sent  # the reload did not send the form again
    assert page.locator("#error-summary").count() == 0 and page.locator("#deal-title").is_visible()
    icon = page.request.get(f"{url}/static/favicon.svg")
    assert icon.status == 200 and "svg" in icon.headers["content-type"]
    assert engine.buying_center(deal.id, viewer="rep1").contacts == ()
    context.close()
