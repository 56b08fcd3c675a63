"""A manager imports the shipped sample lead file in a real Chromium: uploads it, sees
the preview, changes a column's field, imports it, follows the progress bar (moved by
static/lead_import.js) to the result with its duplicates, and downloads the rejected
rows; at 1366 and 390 px. Screenshots go to $DEALFLOW_SCREENSHOTS (else the test's
tmp folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import REPO, FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app
from webui.lead_runs import runner_of

SAMPLE = REPO / "methodologies" / "samples" / "leads.csv"


@pytest.fixture
def site(tmp_path):
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock()))
    app = create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"})
    url, stop = serve(app)
    yield url, app, engine
    stop()
    runner_of(app).wait()
    engine.close()


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", [1366, 390])
def test_a_manager_imports_the_sample_file_and_downloads_its_rejects(site, browser, tmp_path, width):
    url, app, engine = site
    context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    folder = shots(tmp_path)
    log_in(page, url, "manager")
    page.click("#nav-lead-import")
    page.set_input_files("#lead-file", str(SAMPLE))
    page.click("#upload-submit")
    page.wait_for_selector("#preview-table")
    assert "Hurtownia Spożywcza Janosik" in page.locator("#preview-table").inner_text()
    assert page.locator("#col-0").input_value() == "name"
    page.screenshot(path=str(folder / f"{width}-lead-preview.png"), full_page=True)

    page.select_option("#col-12", "ignore")  # the "Uwagi" (notes) column stays out
    page.click("#check-mapping")
    page.wait_for_selector("#head-12.col-ignored")
    assert page.locator("#col-12").input_value() == "ignore"
    page.click("#start-import")
    page.wait_for_selector("#import-summary")
    assert page.locator("#import-summary").inner_text().startswith(
        "created 12, updated 0, unchanged 0, duplicates 3, rejected 5")
    assert page.locator("#count-duplicates").inner_text() == "3"
    assert "tax id: PL5261041443" in page.locator("#import-matches").inner_text()
    partner = engine.partners("admin", {"text": "Janosik"}).items[0]
    assert partner.name.startswith("Hurtownia Spożywcza Janosik")
    page.screenshot(path=str(folder / f"{width}-lead-result.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#rejects-link")
    saved = tmp_path / f"rejects-{width}.csv"
    download.value.save_as(saved)
    rejected = saved.read_text("utf-8-sig").splitlines()
    assert rejected[0].startswith("row;column;reason;Nazwa firmy") and len(rejected) >= 6
    context.close()


def test_the_progress_bar_follows_a_running_import_to_its_result(site, browser, tmp_path):
    url, app, engine = site
    import_id = engine.start_lead_import(SAMPLE, file_name="leads.csv", actor="manager", dry_run=True)
    page = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": 390, "height": 800}).new_page()
    page.set_default_timeout(15_000)
    log_in(page, url, "manager")
    page.goto(f"{url}/leads/import/{import_id}")
    page.wait_for_selector("#progress-bar")
    assert page.locator("#progress-text").inner_text() == "Reading the file…"
    page.screenshot(path=str(shots(tmp_path) / "390-lead-progress.png"), full_page=True)
    engine.run_lead_import(import_id)  # the page's script sees it finish and shows the result
    page.wait_for_selector("#import-summary")
    assert "A dry run: nothing was changed." in page.inner_text("main")
    page.context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_an_interrupted_import_is_resumed_from_its_page(tmp_path, browser, monkeypatch, width):
    """The import's worker died after two batches (SystemExit before the third); 11
    minutes later its page says where it stopped and the Resume button finishes it."""
    import shutil

    from engine.service import lead_batch, lead_import
    clock = FakeClock()
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock))
    monkeypatch.setattr(lead_import, "BATCH", 4)
    source = shutil.copy(SAMPLE, tmp_path / "leads.csv")
    import_id = engine.start_lead_import(source, file_name="leads.csv", actor="manager")
    real, calls = lead_batch.place, []

    def place(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("the worker's process ended")
        return real(*args, **kwargs)
    monkeypatch.setattr(lead_batch, "place", place)
    with pytest.raises(SystemExit):
        engine.run_lead_import(import_id)
    monkeypatch.setattr(lead_batch, "place", real)
    clock.advance(minutes=11)
    app = create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"})
    url, stop = serve(app)
    try:
        context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        folder = shots(tmp_path)
        log_in(page, url, "manager")
        page.goto(f"{url}/leads/import/{import_id}")
        notice = page.locator("#import-interrupted")
        assert "stopped at row 8 of 20" in notice.inner_text()
        assert page.locator("#revert-link").is_visible()
        page.screenshot(path=str(folder / f"{width}-lead-interrupted.png"), full_page=True)
        page.click("#resume-import")
        page.wait_for_selector("#import-summary")
        runner_of(app).wait()
        page.reload()
        assert page.locator("#import-summary").inner_text().startswith(
            "created 12, updated 0, unchanged 0, duplicates 3, rejected 5")
        page.screenshot(path=str(folder / f"{width}-lead-resumed.png"), full_page=True)
        context.close()
    finally:
        stop()
        runner_of(app).wait()
        engine.close()
