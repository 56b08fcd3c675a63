"""Revising a completed task's answers in a real Chromium at 1366 and 390 px (issue 15):
rep1 opens the deal's tasks tab, follows "Revise answers" to the prefilled form,
corrects the amount and lands back on the deal (Post/Redirect/Get) with the amount
changed and the revision in its history; the page fits the phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import FakeClock
from tests.service.revision_fixtures import revision_engine
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    """The real app, CSRF on; a deal whose first step rep1 completed with 5000."""
    engine = with_passwords(revision_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock(), tmp_path))
    deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     attributes={"channel": "retail"})
    (task,) = [t.id for t in deal.open_tasks if t.kind == "workflow"]
    engine.complete_task(task, actor="rep1", data={"amount": "5000", "need": "ovens"})
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, deal, task, engine
    stop()
    engine.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_rep_revises_an_answer_from_the_deal_page_and_comes_back_to_it(site, browser, width, tmp_path):
    url, deal, task, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    rep = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900}).new_page()
    rep.set_default_timeout(10_000)
    log_in(rep, url, "rep1")
    rep.goto(f"{url}/opportunities/{deal.id}")
    rep.wait_for_selector("#tab-tasks[role=tab]")  # deal_page.js made the tabs
    rep.click("#tab-tasks")
    rep.click(f"#revise-{task}")
    rep.wait_for_selector("#revise-form")
    assert rep.url == f"{url}/tasks/{task}/revise"
    assert rep.locator("#input-amount").input_value() == "5000"
    assert rep.locator("#input-need").input_value() == "ovens"
    assert rep.evaluate("document.documentElement.scrollWidth") <= width
    rep.screenshot(path=str(shots / f"revise-form-{width}.png"), full_page=True)

    rep.fill("#input-amount", "7000")
    rep.fill("#input-need", "two ovens")
    rep.click("#revise-submit")
    rep.wait_for_url(f"{url}/opportunities/{deal.id}")
    assert "Revised the answers of “Qualify the lead”" in rep.locator(".flash-success").inner_text()
    assert rep.locator("#deal-amount").inner_text().replace("\u202f", " ").startswith("7 000.00")
    assert rep.evaluate("document.documentElement.scrollWidth") <= width
    rep.screenshot(path=str(shots / f"revise-saved-{width}.png"), full_page=False)
    rep.click("#tab-history")
    revised = rep.locator("#history-log li.event-task_revised")
    assert "ovens → two ovens" in revised.inner_text() and "5000 → 7000" in revised.inner_text()
    rep.reload()  # the deal's address: nothing is posted again
    assert engine.show_opportunity(deal.id).events[-1].kind == "task_revised"
    assert [e.kind for e in engine.show_opportunity(deal.id).events].count("task_revised") == 1
    rep.context.close()
