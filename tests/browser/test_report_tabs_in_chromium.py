"""The reports' pages in a real Chromium at 1366 and 390 px, with screenshots: every
page's tabs are spaced and mark the current one (the lost-deal page's ran together,
unmarked), the win probability is one of the tabs, the analysis pages name
methodologies, and the partner list writes channel codes as words."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_site, log_in

TABS = """() => {
  const links = [...document.querySelectorAll('#report-tabs a')];
  const gaps = links.slice(1).map((a, i) => {
    const before = links[i].getBoundingClientRect(), now = a.getBoundingClientRect();
    return Math.round(now.top) === Math.round(before.top) ? now.left - before.right : null;  // same line only
  }).filter(gap => gap !== null);
  const current = links.filter(a => a.getAttribute('aria-current') === 'page');
  return {texts: links.map(a => a.innerText), gaps,
          current: current.map(a => [a.innerText, getComputedStyle(a).fontWeight])};
}"""

PAGES = {"/reports/lost": "Lost deals", "/reports/pipeline": "Pipeline analysis",
         "/reports/changes": "Deal changes", "/reports/methodologies": "Which methodology sells better",
         "/win-model": "Win probability"}


@pytest.mark.parametrize("width", [1366, 390])
def test_every_report_page_spaces_its_tabs_marks_the_current_one_and_names_methodologies(tmp_path, browser, page,
                                                                                       shots, width):
    with demo_site(tmp_path, title="Hurtownia", amount="1000.00", partner="Hurt-Pol", owner="rep1",
                   attributes={"channel": "retail_chain", "territory": "PL-MZ"}) as (url, deal, engine):
        methodology = engine.methodology_names()[deal.methodology_id]
        assert methodology != deal.methodology_id
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, url, "manager")
        for path, tab in PAGES.items():
            page.goto(url + path)
            page.wait_for_selector("#report-tabs")
            page.screenshot(path=str(shots / f"tabs{path.replace('/', '-')}-{width}.png"), full_page=True)
            tabs = page.evaluate(TABS)
            assert tabs["texts"] == list(PAGES.values()), (path, tabs)
            assert tabs["gaps"] and min(tabs["gaps"]) >= 8, (path, tabs)  # on the lost page: 0 (no style)
            assert tabs["current"] == [[tab, "700"]], (path, tabs)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path

        page.goto(f"{url}/reports/pipeline")
        stages = page.locator("#table-stages tbody th[scope=row]").all_inner_texts()
        assert stages and set(stages) == {methodology}, stages

        page.goto(f"{url}/partners")
        page.wait_for_selector("#partner-list")
        page.screenshot(path=str(shots / f"partners-{width}.png"), full_page=True)
        channels = set(page.locator("#partner-list td[data-label='Channel']").all_inner_texts())
        assert "Retail chain" in channels and "retail_chain" not in channels, channels

        page.context.clear_cookies()  # log out
        log_in(page, url, "rep1")  # a rep reaches the win probability from "My numbers"
        page.click("#nav-analysis")
        page.click("#tab-win-model")
        page.wait_for_selector("#win-model-state")
        assert page.locator("#nav-analysis").get_attribute("aria-current") == "page"
