"""The analysis charts in a real Chromium against the real server: the pipeline
analysis draws its funnel, its pipeline-by-stage and its trend chart, the methodology
comparison its win rates with intervals — SVG from the npm-installed Vega-Lite,
served from this site — with no CSP violation and no console error, at 1366 and
390 px, with screenshots; and without the vendor folder the page says how to get
the charts and still shows the numbers."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve, watched_page

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def demo_deals(tmp_path, **config):
    """The real app over the demo's seeded deals (walked to won, lost and open)."""
    from engine.demo import seed_demo
    from engine.service import Engine
    from tests.conftest import SHIPPED, FakeClock
    from webui import create_app

    engine = Engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock=FakeClock())  # a fixed "today"
    seed_demo(engine, str(SHIPPED), count=12)
    engine.take_snapshots()  # today's: the trend chart has a point to draw
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests", **config}))
    try:
        yield url, engine
    finally:
        stop()
        engine.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_pipeline_and_methodology_charts_render_without_csp_violations(tmp_path, browser, shots, width):
    with demo_deals(tmp_path) as (url, engine), \
            watched_page(browser, width, 900, WATCH_VIOLATIONS) as (page, errors):
        log_in(page, url, "manager")
        page.goto(f"{url}/reports/pipeline")
        page.wait_for_selector("#chart-funnel.chart-drawn svg")
        page.wait_for_selector("#chart-by-stage.chart-drawn svg")
        page.wait_for_selector("#chart-trend.chart-drawn svg")
        assert page.locator("#charts-missing").count() == 0
        # The chart's bars are the table's numbers: as many funnel bars as stage rows drawn in it.
        funnel_rows = engine.pipeline_report(viewer="manager").stages
        drawn = [s for s in funnel_rows if s.outcome != "lost"]
        assert page.locator("#chart-funnel svg path[aria-roledescription='bar']").count() == len(drawn)
        assert page.locator("#table-groups tbody tr").count() >= 1
        page.screenshot(path=str(shots / f"pipeline-{width}.png"), full_page=True)

        page.select_option("#group-by", "rep")
        page.click("#group-apply")
        page.wait_for_selector("#chart-funnel.chart-drawn svg")
        assert page.locator("#table-groups thead th").first.text_content() == "Rep"

        page.click("#tab-methodologies")
        page.wait_for_selector("#chart-win-rates.chart-drawn svg")
        page.screenshot(path=str(shots / f"methodologies-{width}.png"), full_page=True)
        assert page.evaluate("window.__violations") == []
        assert errors == []
        # The page scrolls vertically only: nothing wider than the window.
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_without_the_vendor_folder_the_page_says_how_to_get_charts_and_shows_the_numbers(tmp_path, browser, shots):
    with demo_deals(tmp_path, VENDOR_DIR=str(tmp_path / "nothing-here")) as (url, engine), \
            watched_page(browser, 1366, 900, WATCH_VIOLATIONS) as (page, errors):
        log_in(page, url, "manager")
        page.goto(f"{url}/reports/pipeline")
        assert "npm ci" in page.locator("#charts-missing").inner_text()
        assert page.locator("#chart-funnel svg").count() == 0
        total = engine.pipeline_report(viewer="manager").total.deals
        assert page.locator("#pipeline-deals").inner_text() == str(total)
        page.screenshot(path=str(shots / "pipeline-no-vendor.png"), full_page=True)
        assert page.evaluate("window.__violations") == [] and errors == []
