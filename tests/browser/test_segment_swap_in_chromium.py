"""The manager swaps HORECA to another methodology in a real Chromium; an in-flight
HORECA deal continues on the new one with its history intact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import REPO, FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app


@pytest.fixture
def site(tmp_path):
    """The real app, CSRF on; the base test methodology and quick-deal deployed, and a
    HORECA deal of rep1's at the offer stage."""
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock()))
    engine.deploy(str(REPO / "tests" / "methodology" / "swap_target"), actor="admin")
    deal = engine.create_opportunity(title="Hotel Pod Lipami", amount="30000.00", partner="Hotel Pod Lipami",
                                     attributes={"channel": "horeca", "territory": "PL-N"}, actor="manager")
    deal = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "30000"})
    assert deal.stage_id == "offer"
    app = create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"})
    url, stop = serve(app)
    yield url, deal, engine
    stop()
    engine.close()



@pytest.mark.parametrize("width", [1366, 390])
def test_the_manager_maps_stages_by_name_previews_the_deals_and_swaps(site, browser, width, tmp_path):
    url, deal, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    manager = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900}).new_page()
    manager.set_default_timeout(10_000)
    log_in(manager, url, "manager")
    manager.click("#nav-segments") if width > 600 else manager.goto(f"{url}/segments")
    manager.wait_for_selector("#segments")
    assert "Small deal 1.0" in manager.locator("#segment-horeca .methodology").inner_text()

    manager.select_option("#swap-segment", "horeca")
    manager.select_option("#swap-methodology", "quick-deal")
    manager.click("#swap-choose")
    manager.wait_for_selector("#swap-map")
    offer = manager.locator("#map-row-offer")
    assert "Oferta" in offer.inner_text() and "1" in offer.locator("td.num").inner_text()
    assert manager.locator("#map-offer").input_value() == ""  # "(choose…)": quick-deal has no 'offer'
    assert manager.locator("#map-qualification").input_value() == "qualification"  # the same id
    # A Preview with a stage a deal sits in not chosen yet still previews (the selects
    # were 'required': the click did nothing a script could see), and says who stays.
    manager.click("#swap-preview")
    manager.wait_for_selector("#swap-preview-result")
    assert manager.locator("#preview-moved").inner_text() == "0 open deal(s) would move."
    assert "Hotel Pod Lipami" in manager.locator(f"#preview-stays-{deal.id}").inner_text()
    why = manager.locator(f"#preview-stays-{deal.id} td[data-label='Why not']").inner_text()
    assert "'Oferta' in Quick deal 1.0" in why and "quick-deal" not in why  # names, not ids
    manager.screenshot(path=str(shots / f"swap-preview-unmapped-{width}.png"), full_page=True)

    manager.select_option("#map-offer", label="Proposal")  # by name, no id typed
    manager.click("#swap-preview")
    manager.wait_for_selector("#swap-preview-result")
    assert manager.locator("#preview-moved").inner_text() == "1 open deal(s) would move."
    row = manager.locator(f"#preview-deal-{deal.id}").inner_text()
    assert "Hotel Pod Lipami" in row and "rep1" in row and "Oferta" in row and "Proposal" in row
    assert manager.locator("#map-offer").input_value() == "proposal"  # the choice is kept
    assert "preview=1" in manager.url and "map-offer=proposal" in manager.url  # a GET: reloading shows it again
    manager.reload()
    assert manager.locator("#preview-moved").inner_text() == "1 open deal(s) would move."
    assert manager.evaluate("document.documentElement.scrollWidth") <= width
    manager.screenshot(path=str(shots / f"swap-preview-{width}.png"), full_page=True)
    assert engine.show_opportunity(deal.id).methodology_id == "small-deal"
    manager.click("#swap-confirm")
    manager.wait_for_selector(".flash-success")
    assert "horeca now follows Quick deal 1.0; 1 open deal(s) moved" in manager.locator(".flash-success").inner_text()
    assert "Quick deal 1.0" in manager.locator("#segment-horeca .methodology").inner_text()
    assert manager.locator("#swaps tbody tr").count() == 1
    manager.screenshot(path=str(shots / f"swap-done-{width}.png"), full_page=True)

    manager.goto(f"{url}/opportunities/{deal.id}")
    assert manager.locator("#deal-stage").inner_text().strip() == "Proposal"
    history = manager.locator("#stage-history").inner_text()
    # Earlier stages keep the names of the methodology they were entered in.
    assert history.index("Lead") < history.index("Kwalifikacja") < history.index("Oferta") < history.index("Proposal")
    assert manager.locator("#stage-history li").count() == len(deal.stage_history) + 1
    assert manager.locator("#history-log li.event-methodology_swapped").count() == 1
    assert manager.locator("#history-log li.event-task_completed").count() == 1  # the work done before the swap
    manager.context.close()

    rep = browser.new_context(timezone_id="Europe/Warsaw").new_page()
    rep.set_default_timeout(10_000)
    log_in(rep, url, "rep1")
    task = engine.show_opportunity(deal.id).open_tasks[0]
    row = rep.locator(f"tr#task-{task.id}")
    assert "Send a proposal" in row.inner_text()
    row.locator("a.task-link").click()
    rep.wait_for_selector("#task-form")
    rep.click("#task-submit")
    rep.wait_for_url(f"{url}/")
    rep.goto(f"{url}/opportunities/{deal.id}")
    assert rep.locator("#deal-stage").inner_text().strip() == "Review"
    rep.context.close()
    assert engine.show_opportunity(deal.id).methodology_id == "quick-deal"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_preview_and_the_reversal_name_people_stages_and_methodologies(tmp_path, browser, width):
    """The preview's Owner is the person's name and its To stage the new methodology's
    name for the stage (both from the façade's view model); a deal the reversal cannot
    move back is explained with names, as the preview explains one."""
    engine = with_passwords(make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock()))
    engine.deploy(str(REPO / "tests" / "methodology" / "swap_target"), actor="admin")
    engine.create_user("anna", "rep", "Anna Nowak")
    engine.add_team_member("horeca", "anna")
    deal = engine.create_opportunity(title="Bistro Anny", amount="1000.00", partner="Bistro", actor="manager",
                                     owner="anna", attributes={"channel": "horeca", "territory": "PL-N"})
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    manager = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900}).new_page()
    manager.set_default_timeout(10_000)
    try:
        log_in(manager, url, "manager")
        manager.goto(f"{url}/segments?segment=horeca&methodology=quick-deal&map-offer=proposal&preview=1")
        row = manager.locator(f"#preview-deal-{deal.id}")
        assert row.locator("td[data-label='Owner']").inner_text() == "Anna Nowak"
        assert row.locator("td[data-label='To stage']").inner_text() == "→ Qualification"
        assert "Where the deals of HORECA go" in manager.locator("#swap-stages h3").inner_text()
        assert manager.evaluate("document.documentElement.scrollWidth") <= width
        manager.locator("#swap-preview-result").screenshot(path=str(shots / f"swap-preview-names-{width}.png"))
        manager.click("#swap-confirm")
        manager.wait_for_selector(".flash-success")
        engine.complete_task(engine.show_opportunity(deal.id).open_tasks[0].id, actor="anna",
                             data={"budget_confirmed": True})  # to 'proposal', which maps back to 'offer'
        manager.goto(f"{url}/segments")
        manager.click("#reverse-step-1 summary")
        manager.check("#reverse-1-confirm")
        manager.click("#reverse-1")
        manager.wait_for_selector(".flash-warning")
        said = manager.locator(".flash-warning").inner_text()
        assert said == ("Not moved (1 deal): stage 'Oferta' of Small deal 1.0 is entered where a swap cannot start: "
                        "Task_Offer is inside subprocess Sub_Offer")
        assert manager.evaluate("document.documentElement.scrollWidth") <= width
        manager.screenshot(path=str(shots / f"swap-reversed-{width}.png"))
    finally:
        manager.context.close()
        stop()
        engine.close()
