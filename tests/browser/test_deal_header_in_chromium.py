"""The deal page's header and tabs in a real Chromium at 1366 and 390 px: the
breadcrumb names the deal (was "Opportunity #149"), the methodology shows by name and
version (was its id, "seed002-funnel 1.0"), and on a phone the five tabs are one row
that scrolls sideways like the main menu (they wrapped onto two rows), the chosen tab
kept in view. Screenshots at both widths."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_site, log_in, watched_page

DEAL = dict(title="Regały chłodnicze dla sieci Delikatesy Centrum, etap drugi", amount="148000.00",
            partner="Delikatesy Centrum", attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("deal-header"), **DEAL) as running:
        yield running


@pytest.mark.parametrize("width", [1366, 390])
def test_the_header_names_the_deal_and_its_methodology_and_the_tabs_keep_to_one_row(site, browser, shots,
                                                                                      width):
    url, deal, engine = site
    with watched_page(browser, width, 844, "") as (page, errors):
        log_in(page, url, "rep1")
        page.goto(f"{url}/opportunities/{deal.id}")
        crumbs = page.locator("#deal-crumbs")
        assert crumbs.text_content().split("›")[1].strip() == DEAL["title"]
        assert crumbs.is_visible() == (width == 1366)  # a phone's header has no room for it
        methodology = page.locator("#deal-methodology").inner_text()
        assert methodology == f"{deal.methodology_name} {deal.methodology_label}"
        assert deal.methodology_name and deal.methodology_id not in methodology
        tops = {round(box["y"]) for box in (t.bounding_box() for t in page.locator("#deal-tabs [role=tab]").all())}
        assert len(tops) == 1  # one row at either width
        page.screenshot(path=str(shots / f"deal-header-{width}.png"))
        page.click("#tab-history")
        history, row = page.locator("#tab-history").bounding_box(), page.locator("#deal-tabs ul").bounding_box()
        assert row["x"] - 1 <= history["x"] and history["x"] + history["width"] <= row["x"] + row["width"] + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#deal-tabs").screenshot(path=str(shots / f"deal-tabs-history-{width}.png"))
        assert errors == []
