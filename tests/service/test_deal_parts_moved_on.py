"""A step that changes a deal moves its kept part in the report totals on in place
(``engine.store.deal_totals``: from the part this process kept and the deal's columns
as the session holds them, one guarded UPDATE instead of a read), and the result is
what the full recomputation from the deal and its card gives, row for row, in the same
transaction: through the shipped methodologies' walks (won, lost), the analysis
history (a swap and its reversal, a loss by hand, a reassignment, a hand-over), amount
edits. What the kept part cannot vouch for — a savepoint rolled back, a deal or card
another engine wrote — is recomputed from the deal as stored. And every statement that
writes a deal row moves its ``row_version`` (what the guard checks). SQLite and
PostgreSQL."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine as SqlEngine

from engine.demo.walk import next_step, run_demo
from engine.service import Engine, unit_of_work
from engine.store import deal_totals
from engine.store.models import Opportunity
from tests.conftest import SHIPPED
from tests.engine.test_errors_and_retry import deal_at_offer
from tests.service.analysis_history import seed_history


@pytest.fixture(autouse=True)
def deal_writes_move_the_row_version():
    """Every UPDATE of a deal row sent in these tests sets its ``row_version`` (the
    in-place guard and the optimistic locks rely on it): a writer that forgets fails
    the test that runs it. The statements, for the tests to see that there were some."""
    seen: list[str] = []

    def check(_connection, _cursor, statement, _parameters, _context, _many):
        text = " ".join(statement.split()).lower()
        at = text.find("update opportunities set ")
        if at < 0 or _migrating():
            return
        values, _, where = text[at:].partition(" where ")
        if where.startswith("0 = 1"):
            return  # SQLite's write lock taken by writing nothing (engine.store.opportunities)
        seen.append(text)
        assert "row_version" in values, f"a deal written without its row_version: {text}"

    event.listen(SqlEngine, "before_cursor_execute", check)
    yield seen
    event.remove(SqlEngine, "before_cursor_execute", check)


def _migrating() -> bool:
    """Whether an Alembic migration runs the statement (a schema upgrade fills columns
    of every deal at once, with no process holding any of them)."""
    frame = sys._getframe(2)
    while frame is not None:
        if "/migrations/versions/" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


@pytest.fixture
def moved_on(monkeypatch) -> list[int]:
    """Every deal whose part is moved on in place, the part it replaced compared with
    the part stored before, and the new part with the part recomputed from the deal
    and its card in the same transaction; the ids."""
    original = deal_totals._moved_on
    ids: list[int] = []

    def compared(session, chunk, noted, staged):
        before = deal_totals.stored_parts(session)
        old, new, whole = original(session, chunk, noted, staged)
        confirmed = [i for i in chunk if i not in whole]
        if confirmed:
            assert sorted(old, key=_id) == [before[i] for i in sorted(confirmed)]
            recomputed = deal_totals.parts(session, confirmed)
            assert sorted(new, key=_id) == sorted(recomputed, key=_id)
            stored = deal_totals.stored_parts(session)
            assert [stored[i] for i in sorted(confirmed)] == sorted(recomputed, key=_id)
        ids.extend(confirmed)
        return old, new, whole

    monkeypatch.setattr(deal_totals, "_moved_on", compared)
    return ids


def _id(part: dict) -> int:
    return part["opportunity_id"]


def assert_parts_are_the_deals(engine) -> None:
    """Every deal's stored part is its part recomputed from the deal and its card, and
    the sums are the sums of those parts."""
    with unit_of_work.read(engine.context) as session:
        sums, fresh = deal_totals.recount(session)
        assert deal_totals.stored_parts(session) == fresh and fresh
        assert deal_totals.kept(session) == sums


@pytest.fixture
def shipped(db_url, clock):
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    yield engine
    engine.close()


def test_the_shipped_walks_move_the_parts_on_as_the_deals_recompute_them(shipped, clock, moved_on,
                                                                          deal_writes_move_the_row_version):
    finished = run_demo(shipped, str(SHIPPED), say=lambda _line: None)
    assert sorted(o.status for o in finished) == ["lost", "lost", "won", "won", "won"]
    assert len(moved_on) >= 20  # the steps' parts were moved on in place, not read
    assert deal_writes_move_the_row_version  # the guard saw the deals' writes
    assert_parts_are_the_deals(shipped)


def test_the_analysis_history_edits_swaps_and_hand_overs_keep_the_parts_the_deals(engine, clock, moved_on):
    history = seed_history(engine, clock)  # moves, a win, losses, a swap, a loss by hand
    assert {history["A"].id, history["B"].id} <= set(moved_on)
    assert_parts_are_the_deals(engine)
    d = history["D"]
    before = moved_on.count(d.id)
    engine.edit_deal(d.id, {"amount": "3500.00"}, actor="manager")  # an amount edit: moved on
    assert moved_on.count(d.id) == before + 1
    engine.reassign_opportunity(history["E"].id, to="rep1", actor="manager")
    engine.hand_over_partner(d.partner_id, to="rep1", actor="manager")  # a Core writer: recomputed
    engine.reverse_swap(history["swap"].swap_id, actor="manager")
    assert_parts_are_the_deals(engine)
    clock.advance(days=1)
    d = engine.show_opportunity(d.id)
    d = engine.complete_task(next_step(d).id, actor=d.owner, data={"amount": 3500, "interested": True})
    assert d.stage_id == "offer" and moved_on.count(d.id) == before + 2  # kept from the hand-over's recomputation
    assert_parts_are_the_deals(engine)
    clock.advance(days=1)
    won = engine.complete_task(next_step(d).id, actor=d.owner, data={"result": "accepted"})
    assert won.status == "won" and moved_on.count(d.id) == before + 3
    assert_parts_are_the_deals(engine)


def test_a_deal_kept_moves_on_without_a_read_and_a_loss_by_hand_too(engine, clock, moved_on):
    deal = deal_at_offer(engine)  # opened: recomputed and kept; qualified: moved on
    assert moved_on.count(deal.id) == 1
    clock.advance(hours=1)
    lost = engine.close_as_lost(deal.id, actor="manager", reason_code="price")
    assert lost.status == "lost" and moved_on.count(deal.id) == 2
    assert_parts_are_the_deals(engine)


def test_a_change_a_savepoint_rolled_back_is_recomputed_from_the_deal(engine, clock, moved_on):
    deal = deal_at_offer(engine)  # its part kept in this process
    before = moved_on.count(deal.id)

    def changed_then_rolled_back(session):
        # A change written inside a savepoint that rolls back (a timer's failed firing).
        opportunity = session.get(Opportunity, deal.id)
        with session.begin_nested() as savepoint:
            opportunity.amount = opportunity.amount * 3
            session.flush()
            savepoint.rollback()

    unit_of_work.run(engine.context, changed_then_rolled_back)
    assert moved_on.count(deal.id) == before  # recomputed from the deal as stored
    assert_parts_are_the_deals(engine)
    clock.advance(hours=1)
    won = engine.complete_task(engine.show_opportunity(deal.id).open_tasks[0].id, actor=deal.owner,
                               data={"result": "accepted"})
    assert won.status == "won" and moved_on.count(deal.id) == before + 1
    assert_parts_are_the_deals(engine)


def opened_by_the_first_qualified_by_the_second(engines, clock):
    """A deal the first engine opened (its parts kept there) and the second qualified
    (the second kept nothing of it: recomputed); (the deal as opened, at the offer)."""
    first, second = engines
    deal = first.create_opportunity(title="Deal", amount="20000.00", partner="P", actor="manager",
                                    attributes={"channel": "retail"})
    clock.advance(hours=1)
    return deal, second.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "20000"})


def test_a_deal_another_engine_stepped_is_recomputed_then_moved_on_again(engines, clock, moved_on):
    first, _ = engines
    deal, offer = opened_by_the_first_qualified_by_the_second(engines, clock)
    assert moved_on.count(deal.id) == 0
    clock.advance(hours=1)
    edited = first.edit_deal(deal.id, {"amount": "25000.00"}, actor="manager")
    assert moved_on.count(deal.id) == 0 and edited.amount == 25000  # what the first kept is stale: read
    clock.advance(hours=1)
    won = first.complete_task(offer.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    assert won.status == "won" and moved_on.count(deal.id) == 1  # kept by the first's edit: moved on
    assert_parts_are_the_deals(first)


def test_a_card_another_engine_edited_is_recomputed_from_the_card(engines, clock, moved_on):
    first, second = engines
    deal = deal_at_offer(first)  # its source and campaign are its card's (none): kept by the first
    assert moved_on.count(deal.id) == 1
    second.update_partner(deal.partner_id, actor="manager", source="fair", campaign="spring")
    clock.advance(hours=1)
    won = first.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    assert won.status == "won" and moved_on.count(deal.id) == 1  # the stored part is not the kept one: read
    with unit_of_work.read(first.context) as session:
        assert (deal_totals.stored_parts(session)[deal.id]["source"], "fair") == ("fair", "fair")
    assert_parts_are_the_deals(first)
