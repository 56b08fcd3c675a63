"""The Lists page in a real Chromium at 1366 and 390 px: a manager saves a mailing list,
downloads it, previews the archival of inactive prospects, confirms it and undoes it.
Screenshots go to $DEALFLOW_SCREENSHOTS (else the test's tmp folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import FakeClock, make_engine
from tests.service.partner_seeds import seed_partner
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    clock = FakeClock()
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock))
    clock.advance(days=-430)
    seed_partner(engine, "Hurtownia Północna Sp. z o.o.", territory="north", email="biuro@polnocna.pl",
                 contacts=(("Anna Nowak", "anna@polnocna.pl", "+48 600 100 200"),))
    seed_partner(engine, "Piekarnia Bez Maila", territory="north", phone="+48 42 630 11 22")
    clock.advance(days=430)
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    yield url, engine
    stop()
    engine.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_manager_keeps_a_mailing_list_and_archives_inactive_prospects(site, browser, tmp_path, width):
    url, engine = site
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, url, "manager")
    page.click("#nav-lists")
    page.fill("#list-name", "Północ: mailing")
    page.select_option("#list-purpose", "mailing")
    page.fill("#list-territory", "north")
    page.click("#save-list")
    page.wait_for_selector("#list-entries")
    assert page.inner_text("#list-total") == "1"
    assert "anna@polnocna.pl" in page.inner_text("#list-entries")
    page.screenshot(path=str(folder / f"{width}-partner-list.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename == "Polnoc-mailing.xlsx"

    page.click("text=Lists")
    page.fill("#months", "12")
    page.click("#archive-preview")
    page.wait_for_selector("#archive-candidates")
    assert page.locator("#archive-candidates tbody tr").count() == 2
    page.screenshot(path=str(folder / f"{width}-lists-archive-preview.png"), full_page=True)
    page.click("#archive-confirm")
    page.wait_for_selector("#undo-1")
    assert "2 inactive prospect(s) archived" in page.inner_text("main")
    page.click("#undo-1")
    page.wait_for_selector("text=Archival #1 undone: 2 partner(s) restored.")
    page.screenshot(path=str(folder / f"{width}-lists.png"), full_page=True)
    context.close()
