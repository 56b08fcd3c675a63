"""Issue 6's 'done when', as a designer and a sales team would do it: a file as
Camunda Modeler writes it — ${approved} conditions, an unquoted PT5M timer,
candidate groups instead of lanes — goes through `dealflow import-bpmn`; the designer
fills in what the command says is still to decide; then a rep and the manager drive
an opportunity through it in a real Chromium against the real server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app

MODELER_FILE = Path(__file__).parents[1] / "methodology" / "real_world" / "modeler" / "quote-approval.bpmn"


def designer_imports_and_decides(run_cli, target: Path) -> Path:
    methodologies = target / "methodologies"
    imported = run_cli("import-bpmn", str(MODELER_FILE), "--methodology", "quote", "--into", str(methodologies))
    assert imported.exit_code == 0, imported.output
    assert "still to decide:" in imported.output and imported.output.endswith("OK\n")
    stages = methodologies / "stages" / "quote.yaml"
    text = stages.read_text("utf-8")
    # The designer's decisions: a probability for each open stage the command marked TODO...
    for probability in (5, 30, 70):
        text = re.sub(r"probability: 0  # TODO[^\n]*", f"probability: {probability}", text, count=1)
    assert "TODO" not in text
    stages.write_text(text, "utf-8")
    # ...and who the candidate groups are: 'sales' is the team's queue, 'management' the deal's manager.
    routing = methodologies / "routing" / "quote.yaml"
    routing.write_text(re.sub(r"  # TODO[^\n]*", "", routing.read_text("utf-8")), "utf-8")
    validated = run_cli("validate", str(methodologies))
    assert validated.exit_code == 0, validated.output
    return methodologies


@pytest.fixture
def site(tmp_path, run_cli):
    clock = FakeClock()
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock,
                                        designer_imports_and_decides(run_cli, tmp_path)))
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, engine, clock
    stop()
    engine.close()


def complete(page, url, task_id: str, **fields: str) -> None:
    page.goto(f"{url}/tasks/{task_id}")
    page.wait_for_selector("#task-form")
    for name, value in fields.items():
        page.select_option(f"#input-{name}", value)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#task-submit")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")


def test_an_imported_modeler_file_is_driven_to_won_in_the_inbox(site, browser):
    url, engine, clock = site
    deal = engine.create_opportunity(title="Quote for Hotel Lipa", amount="12000.00", partner="Hotel Lipa",
                                     actor="manager")
    assert (deal.methodology_id, deal.stage_name) == ("quote", "Review the request")
    (review,) = deal.open_tasks
    assert (review.assignee, review.candidate_team) == (None, "sales")  # candidateGroups="sales": the queue

    rep = browser.new_context(timezone_id="Europe/Warsaw").new_page()
    log_in(rep, url, "rep2")
    assert "Review the request" in rep.locator(f"tr#task-{review.id}").inner_text()  # in rep2's team queue
    complete(rep, url, review.id, approved="true")
    waiting = engine.show_opportunity(deal.id)
    assert waiting.open_tasks == () and waiting.next_timer_at is not None  # the unquoted PT5M timer waits

    clock.advance(minutes=5, seconds=1)
    assert engine.fire_due_timers() == 1
    (confirm,) = engine.show_opportunity(deal.id).open_tasks
    assert confirm.assignee == "manager"  # candidateGroups="management": the deal's manager

    manager = browser.new_context(timezone_id="Europe/Warsaw").new_page()
    log_in(manager, url, "manager")
    complete(manager, url, confirm.id, confirmed="true")
    won = engine.show_opportunity(deal.id)
    assert (won.status, won.stage_name, won.probability) == ("won", "Won", 100)
    assert [c.to_stage_name for c in won.stage_history] == [
        "Quote requested", "Review the request", "Confirm the quote", "Won"]
