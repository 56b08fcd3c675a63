"""Issue 15's "Done when", tried as a new user would, in a real Chromium against the
real server (CSRF on), at 1366 px and at 390 px, on the demo's data (the shipped
methodologies, a dozen deals walked to various stages, a year of history):

1. rep1 finds a deal by its partner's name, edits its amount (into euros) and sees
   the board's totals change in that currency;
2. rep1 drags the deal's card on the board to the Won column, completes the step the
   drop opens, and finds the card under Won;
3. the manager works the board (filters rep2's deals, hands one over to rep1 from its
   card) and the notification reaches rep1, who opens it;
4. the designer changes a methodology file, validates and deploys it from the web and
   sees what changed, then the diff page between the two versions.

Every page on the way fits the screen, and no page script fails. Screenshots are kept
in $DEALFLOW_SCREENSHOTS when it is set."""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from decimal import Decimal

import pytest

from tests.browser.conftest import log_in, served, watched_page
from tests.browser.test_board_in_chromium import drag
from tests.browser.test_deals_in_chromium import fits, open_the_edit_form, search_deals, shot

# The demo deal of the journey: rep1's HORECA deal waiting on "Follow up the quote",
# whose partner no other open deal of rep1 has.
PARTNER = "Hotel Górski"
STAGES = "stages/horeca-bant.yaml"


def amount_of(text: str) -> Decimal:
    """'86 000.00 PLN' (narrow no-break spaces between thousands) as a Decimal."""
    return Decimal(re.sub(r"[^\d.]", "", text.rsplit(" ", 1)[0]))


@contextmanager
def demo(tmp_path):
    """The shipped methodologies copied to a folder of the test's own (the designer
    changes one), the demo seeded from it, and the real app on a free port that deploys
    from that folder; yields (url, folder, engine)."""
    from engine.demo import seed_demo
    from engine.service import Engine
    from tests.conftest import SHIPPED, FakeClock

    folder = tmp_path / "methodologies"
    shutil.copytree(SHIPPED, folder)
    engine = Engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock=FakeClock())  # a fixed "today"
    seed_demo(engine, str(folder), count=12, history=12)
    with served(engine, METHODOLOGIES_PATH=str(folder)) as url:
        yield url, folder, engine


@contextmanager
def person(browser, url: str, username: str, width: int):
    """A window ``width`` px wide in Warsaw's zone, logged in as ``username``; yields
    (page, the script errors it saw)."""
    with watched_page(browser, width, 900, "") as (page, errors):
        log_in(page, url, username)
        yield page, errors


def column_total(page, column: str, currency: str) -> Decimal:
    """A board column's amount in ``currency`` (0 when the column has none in it)."""
    line = page.locator(f"{column} .column-amount .total-{currency}")
    return amount_of(line.inner_text()) if line.count() else Decimal(0)


@pytest.mark.parametrize("width", [1366, 390])
def test_issue_15_done_when_as_a_new_user_would(tmp_path, browser, width):
    with demo(tmp_path) as (url, folder, engine):
        (deal,) = [d for d in engine.list_opportunities()
                   if d.partner_name == PARTNER and d.owner == "rep1" and d.status == "open"]
        version = engine.show_opportunity(deal.id).methodology_version_id
        follow_up, won = f"#column-{version}-follow_up", f"#column-{version}-won"
        card = f"#card-{deal.id}"

        # 1. rep1 finds the deal by its partner's name and edits its amount.
        with person(browser, url, "rep1", width) as (rep, errors):
            rep.click("#nav-board")
            rep.wait_for_selector(f"{follow_up} {card}")
            before_pln = column_total(rep, follow_up, "PLN")
            assert column_total(rep, follow_up, "EUR") == 0
            assert amount_of(rep.locator(f"{card} .card-amount strong").inner_text()) == deal.amount

            search_deals(rep, "górski")  # part of the name, in lower case
            rep.wait_for_selector(f"#deal-{deal.id}")
            assert all(PARTNER in row for row in rep.locator(".deal-row").all_inner_texts())
            fits(rep, width)
            shot(rep, "journey-deals-found", width)
            rep.click(f"#deal-{deal.id} a")
            open_the_edit_form(rep)
            fits(rep, width)
            rep.fill("#edit-amount", "21 480,50")
            rep.fill("#edit-currency", "EUR")
            rep.click("#deal-edit-save")
            rep.wait_for_selector(".flash-success")
            assert rep.locator("#deal-amount").inner_text() == "21\u202f480.50 EUR"
            fits(rep, width)

            rep.click("#nav-board")
            rep.wait_for_selector(f"{follow_up} {card}")
            assert column_total(rep, follow_up, "EUR") == Decimal("21480.50")
            assert column_total(rep, follow_up, "PLN") == before_pln - deal.amount
            assert rep.locator(f"{card} .card-amount strong").inner_text() == "21\u202f480.50 EUR"
            fits(rep, width)
            shot(rep, "journey-board-edited", width)

            # 2. rep1 drags the card to Won and completes the step the drop opens.
            won_before = column_total(rep, won, "EUR")
            # the board scrolls sideways when its columns do not fit: the rep brings Won into view
            rep.locator(won).evaluate("column => column.scrollIntoView({block: 'nearest', inline: 'nearest'})")
            drag(rep, card, won)
            rep.wait_for_url(f"{url}/tasks/**")
            assert rep.locator("#task-name").inner_text() == "Follow up the quote"
            fits(rep, width)
            rep.select_option("#input-customer_decision", "ordered")
            rep.fill("#input-order_value", "21480.50")
            shot(rep, "journey-board-step", width)
            rep.click("#task-submit")
            rep.wait_for_url(f"{url}/board")
            rep.wait_for_selector(f"{won} {card}")
            assert rep.locator(f"{follow_up} {card}").count() == 0
            assert column_total(rep, won, "EUR") == won_before + Decimal("21480.50")
            assert engine.show_opportunity(deal.id).status == "won"
            fits(rep, width)
            shot(rep, "journey-board-won", width)
            assert errors == []
        unread = engine.unread_notification_count(viewer="rep1")  # the demo's own (a swap moved rep1's deals)

        # 3. The manager works the board: rep2's deals, one handed over to rep1.
        with person(browser, url, "manager", width) as (manager, errors):
            manager.click("#nav-board")
            manager.select_option("#filter-owner", "rep2")
            manager.click("#filter-submit")
            manager.wait_for_selector(".board-card")
            owners = set(manager.locator(".board-card .card-owner").all_inner_texts())
            assert owners == {engine.user_view("rep2").display_name}
            handed = next(d for d in engine.list_opportunities() if d.owner == "rep2" and d.status == "open"
                          and manager.locator(f"#hand-over-{d.id}").count())
            fits(manager, width)
            manager.click(f"#hand-over-{handed.id} summary")
            manager.select_option(f"#hand-over-{handed.id}-to", "rep1")
            shot(manager, "journey-manager-hand-over", width)
            manager.click(f"#hand-over-submit-{handed.id}")
            manager.wait_for_selector(".flash-success")
            assert f"now belongs to {engine.user_view('rep1').display_name}" in manager.locator(".flash-success").inner_text()
            assert manager.url.startswith(f"{url}/board")  # back on the board, filters kept
            assert "rep2" in manager.url
            assert manager.locator(f"#card-{handed.id}").count() == 0  # no longer rep2's
            assert engine.show_opportunity(handed.id).owner == "rep1"
            fits(manager, width)
            assert errors == []

        with person(browser, url, "rep1", width) as (rep, errors):
            assert rep.locator("#notification-count").inner_text() == str(unread + 1)
            rep.click("#nav-notifications")
            item = engine.notifications(viewer="rep1").items[0]  # the newest first
            assert item.opportunity_id == handed.id and item.kind == "deal_handed_over"
            notice = rep.locator(f"#notification-{item.id}")
            assert f"handed the deal {handed.title} over to you" in notice.inner_text()
            fits(rep, width)
            shot(rep, "journey-notification", width)
            notice.locator(".open-notification").click()
            rep.wait_for_url(f"{url}/opportunities/{handed.id}")
            assert engine.unread_notification_count(viewer="rep1") == unread  # read now
            assert rep.locator("#deal-title").inner_text() == handed.title
            assert errors == []

        # 4. The designer changes a methodology, deploys it from the web, sees the diff.
        stages = folder / STAGES
        text = stages.read_text("utf-8")
        assert text.count('version: "1.1"') == 1 and text.count("  - id: follow_up\n") == 1
        changed = text.replace('version: "1.1"', 'version: "1.2"')
        follow_up_at = changed.index("  - id: follow_up\n")
        probability = re.compile(r"probability: (\d+)")
        old = probability.search(changed, follow_up_at)
        changed = changed[:old.start()] + "probability: 77" + changed[old.end():]
        stages.write_text(changed, "utf-8")

        with person(browser, url, "designer", width) as (designer, errors):
            designer.click("#home-methodologies")
            designer.wait_for_selector("#methodology-horeca-bant")
            designer.click("#validate")
            designer.wait_for_selector("#valid")
            fits(designer, width)
            designer.click("#deploy")
            designer.wait_for_selector("#deployed-horeca-bant")
            shown = designer.locator("#deployed-horeca-bant").inner_text()
            assert f"probability {old.group(1)} % -> 77 %" in shown
            assert designer.locator("#deployed article.diff").count() == 1  # only the changed methodology
            fits(designer, width)
            shot(designer, "journey-deployed", width)
            designer.click("#compare-horeca-bant")  # the newest against the one before
            designer.wait_for_selector("#diff")
            assert f"probability {old.group(1)} % -> 77 %" in designer.locator("ul[data-section=Stages]").inner_text()
            fits(designer, width)
            shot(designer, "journey-diff", width)
            assert errors == []
