"""The deal changes' waterfall in a real Chromium against the real server: the demo's
deals filed under a day a week ago, then some lost and one opened; the page draws
one waterfall per currency (SVG bars from the npm-installed Vega-Lite) whose bars
are the waterfall table's rows, with no CSP violation and no console error, at 1366
and 390 px, with screenshots; and the pipeline page as of that day."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve, watched_page
from tests.browser.test_analysis_charts_in_chromium import WATCH_VIOLATIONS
from webui.figures import figure_cell


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def a_week_of_changes(tmp_path):
    from engine.demo import seed_demo
    from engine.service import Engine
    from tests.conftest import SHIPPED, FakeClock
    from webui import create_app

    # A fixed "today" (2 November 2026): which seeded deals are due by the quarter's end,
    # and so which are lost below, depends on the day.
    engine = Engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock=FakeClock())
    seed_demo(engine, str(SHIPPED), count=12)
    week_ago = engine.now().date() - timedelta(days=7)
    engine.take_snapshots(week_ago)  # the open deals as they are, filed under a week ago
    quarter_end = engine.deal_changes(viewer="manager").period_end
    # Two deals of the start pipeline lost: on file a week ago, due by the quarter's end
    # then, open now (a deal opened since then is a new deal, not a lost one).
    open_now = {d.id for d in engine.pipeline("manager").opportunities}
    due = [d.opportunity_id for d in engine.deals_as_of(week_ago, viewer="manager").deals
           if d.expected_close_date is not None and d.expected_close_date <= quarter_end
           and d.opportunity_id in open_now]
    assert len(due) >= 2, due
    for deal_id in due[:2]:
        engine.close_as_lost(deal_id, actor="manager", reason_code="price")
    engine.create_opportunity(title="Fresh kiosk", amount="4321.00", partner="Hotel Nowy", actor="manager",
                              attributes={"channel": "retail"})
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    try:
        yield url, engine, week_ago
    finally:
        stop()
        engine.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_waterfall_renders_and_its_bars_are_the_tables_rows(tmp_path, browser, screenshots, width):
    with a_week_of_changes(tmp_path) as (url, engine, week_ago), \
            watched_page(browser, width, 900, WATCH_VIOLATIONS) as (page, errors):
        log_in(page, url, "manager")
        page.goto(f"{url}/reports/lost")
        page.click("#tab-changes")
        report = engine.deal_changes(viewer="manager")
        currencies = sorted({w.currency for w in report.waterfall})
        assert currencies, "something moved"
        for currency in currencies:
            page.wait_for_selector(f"#chart-waterfall-{currency}.chart-drawn svg")
            bars = page.locator(f"#chart-waterfall-{currency} svg path[aria-roledescription='bar']")
            rows = [w for w in report.waterfall if w.currency == currency]
            assert bars.count() == len(rows)
        table = page.locator("#table-waterfall tbody tr")
        assert table.count() == len(report.waterfall)
        shown = [[c.inner_text() for c in table.nth(i).locator("th, td").all()] for i in range(table.count())]
        # As every amount on the pages: grouped (webui.figures), 12 500.00.
        assert shown == [[w.currency, w.label, *(figure_cell(v) for v in (w.deals, w.amount, w.after))]
                         for w in report.waterfall]
        assert "Lost" in {row[1] for row in shown} and "New deals" in {row[1] for row in shown}
        page.screenshot(path=str(screenshots / f"deal-changes-{width}.png"), full_page=True)
        assert page.evaluate("window.__violations") == [] and errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.goto(f"{url}/reports/pipeline")
        page.fill("#as-of", week_ago.isoformat())
        page.click("#group-apply")
        page.wait_for_selector("#chart-as-of.chart-drawn svg")
        assert page.locator("#as-of-day").inner_text() == week_ago.isoformat()
        page.screenshot(path=str(screenshots / f"pipeline-as-of-{width}.png"), full_page=True)
        assert page.evaluate("window.__violations") == [] and errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
