"""The manager's lost-deal report and forecast in a real Chromium (CSRF on), at 1366
and 390 px with screenshots: people and methodologies by name, amounts with their
currency, and the stage × reason grid readable on a phone (it scrolls sideways; its
row headers no longer shrink to one letter a line)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import demo_site, log_in

GRID_LINES = """() => [...document.querySelectorAll('#matrix-1 th')].map(th => {
  const range = document.createRange();
  range.selectNodeContents(th);  // one client rect per line of text
  return [th.innerText, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
})"""


@pytest.mark.parametrize("width", [1366, 390])
def test_the_lost_report_names_people_and_methodologies_and_its_grid_fits_a_phone(tmp_path, browser, page,
                                                                                  shots, width):
    with demo_site(tmp_path, title="Hurtownia Mazowsze", amount="250000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1") as (url, deal, engine):
        engine.close_as_lost(deal.id, actor="manager", reason_code="competitor", reason="Cheaper local supplier")
        for code in ("no_access", "no_decision", "paper_process"):  # a grid wider than a phone
            more = engine.create_opportunity(actor="manager", title=f"Cold room ({code})", amount="1000.00",
                                             partner="Hurt-Pol", owner="rep1",
                                             attributes={"channel": "wholesale", "territory": "PL-MZ"})
            engine.close_as_lost(more.id, actor="manager", reason_code=code)
        owner = engine.display_names(["rep1"])["rep1"]
        methodology = engine.methodology_names()[deal.methodology_id]
        assert owner != "rep1" and methodology != deal.methodology_id  # names the page could confuse with ids
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, "manager")
        page.goto(f"{url}/reports/lost")
        page.wait_for_selector("#lost-deals")
        page.screenshot(path=str(shots / f"manager-lost-report-{width}.png"), full_page=True)

        assert page.locator(".lost-methodology h2").first.inner_text().startswith(methodology + " ")
        assert page.locator(f"#lost-deal-{deal.id} td[data-label='Owner']").inner_text() == owner
        assert page.locator("#by-rep .bar-label").all_inner_texts() == [owner]
        assert page.locator(f"#lost-deal-{deal.id} td[data-label='Methodology']").inner_text().startswith(methodology)
        # Every header of the stage × reason grid keeps whole words, a few lines at most
        # (on a phone its first column was one letter wide: "STAGE" read downwards).
        lines = page.evaluate(GRID_LINES)
        assert lines and all(count <= 4 for _, count in lines), lines
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # the grid scrolls, not the page
        page.locator(".table-scroll:has(#matrix-1)").screenshot(path=str(shots / f"manager-lost-grid-{width}.png"))


@pytest.mark.parametrize("width", [1366, 390])
def test_the_forecast_rollup_writes_each_amount_with_its_currency(tmp_path, browser, page, shots, width):
    with demo_site(tmp_path, title="Hurtownia", amount="1000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}) as (url, _, engine):
        period = engine.quota_sheet(viewer="manager").period
        engine.set_quota("manager", period.name, "100000", actor="admin")
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, "manager")
        page.click("#nav-forecast")
        page.wait_for_selector("#forecast-rollup")
        page.click("#submit-forecast")
        page.wait_for_selector("#submissions")
        page.locator("#forecast-rollup").screenshot(path=str(shots / f"manager-forecast-rollup-{width}.png"))
        figures = page.locator("#rollup-PLN .counts li").all_inner_texts()
        assert figures[-1] == "1 deal"  # was "1 deals"
        amounts = figures[:-1]
        assert len(amounts) == 4 and all(re.fullmatch(r"[a-z ]+ [\d\u202f]+\.\d\d PLN", t) for t in amounts), figures
        submitted = page.locator("#submissions li").first.inner_text()
        assert re.search(r"won [\d\u202f]+\.\d\d PLN, commit [\d\u202f]+\.\d\d PLN", submitted), submitted
