"""Whose week the calendar shows, in a real Chromium at 1366 and 390 px: a manager
picks a rep by name from the people they may see (the field took a typed username);
a rep's list holds only themselves; a person they may not see, sent anyway, is not
found. Screenshots at both widths."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_site, log_in


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("week-people"), title="Chłodnie dla Hurtowni", amount="1000.00",
                   partner="Hurtownia", attributes={"channel": "retail"}) as running:
        yield running


@pytest.mark.parametrize("width", [1366, 390])
def test_a_manager_picks_whose_week_by_name_and_a_rep_sees_only_their_own(site, browser, shots, width):
    url, _, engine = site
    names = {u.username: u.display_name for u in engine.list_users()}
    manager = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900}).new_page()
    log_in(manager, url, "manager")
    manager.goto(f"{url}/calendar/week")
    offered = manager.locator("#week-user option").all_inner_texts()
    assert names["rep1"] in offered and names["rep2"] in offered and "rep1" not in offered  # names, not usernames
    manager.select_option("#week-user", label=names["rep2"])
    manager.click("#week-filters button[type=submit]")
    manager.wait_for_url("**/calendar/week?user=rep2*")
    assert names["rep2"] in manager.locator("h1").inner_text()
    assert manager.locator("#week-user").input_value() == "rep2"
    assert manager.evaluate("document.documentElement.scrollWidth") <= width
    manager.screenshot(path=str(shots / f"week-people-manager-{width}.png"))
    manager.context.close()

    rep = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900}).new_page()
    log_in(rep, url, "rep1")
    rep.goto(f"{url}/calendar/week")
    assert rep.locator("#week-user option").all_inner_texts() == [names["rep1"]]
    rep.screenshot(path=str(shots / f"week-people-rep-{width}.png"))
    assert rep.goto(f"{url}/calendar/week?user=rep2").status == 404  # sent anyway: not found
    rep.context.close()
