"""The pipeline board page (issue 15): the kanban and its table, totals per
currency, the moves a card offers (links to the task form with a way back), the
filters, and the page as the wrong user. GET only: no CSRF to check."""

from __future__ import annotations

import json
import re
from html import unescape
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from tests.webui.pages_support import TITLE, assert_nothing_leaks, client_for, open_deal


def _moves(page: str, deal_id: int) -> dict:
    match = re.search(rf'id="card-{deal_id}" data-title="[^"]*"\s+data-moves=\'([^\']*)\'', page)
    assert match, "the card has no moves"
    return json.loads(unescape(match.group(1)))


def test_the_board_shows_the_reps_card_in_its_stage_with_the_move_the_process_allows(app, engine):
    deal = open_deal(engine)
    client = client_for(app, "rep1")
    page = client.get("/board")
    assert page.status_code == 200 and 'id="nav-board"' in page.text
    text = page.text
    column = text.index('id="column-1-qualification"')
    assert column < text.index(f'id="card-{deal.id}"') < text.index('id="column-1-offer"')
    assert text.index('id="column-1-offer"') < text.index('id="column-1-won"') < text.index('id="column-1-lost"')
    assert 'class="money-line total-PLN">1\u202f000.00 PLN' in text and "200.00 PLN" in text  # 20 % weighted
    moves = _moves(text, deal.id)
    assert list(moves) == ["offer"] and moves["offer"]["task"] == "Qualify the lead"
    url = urlsplit(moves["offer"]["url"])
    assert url.path == f"/tasks/{deal.open_tasks[0].id}" and parse_qs(url.query)["next"] == ["/board"]
    assert f'href="/tasks/{deal.open_tasks[0].id}?next=/board" class="move-link" data-stage="offer">Oferta</a>' \
        in text.replace("%2F", "/")
    assert "sortablejs/Sortable.min.js" in text or 'id="board-no-drag"' in text


def test_completing_the_step_from_the_board_returns_to_the_board(app, engine):
    deal = open_deal(engine)
    client = client_for(app, "rep1")
    task_id = deal.open_tasks[0].id
    form = client.get(f"/tasks/{task_id}?next=/board")
    assert 'id="back-to-board"' in form.text and "next=/board" in form.text.replace("%2F", "/")
    done = client.post(f"/tasks/{task_id}?next=/board", data={"amount": "1000", "interested": "true"})
    assert done.status_code == 303 and done.headers["Location"] == "/board"
    page = client.get("/board").text
    assert page.index('id="column-1-offer"') < page.index(f'id="card-{deal.id}"')
    evil = client.post(f"/tasks/{engine.show_opportunity(deal.id).open_tasks[0].id}?next=//evil.example",
                       data={"result": "accepted"})
    assert evil.headers["Location"] == "/"  # never off the site


def test_totals_stay_per_currency_and_the_table_shows_the_same_deals(app, engine):
    open_deal(engine)
    engine.create_opportunity(title="Euro deal", amount="500.00", currency="EUR", partner="P", actor="manager",
                              attributes={"channel": "retail"})
    client = client_for(app, "manager")
    page = client.get("/board").text
    assert "500.00 EUR" in page and "1\u202f000.00 PLN" in page and "1\u202f500.00" not in page
    table = client.get("/board?view=table")
    assert table.status_code == 200 and 'id="stages-1"' in table.text and 'aria-current="page">Table' in \
        table.text.replace('id="view-table" ', "")
    assert "Euro deal" in table.text and TITLE in table.text and 'class="board-cards"' not in table.text


def test_the_filters_narrow_the_board_and_a_bad_one_is_named(app, engine):
    open_deal(engine)                                   # rep1
    open_deal(engine, title="Other deal", partner="X")  # rep2
    client = client_for(app, "manager")
    assert 'id="filter-owner"' in client.get("/board").text
    page = client.get("/board?owner=rep2").text
    assert "Other deal" in page and TITLE not in page
    bad = client.get("/board?team=sales")
    assert bad.status_code == 400 and 'id="filter-errors"' in bad.text and TITLE in bad.text


def test_the_wrong_user_sees_none_of_the_deals(app, engine):
    open_deal(engine)
    for other in ("rep2", "manager2", "rep3"):
        page = client_for(app, other).get("/board")
        assert page.status_code == 200 and 'id="board-empty"' in page.text
        assert_nothing_leaks(page)
        assert_nothing_leaks(client_for(app, other).get("/board?view=table"))
    anonymous = app.test_client().get("/board")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_move_from_the_board_meets_the_stages_exit_criteria_as_the_task_form_does(db_url, clock, tmp_path):
    """The qualification stage may be left only with an economic buyer in the buying
    center: the board offers the move (the process allows it), the task form it opens
    refuses it, nothing is saved and the card stays where it was."""
    import shutil

    from tests.conftest import BASE_METHODOLOGY, make_engine
    from tests.webui.pages_support import make_app, with_passwords

    folder = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, folder)
    stages = folder / "stages" / "small-deal.yaml"
    stages.write_text(stages.read_text().replace(
        "entered_at: [Task_Qualify]", "entered_at: [Task_Qualify]\n    exit_criteria:\n      buying_center: [economic_buyer]"))
    engine = with_passwords(make_engine(db_url, clock, methodologies=folder))
    try:
        app = make_app(engine)
        deal = open_deal(engine)
        client = client_for(app, "rep1")
        move = _moves(client.get("/board").text, deal.id)["offer"]
        refused = client.post(move["url"], data={"amount": "1000", "interested": "true"})
        assert refused.status_code == 409 and 'id="exit-refused"' in refused.text
        assert 'id="back-to-board"' in refused.text  # the way back survives the refusal
        page = client.get("/board").text
        assert page.index('id="column-1-qualification"') < page.index(f'id="card-{deal.id}"') \
            < page.index('id="column-1-offer"')
        assert engine.show_opportunity(deal.id).stage_id == "qualification"
    finally:
        engine.close()


def test_closing_a_deal_as_lost_from_the_board_is_confirmed_first_then_returns_to_the_board(app, engine):
    deal = open_deal(engine)
    client = client_for(app, "rep1")
    assert f'id="lose-form-{deal.id}"' in client.get("/board").text
    assert f'id="lose-form-{deal.id}"' not in client_for(app, "rep2").get("/board").text  # not rep2's to see
    preview = client.post(f"/opportunities/{deal.id}/lose", data={"reason_code": "price", "next": "/board"})
    assert preview.status_code == 200 and 'name="next" value="/board"' in preview.text
    assert 'id="lose-cancel" href="/board"' in preview.text or 'href="/board" id="lose-cancel"' in preview.text
    assert engine.show_opportunity(deal.id).status == "open"  # nothing changed before the confirmation
    outsider = client_for(app, "rep2").post(f"/opportunities/{deal.id}/lose",
                                            data={"reason_code": "price", "confirmed": "yes", "next": "/board"})
    assert outsider.status_code in (403, 404) and engine.show_opportunity(deal.id).status == "open"
    done = client.post(f"/opportunities/{deal.id}/lose",
                       data={"reason_code": "price", "confirmed": "yes", "next": "/board"})
    assert done.status_code == 303 and done.headers["Location"] == "/board"
    assert engine.show_opportunity(deal.id).status == "lost"


def test_a_long_column_shows_its_first_cards_and_a_link_to_all_of_them(app, engine):
    app.config["BOARD_CARDS_PER_COLUMN"] = 2
    deals = [open_deal(engine, title=f"Deal {i}") for i in range(4)]
    page = client_for(app, "manager").get("/board").text
    assert sum(f'id="card-{d.id}"' in page for d in deals) == 2
    assert 'id="more-1-qualification"' in page and "Show all 4 (2 more)" in page
    expanded = client_for(app, "manager").get("/board?expand=1:qualification").text
    assert all(f'id="card-{d.id}"' in expanded for d in deals) and 'id="more-1-qualification"' not in expanded
    table = client_for(app, "manager").get("/board?view=table").text
    assert all(f'id="deal-{d.id}"' in table for d in deals)  # the table lists every deal


def test_the_manager_hands_a_card_over_from_the_board_and_comes_back_to_it(app, engine):
    """Issue 15: the manager works the board; a hand-over from a card reaches the new
    owner as a notification, and the answer returns to the board it came from."""
    deal = open_deal(engine)  # rep1's, managed by 'manager'
    board = client_for(app, "manager").get("/board").text
    form = board[board.index(f'id="hand-over-form-{deal.id}"'):]
    form = form[:form.index("</form>")]
    assert 'name="next" value="/board"' in form
    assert '<option value="" selected>choose…</option>' in form  # no rep chosen for the manager
    assert 'value="rep2"' in form and 'value="rep1"' not in form  # not to its owner
    assert f'id="hand-over-{deal.id}"' not in client_for(app, "rep1").get("/board").text  # a rep does not hand over
    for outsider in ("rep1", "rep2", "manager2"):
        refused = client_for(app, outsider).post(f"/opportunities/{deal.id}/reassign",
                                                 data={"to": "rep2", "next": "/board"})
        assert refused.status_code in (403, 404), outsider
    assert engine.show_opportunity(deal.id).owner == "rep1" and engine.unread_notification_count(viewer="rep2") == 0

    manager = client_for(app, "manager")
    blank = manager.post(f"/opportunities/{deal.id}/reassign", data={"to": "", "next": "/board?owner=rep1"})
    assert blank.status_code == 303 and blank.headers["Location"] == "/board?owner=rep1"
    assert "Choose who takes the deal" in manager.get("/board").text and engine.show_opportunity(deal.id).owner == "rep1"
    done = manager.post(f"/opportunities/{deal.id}/reassign", data={"to": "rep2", "next": "/board?owner=rep1"})
    assert done.status_code == 303 and done.headers["Location"] == "/board?owner=rep1"
    assert engine.show_opportunity(deal.id).owner == "rep2"
    (notice,) = engine.notifications(viewer="rep2").items
    assert notice.kind == "deal_handed_over" and notice.opportunity_id == deal.id
    back = manager.post(f"/opportunities/{deal.id}/reassign", data={"to": "rep1", "next": "//evil.example"})
    assert back.headers["Location"] == "/"  # never off the site
    plain = manager.post(f"/opportunities/{deal.id}/reassign", data={"to": "rep2"})
    assert plain.headers["Location"] == f"/opportunities/{deal.id}"  # from the deal page: back to it


def test_a_card_whose_next_action_is_past_due_says_it_is_overdue(app, engine, clock):
    deal = open_deal(engine)
    due = deal.open_tasks[0].due_at
    assert due is not None and due > clock()
    client = client_for(app, "rep1")

    def card(view: str = "") -> str:
        page = client.get(f"/board{view}").text
        start = page.index(f'id="{"deal" if view else "card"}-{deal.id}"')
        return page[start:page.index("</tr>" if view else "</li>", start)]

    assert "overdue" not in card() and 'class="meta">· due ' in card()
    clock.now = due + timedelta(hours=1)
    assert '<span class="overdue">· due ' in card() and "· overdue</span>" in card()
    assert 'class="overdue"' in card("?view=table")
