"""Issue 14: a Camunda 8 file from the shared corpus (Z24, saved by Camunda Modeler 5.31
with its Camunda Form ``test-basic-form.form``) goes through `dealflow import-bpmn`;
the designer settles the probabilities; then a sales rep completes the form in the
inbox of a real Chromium, at desktop and phone widths, and the deal is won with what
they typed."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conformance.corpus import decide_end_events, process_file
from tests.conftest import FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app

def import_z24(run_cli, target: Path) -> Path:
    methodologies = target / "methodologies"
    imported = run_cli("import-bpmn", str(process_file("Z24")), "--methodology", "onboarding",
                       "--into", str(methodologies))
    assert "bpmn/test-basic-form.form" in imported.output  # the Camunda Form comes along
    # The designer's decisions: its one end event wins the deal, and a probability per open stage.
    assert decide_end_events(methodologies)
    stages = methodologies / "stages" / "onboarding.yaml"
    stages.write_text(re.sub(r"probability: 0  # TODO[^\n]*", "probability: 20", stages.read_text("utf-8")),
                      "utf-8")
    validated = run_cli("validate", str(methodologies))
    assert validated.exit_code == 0, validated.output
    return methodologies


@pytest.fixture
def site(tmp_path, run_cli):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock(),
                                        import_z24(run_cli, tmp_path)))
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, engine
    stop()
    engine.close()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_a_camunda_form_from_the_corpus_is_completed_in_the_inbox(site, browser, tmp_path, width, height):
    url, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    deal = engine.create_opportunity(title="Onboarding Hotel Lipa", amount="5000.00", partner="Hotel Lipa",
                                     actor="manager")
    (task,) = deal.open_tasks
    assert [f.id for f in task.form] == ["firstName", "lastName", "phoneNumber"]

    page = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": height}).new_page()
    log_in(page, url, task.assignee or "manager")
    page.goto(f"{url}/tasks/{task.id}")
    labels = page.locator("#task-form label").all_inner_texts()
    assert labels == ["First name", "Last name", "Phone number"]  # the form's labels, no text or button component
    page.fill("#input-firstName", "Anna")
    page.fill("#input-lastName", "Nowak")
    page.fill("#input-phoneNumber", "+48 600 100 200")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"camunda-form-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the task page scrolls sideways by {overflow}px at {width}px"
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#task-submit")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")

    won = engine.show_opportunity(deal.id)
    assert won.status == "won"
    (completed,) = [e for e in won.events if e.kind == "task_completed"]
    assert "Anna" in repr(completed.data) and "+48 600 100 200" in repr(completed.data)
