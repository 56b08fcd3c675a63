"""The pipeline board's façade method (issue 15) on SQLite and PostgreSQL: its
columns, totals per column per currency, who sees which cards, which moves the
process offers, and a fixed number of statements however many deals there are."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, event, insert, select
from sqlalchemy.engine import Engine as SqlEngine

from engine.errors import FormError, NotFoundError
from engine.store.models import InboxTask, Opportunity

BASE_COLUMNS = ["lead", "qualification", "offer", "won", "lost"]


def open_deal(engine, title="Cold room", amount="1000.00", currency="PLN", channel="retail"):
    """The base methodology: the first deal goes to rep1, the next to rep2 (round robin)."""
    return engine.create_opportunity(title=title, amount=amount, currency=currency, partner=f"{title} Ltd",
                                     attributes={"channel": channel}, actor="manager")


def cards(view):
    return {card.title: (column.stage_id, card) for b in view.boards for column in b.columns for card in column.cards}


def column(view, stage_id):
    (only,) = [c for b in view.boards for c in b.columns if c.stage_id == stage_id]
    return only


def test_the_columns_are_the_stages_in_order_with_won_and_lost_last(engine):
    open_deal(engine)
    view = engine.board("rep1")
    (board,) = view.boards
    assert [c.stage_id for c in board.columns] == BASE_COLUMNS
    assert [c.name for c in board.columns] == ["Lead", "Kwalifikacja", "Oferta", "Wygrana", "Przegrana"]
    assert board.methodology_name == "Small deal" and [c.outcome for c in board.columns][-2:] == ["won", "lost"]
    stage, card = cards(view)["Cold room"]
    assert stage == "qualification"
    assert (card.owner, card.next_action, card.warnings) == ("rep1", "Qualify the lead", 0)
    assert card.next_action_due is not None and card.amount == Decimal("1000.00") and card.currency == "PLN"


def test_totals_and_weighted_totals_are_per_column_and_per_currency(engine):
    open_deal(engine, "A", "1000.00", "PLN")
    open_deal(engine, "B", "2500.50", "PLN")
    open_deal(engine, "C", "700.00", "EUR")
    qualification = column(engine.board("manager"), "qualification")
    totals = {t.currency: (t.amount, t.expected_revenue) for t in qualification.totals}
    assert totals == {"EUR": (Decimal("700.00"), Decimal("140.00")),
                      "PLN": (Decimal("3500.50"), Decimal("700.10"))}  # 20 % of each, never EUR + PLN
    assert column(engine.board("manager"), "offer").totals == ()
    (board,) = engine.board("manager").boards
    assert [t.currency for t in board.totals] == ["EUR", "PLN"]


def test_a_rep_sees_their_own_deals_the_manager_their_teams_and_others_none(engine):
    open_deal(engine, "Mine")      # rep1
    open_deal(engine, "Theirs")    # rep2
    assert set(cards(engine.board("rep1"))) == {"Mine"}
    assert set(cards(engine.board("rep2"))) == {"Theirs"}
    assert set(cards(engine.board("manager"))) == {"Mine", "Theirs"}
    assert cards(engine.board("manager2")) == {} and engine.board("manager2").boards == ()
    assert cards(engine.board("rep3")) == {}
    assert set(cards(engine.board("admin"))) == {"Mine", "Theirs"}
    with pytest.raises(NotFoundError):
        engine.board("nobody")


def test_the_moves_offered_are_the_stages_an_open_task_the_viewer_may_complete_leads_to(engine):
    deal = open_deal(engine)
    _, card = cards(engine.board("rep1"))["Cold room"]
    (move,) = card.moves
    assert (move.stage_id, move.stage_name, move.task_name) == ("offer", "Oferta", "Qualify the lead")
    assert move.task_id == deal.open_tasks[0].id
    _, managed = cards(engine.board("manager"))["Cold room"]
    assert [m.stage_id for m in managed.moves] == ["offer"]  # the deal's manager may complete it
    engine.create_user("designer", "designer")
    _, seen = cards(engine.board("designer"))["Cold room"]
    assert seen.moves == ()  # a designer sees every deal but works none
    engine.complete_task(move.task_id, actor="rep1", data={"amount": 1000, "interested": True})
    stage, card = cards(engine.board("rep1"))["Cold room"]
    assert stage == "offer"
    assert [(m.stage_id, m.task_name) for m in card.moves] == [("won", "Send the offer"), ("lost", "Send the offer")]


def test_closed_deals_stand_in_the_won_and_lost_columns(engine):
    won = open_deal(engine, "Won deal")
    lost = open_deal(engine, "Lost deal")
    engine.complete_task(won.open_tasks[0].id, actor="rep1", data={"amount": 1000, "interested": True})
    offer = engine.show_opportunity(won.id).open_tasks[0]
    engine.complete_task(offer.id, actor="rep1", data={"result": "accepted"})
    engine.close_as_lost(lost.id, actor="manager", reason_code="price", reason="too dear")
    view = engine.board("manager")
    assert cards(view)["Won deal"][0] == "won" and cards(view)["Lost deal"][0] == "lost"
    assert cards(view)["Won deal"][1].moves == () and cards(view)["Won deal"][1].next_action is None
    assert {t.currency: t.expected_revenue for t in column(view, "won").totals} == {"PLN": Decimal("1000.00")}


def test_the_filters_narrow_the_board_and_a_bad_one_is_named(engine):
    open_deal(engine, "Mine")
    open_deal(engine, "Theirs")
    assert set(cards(engine.board("manager", {"owner": "rep2"}))) == {"Theirs"}
    assert cards(engine.board("manager", {"methodology": "nothing-like-it"})) == {}
    assert cards(engine.board("manager", {"segment": "no-such-segment"})) == {}
    view = engine.board("manager")
    assert [u for u, _ in view.owners] == ["rep1", "rep2"] and view.methodologies[0][1] == "Small deal"
    team_id = view.teams[0][0]
    assert set(cards(engine.board("manager", {"team": str(team_id)}))) == {"Mine", "Theirs"}
    with pytest.raises(FormError) as err:
        engine.board("manager", {"team": "sales", "owner": "x" * 81})
    assert set(err.value.fields) == {"team", "owner"}


def _count_statements(engine, viewer):
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
    event.listen(SqlEngine, "before_cursor_execute", count)
    try:
        view = engine.board(viewer)
    finally:
        event.remove(SqlEngine, "before_cursor_execute", count)
    return len(seen), view


def test_the_board_takes_the_same_statements_for_two_deals_as_for_a_thousand(engine, db_url):
    first = open_deal(engine, "Seed")
    engine.board("manager")  # the catalog has read the methodology version
    few, view = _count_statements(engine, "manager")
    assert len(cards(view)) == 1
    database = create_engine(engine.url)
    with database.begin() as connection:
        row = dict(connection.execute(select(Opportunity.__table__).where(Opportunity.id == first.id)).mappings().one())
        task = dict(connection.execute(select(InboxTask.__table__)
                                       .where(InboxTask.opportunity_id == first.id)).mappings().one())
        row.pop("id")
        ids = [connection.execute(insert(Opportunity.__table__).values({**row, "title": f"Copy {n}"})
                                  .returning(Opportunity.id)).scalar() for n in range(999)]
        connection.execute(insert(InboxTask.__table__), [{**task, "id": str(uuid.uuid4()), "opportunity_id": i}
                                                         for i in ids])
    database.dispose()
    many, view = _count_statements(engine, "manager")
    assert (len(cards(view)), view.boards[0].count) == (40, 1000)  # each column's first cards; all counted
    assert many == few <= 15, few
    assert all(len(card.moves) == 1 for _, card in cards(view).values())


def test_a_column_shows_its_first_cards_and_counts_and_totals_every_deal_in_it(engine):
    for i in range(5):
        open_deal(engine, title=f"Deal {i}", amount="100.00")
    view = engine.board("manager", cards_per_column=3)
    shown = column(view, "qualification")
    assert (len(shown.cards), shown.count, shown.hidden, view.boards[0].count) == (3, 5, 2, 5)
    assert [(t.currency, t.amount) for t in shown.totals] == [("PLN", Decimal("500.00"))]
    version = view.boards[0].version_id
    expanded = engine.board("manager", {"expand": f"{version}:qualification"}, cards_per_column=3)
    assert (len(column(expanded, "qualification").cards), column(expanded, "qualification").hidden) == (5, 0)
    assert len(engine.board("manager", cards_per_column=None).boards[0].columns[1].cards) == 5


def test_a_card_may_be_closed_as_lost_by_its_owner_and_manager_only_while_open(engine):
    deal = open_deal(engine)  # rep1's
    assert cards(engine.board("rep1"))["Cold room"][1].may_close
    assert cards(engine.board("manager"))["Cold room"][1].may_close
    assert [r.id for r in engine.board("rep1").boards[0].lost_reasons][:2] == ["price", "competitor"]
    engine.close_as_lost(deal.id, actor="rep1", reason_code="price")
    assert not cards(engine.board("manager"))["Cold room"][1].may_close
