"""The pipeline board in a real Chromium against the real server (CSRF on), at a
desktop and a phone width (issue 15): the rep drags a card to the next stage, lands
on the task form, completes it, returns to the board and sees the card in the new
column with the column totals changed; a drop where no open task leads snaps back
with a message; the "Move to…" menu does the same without dragging. Every page fits
the screen, and no script fails."""

from __future__ import annotations

from contextlib import closing, contextmanager

import pytest

from tests.browser.conftest import log_in, serve, watched_page
from tests.browser.test_deals_in_chromium import fits, shot
from tests.conftest import FakeClock, make_engine
from tests.webui.pages_support import with_passwords

@contextmanager
def board_site(tmp_path, browser, width: int):
    """The app on a free port over a fresh SQLite file with the test people, and a
    page ``width`` wide in Warsaw's zone; yields (engine, url, page, the page's script
    errors)."""
    from webui import create_app

    with closing(with_passwords(make_engine(f"sqlite:///{tmp_path / 'board.db'}", FakeClock()))) as engine:
        url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
        try:
            with watched_page(browser, width, 1400 if width < 500 else 900, "") as (page, errors):
                yield engine, url, page, errors
        finally:
            stop()


def drag(page, card: str, column: str) -> None:
    """Press on the card, move in steps onto the column's list, release (SortableJS
    in its pointer-event mode, as with a finger). The card is scrolled to the middle of
    the screen first, so that a neighbouring column is on screen too."""
    page.wait_for_function("() => !document.querySelector('.sortable-fallback, .sortable-chosen')")
    page.locator(card).evaluate("card => card.scrollIntoView({block: 'center'})")
    source = page.locator(card).bounding_box()
    target = page.locator(f"{column} .board-cards").bounding_box()
    page.mouse.move(source["x"] + 20, source["y"] + 12)
    page.mouse.down()
    page.mouse.move(source["x"] + 30, source["y"] + 30, steps=5)
    page.wait_for_selector(".sortable-fallback")  # the drag has started
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] - 8, steps=20)
    page.wait_for_selector(f"{column} .board-cards > {card}", state="attached")  # it hovers over the column
    page.mouse.up()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_rep_drags_a_card_completes_the_step_and_sees_it_in_the_next_column(tmp_path, browser, width):
    with board_site(tmp_path, browser, width) as (engine, url, page, errors):
        deal = engine.create_opportunity(title="Chłodnia Mokotów", amount="12500.50", partner="Hurt-Pol",
                                         attributes={"channel": "retail"}, actor="manager")
        other = engine.create_opportunity(title="Rep two's deal", amount="900.00", currency="EUR", partner="X",
                                          attributes={"channel": "retail"}, actor="manager")
        log_in(page, url, "rep1")
        page.click("#nav-board")
        card = f"#card-{deal.id}"
        page.wait_for_selector(f"#column-1-qualification {card}")
        assert page.locator(f"#card-{other.id}").count() == 0  # rep2's deal is not on rep1's board
        offer_totals = page.locator("#column-1-offer .column-amount")
        assert offer_totals.inner_text() == "—"
        fits(page, width)
        shot(page, "board", width)

        drag(page, card, "#column-1-lead")  # no open task leads back to Lead
        page.wait_for_selector("#board-message:not([hidden])")
        assert "cannot move to Lead" in page.locator("#board-message").inner_text()
        assert "Oferta" in page.locator("#board-message").inner_text()
        assert page.locator(f"#column-1-qualification {card}").count() == 1  # snapped back
        shot(page, "board-refused", width)

        drag(page, card, "#column-1-offer")
        page.wait_for_url(f"{url}/tasks/**")
        assert page.locator("#task-name").inner_text() == "Qualify the lead"
        assert page.locator("#back-to-board").count() == 1
        fits(page, width)
        page.fill("#input-amount", "12500")
        shot(page, "board-task", width)
        page.click("#task-submit")
        page.wait_for_url(f"{url}/board")
        page.wait_for_selector(f"#column-1-offer {card}")
        assert page.locator(f"#column-1-qualification {card}").count() == 0
        assert page.locator("#column-1-offer .column-amount").inner_text().startswith("12\u202f500")
        assert page.locator("#column-1-offer .column-weighted").inner_text().endswith("PLN")
        assert page.locator("#column-1-qualification .column-amount").inner_text() == "—"
        assert "Done" in page.locator(".flash-success").inner_text()
        fits(page, width)
        shot(page, "board-moved", width)

        # The keyboard and phone way: the card's "Move to…" menu, no dragging.
        page.locator(f"#move-{deal.id} summary").focus()
        page.keyboard.press("Enter")
        link = page.locator(f"#move-{deal.id} a.move-link[data-stage='won']")
        assert link.is_visible()
        shot(page, "board-move-to", width)
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/tasks/**")
        page.select_option("#input-result", "accepted")
        page.click("#task-submit")
        page.wait_for_url(f"{url}/board")
        page.wait_for_selector(f"#column-1-won {card}")
        assert page.locator("#column-1-won .column-weighted").inner_text().startswith("12\u202f500")
        assert page.locator(f"#move-{deal.id}").count() == 0  # a won deal offers no moves
        page.click("#view-table")
        page.wait_for_selector(f"#deal-{deal.id}")
        assert "Wygrana" in page.locator(f"#deal-{deal.id}").inner_text()
        fits(page, width)
        shot(page, "board-table", width)
        assert errors == []


@pytest.mark.parametrize("width", [1366, 390])
def test_the_manager_closes_a_deal_as_lost_from_its_card_after_confirming(tmp_path, browser, width):
    with board_site(tmp_path, browser, width) as (engine, url, page, errors):
        deal = engine.create_opportunity(title="Bistro Nord", amount="4200.00", partner="Bistro Nord",
                                         attributes={"channel": "retail"}, actor="manager")
        log_in(page, url, "manager")
        page.goto(f"{url}/board")
        page.click(f"#lose-{deal.id} summary")
        page.select_option(f"#lose-{deal.id}-reason-code", "competitor")
        page.fill(f"#lose-{deal.id}-reason", "They bought from the wholesaler")
        fits(page, width)
        shot(page, "board-lose", width)
        page.click(f"#lose-submit-{deal.id}")
        page.wait_for_selector("#lose-confirm")
        assert engine.show_opportunity(deal.id).status == "open"  # not before the confirmation
        shot(page, "board-lose-confirm", width)
        page.click("#lose-confirm-submit")
        page.wait_for_url(f"{url}/board")
        page.wait_for_selector(f"#column-1-lost #card-{deal.id}")
        assert "closed as lost" in page.locator(".flash-success").inner_text()
        assert page.locator(f"#lose-{deal.id}").count() == 0  # closed: nothing more to close
        fits(page, width)
        shot(page, "board-lost", width)
        assert errors == []
