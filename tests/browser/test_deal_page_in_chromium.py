"""The deal page of issue 15 in a real Chromium at 1366 px and 390 px, screenshots kept:
its header stays at the top while the page scrolls, the tabs switch by click and by
arrow keys (ARIA roles and states), bpmn-js draws the deployed process with the open
step marked and zooms, nothing is wider than the screen, and the console is clean."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import demo_site, log_in, watched_page

DEAL = dict(title="Regały chłodnicze dla sieci Delikatesy Centrum, etap drugi", amount="148000.00",
            partner="Delikatesy Centrum", attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1")
SCALE = "() => document.querySelector('#bpmn-canvas .viewport').transform.baseVal.consolidate().matrix.a"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("deal-page"), **DEAL) as running:
        yield running


@pytest.mark.parametrize("width", [1366, 390])
def test_a_rep_switches_tabs_and_zooms_the_process_with_the_open_step_marked(site, browser, width, tmp_path):
    url, deal, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with watched_page(browser, width, 844, "") as (page, errors):
        log_in(page, url, "rep1")
        page.goto(f"{url}/opportunities/{deal.id}")

        # The tabs: ARIA roles, the overview first, the other panels hidden.
        assert page.locator("#deal-tabs [role=tablist] [role=tab]").count() == 5
        assert page.get_attribute("#tab-overview", "aria-selected") == "true"
        assert page.locator("#panel-overview").is_visible() and not page.locator("#panel-history").is_visible()

        # The diagram: bpmn-js's SVG, the open task marked, the server's drawing put away.
        page.wait_for_selector("#bpmn-viewer[data-ready='true']")
        open_nodes = {t.node_id for t in engine.opportunity_for(deal.id, viewer="rep1").open_tasks}
        marked = page.locator("#bpmn-canvas svg .djs-element.df-current")
        assert marked.count() >= 1 and marked.first.get_attribute("data-element-id") in open_nodes
        assert not page.locator("#diagram-fallback").is_visible()
        page.locator("#deal-diagram").scroll_into_view_if_needed()
        page.locator("#deal-diagram").screenshot(path=str(shots / f"deal-diagram-{width}.png"))
        before = page.evaluate(SCALE)
        page.click("#bpmn-zoom-in")
        assert page.evaluate(SCALE) == pytest.approx(before * 1.25, rel=0.02)
        page.click("#bpmn-zoom-out")
        page.click("#bpmn-zoom-out")
        assert page.evaluate(SCALE) < before

        # The header stays at the top of the screen while the page scrolls.
        page.mouse.wheel(0, 1500)
        page.wait_for_function("() => window.scrollY > 500")
        assert abs(page.locator("#deal-header").bounding_box()["y"]) < 1
        assert page.locator("#deal-stage").is_visible() and page.locator("#deal-amount").is_visible()
        page.screenshot(path=str(shots / f"deal-scrolled-{width}.png"))

        # Tabs by click and by the arrow keys (wrapping round).
        page.click("#tab-history")
        assert page.locator("#history-log").is_visible() and not page.locator("#panel-overview").is_visible()
        assert "Opened the deal" in page.locator("#history-log").inner_text()
        page.keyboard.press("ArrowRight")
        assert page.get_attribute("#tab-overview", "aria-selected") == "true"
        assert page.evaluate("document.activeElement.id") == "tab-overview"
        page.keyboard.press("ArrowLeft")
        assert page.get_attribute("#tab-history", "aria-selected") == "true"
        page.click("#tab-tasks")
        assert page.locator("#open-tasks").is_visible() and not page.locator("#history-log").is_visible()
        page.screenshot(path=str(shots / f"deal-tasks-{width}.png"), full_page=True)

        # A link to a form inside a panel opens that panel: the buying center's anchor.
        # The same page with another #anchor: no new load, the panel opens on the
        # hashchange event, a task after the navigation — polled, not read at once.
        page.goto(f"{url}/opportunities/{deal.id}#buying-center")
        expect(page.locator("#tab-buying")).to_have_attribute("aria-selected", "true")
        assert page.locator("#buying-center").is_visible()

        for tab in ("overview", "tasks", "buying", "questionnaires", "history"):  # each tab fits the screen
            page.click(f"#tab-{tab}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, tab
        assert errors == []
