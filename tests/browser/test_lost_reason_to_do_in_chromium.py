"""A deal the process lost without a reason, in a real Chromium against the real
server (CSRF on): its owner finds "Record why … was lost" in the inbox, opens it,
is told a note is needed for "Other", records the reason, and the to-do is gone
— at 1366 and 390 px, with screenshots."""

from __future__ import annotations

import pytest

from tests.browser import test_lost_report_in_chromium as lost_report
from tests.browser.conftest import log_in, serve
from tests.conftest import FakeClock, make_engine
from tests.service.test_lost_reason_asks import asks, lost_by_process
from tests.webui.pages_support import with_passwords


shots = lost_report.shots  # where screenshots go: $DEALFLOW_SCREENSHOTS, else the test's own folder


@pytest.mark.parametrize("width", [1366, 390])
def test_the_owner_records_why_the_process_lost_a_deal_from_the_inbox(tmp_path, page, shots, width):
    from webui import create_app

    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock()))
    lost = lost_by_process(engine, "Ekspres do kawy dla Hotelu Rex, Sopot")
    (ask,) = asks(engine, lost.owner)
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    try:
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, lost.owner)
        row = page.locator(f"#task-{ask.id}")
        assert "Record why Ekspres do kawy dla Hotelu Rex, Sopot was lost" in row.inner_text()
        assert row.locator(".why-lost").inner_text() == "lost: say why"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"why-lost-inbox-{width}.png"), full_page=True)

        row.locator(".task-link").click()
        page.wait_for_selector("#task-form")
        assert page.locator("#task-submit").inner_text() == "Record the reason"
        page.select_option("#input-reason_code", "other")
        page.click("#task-submit")
        page.wait_for_selector("#error-reason")
        assert "needs a few words" in page.locator("#error-reason").inner_text()
        assert engine.show_opportunity(lost.id).lost_reason_missing  # refused: nothing recorded
        page.screenshot(path=str(shots / f"why-lost-form-{width}.png"), full_page=True)

        page.fill("#input-reason", "The hotel was sold; the new owner has a contract")
        page.click("#task-submit")
        page.wait_for_selector(".flash-success")
        assert page.locator(f"#task-{ask.id}").count() == 0
        page.screenshot(path=str(shots / f"why-lost-done-{width}.png"), full_page=True)
        page.goto(f"{url}/opportunities/{lost.id}")
        assert page.locator("#lost-reason-missing").count() == 0
        assert page.locator("#deal-lost-reason").inner_text() == (
            "Other — The hotel was sold; the new owner has a contract")
    finally:
        stop()
        engine.close()
