"""A step's stage move moves the deal's kept part in the stage figures on in place
(``engine.store.stage_totals``: the stored part and the deal's newest history rows,
not its whole history), and the result is what the full recomputation from the
history gives, row for row, in the same transaction: through the shipped
methodologies' walks (won, lost, a C-class key account nurtured and requalified —
a move back), the analysis history (a swap of methodology, its reversal, a loss by
hand, a reassignment, a hand-over), amount edits, steps with no stage change, and a
failed step retried on a fixed version. Moves the history does not confirm (a
savepoint's rollback took them) are recomputed from the whole history. SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.demo.answers import ANSWERS
from engine.demo.walk import meet_exit_criteria, next_step, run_demo, setup_people
from engine.service import Engine, unit_of_work
from engine.service import stage_totals as service_stage_totals
from engine.store import stage_totals
from engine.store.analysis_models import DealStageFact
from engine.store.models import Opportunity
from tests.conftest import SHIPPED, make_engine
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, deal_at_offer, methodology_with_script
from tests.service.test_deal_parts_moved_on import opened_by_the_first_qualified_by_the_second
from tests.service.analysis_history import seed_history


@pytest.fixture
def moved_on(monkeypatch) -> list[int]:
    """Every deal whose part is moved on in place, that part compared with the same
    deal's part recomputed from its whole history in the same transaction; the ids."""
    original = stage_totals._moved_on
    ids: list[int] = []

    def compared(session, chunk, moved, positions_of, staged):
        stored, fresh, whole = original(session, chunk, moved, positions_of, staged)
        confirmed = [i for i in chunk if i not in whole]
        if confirmed:
            _, moves = stage_totals._old_parts_and_moves(session, confirmed)
            recomputed = stage_totals._parts_of(moves, positions_of, stage_totals._fact_tuple)
            assert fresh == {stage_totals._part_key_of(row): row for row in recomputed}
        ids.extend(confirmed)
        return stored, fresh, whole

    monkeypatch.setattr(stage_totals, "_moved_on", compared)
    return ids


def assert_parts_are_the_history_s(engine) -> None:
    """Every deal's stored part is its part recomputed from its history, and the sums
    are the sums of the parts."""
    with unit_of_work.read(engine.context) as session:
        ids = list(session.scalars(select(Opportunity.id).order_by(Opportunity.id)))
        positions = service_stage_totals._positions(engine.context.catalog, session)
        recomputed = sorted(tuple(sorted(row.items())) for row in stage_totals._parts(session, ids, positions))
        stored = sorted(tuple(sorted(row._mapping.items())) for row in session.execute(select(DealStageFact.__table__)))
        assert stored == recomputed and stored
        assert stage_totals.kept(session) == stage_totals.summed_parts(session)


def walk(engine, clock, deal, answers: dict[str, list[dict]] | None = None):
    """Complete the deal's process steps with the demo's answers (``answers``: per
    task, the answers of its first visits, each used once), a few hours apart."""
    answers = {node: list(visits) for node, visits in (answers or {}).items()}
    while (task := next_step(deal)) is not None:
        clock.advance(hours=5)
        deal = meet_exit_criteria(engine, deal)
        data = {**ANSWERS.get(task.node_id, {}), **(answers.get(task.node_id) or [{}]).pop(0)}
        deal = engine.complete_task(task.id, actor=task.assignee or "manager", data=data)
    return deal


C_CLASS = {"annual_volume": "under_250k", "strategic_fit": "weak", "decision_access": "none",
           "listing_budget": "none", "incumbent_position": "entrenched"}


@pytest.fixture
def shipped(db_url, clock):
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    yield engine
    engine.close()


def test_the_shipped_walks_move_the_parts_on_as_the_history_recomputes_them(shipped, clock, moved_on):
    finished = run_demo(shipped, str(SHIPPED), say=lambda _line: None)
    assert sorted(o.status for o in finished) == ["lost", "lost", "won", "won", "won"]
    assert len({o.methodology_id for o in finished}) >= 3
    assert len(moved_on) >= 20  # the steps' moves were moved on in place, not recomputed
    assert_parts_are_the_history_s(shipped)


def test_a_key_account_nurtured_and_requalified_moves_back_and_on(shipped, clock, moved_on):
    setup_people(shipped, str(SHIPPED))
    shipped.deploy(str(SHIPPED), actor="designer")
    deal = shipped.create_opportunity(title="Chain", amount="120000.00", currency="PLN", partner="Sieć",
                                      attributes={"channel": "retail_chain", "territory": "PL-MZ"}, actor="manager")
    won = walk(shipped, clock, deal, {"Task_QualifyAccount": [C_CLASS],
                                      "Task_Nurture": [{"nurture_outcome": "requalify", "nurture_note": "new buyer"}],
                                      "Task_ApproveTerms": [{"terms_approval": "rework"}]})
    stages = [c.to_stage for c in won.stage_history]
    assert stages[:3] == ["qualification", "nurturing", "qualification"] and won.status == "won"
    assert deal.id in moved_on
    assert_parts_are_the_history_s(shipped)


def test_the_analysis_history_swaps_and_hand_overs_keep_the_parts_the_history_s(engine, clock, moved_on):
    history = seed_history(engine, clock)  # moves, a win, losses, a swap, a loss by hand
    assert {history["A"].id, history["B"].id} <= set(moved_on)
    assert_parts_are_the_history_s(engine)
    engine.edit_deal(history["D"].id, {"amount": "3500.00"}, actor="manager")  # no move: nothing to move on
    engine.reassign_opportunity(history["E"].id, to="rep1", actor="manager")
    engine.hand_over_partner(history["D"].partner_id, to="rep1", actor="manager")
    engine.reverse_swap(history["swap"].swap_id, actor="manager")
    assert_parts_are_the_history_s(engine)
    clock.advance(days=1)
    d = engine.show_opportunity(history["D"].id)
    d = engine.complete_task(next_step(d).id, actor=d.owner, data={"amount": 3500, "interested": True})
    assert history["D"].id not in moved_on and d.stage_id == "offer"  # the hand-over's part was not kept: read
    assert_parts_are_the_history_s(engine)
    clock.advance(days=1)
    won = engine.complete_task(next_step(d).id, actor=d.owner, data={"result": "accepted"})
    assert moved_on.count(d.id) == 1 and won.status == "won"  # under its new owner, moved on in place
    assert_parts_are_the_history_s(engine)


@pytest.fixture
def broken_engine(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0", BROKEN_SCRIPT))
    yield engine
    engine.close()


def test_a_failed_step_and_its_retry_on_a_fixed_version(broken_engine, tmp_path, clock, moved_on):
    deal = deal_at_offer(broken_engine)  # opened (recomputed and kept), then one move, moved on
    assert moved_on.count(deal.id) == 1
    clock.advance(hours=3)
    failed = broken_engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    assert failed.error_message and failed.stage_id == "offer"
    assert_parts_are_the_history_s(broken_engine)
    broken_engine.deploy(str(methodology_with_script(tmp_path, "fixed", "2.1", "if tier == 'gold':")))
    clock.advance(hours=3)
    fixed = broken_engine.retry(deal.id, actor="manager", upgrade=True)  # a new version: the whole history
    assert (fixed.status, fixed.stage_id) == ("won", "won")
    assert moved_on.count(deal.id) == 1
    assert_parts_are_the_history_s(broken_engine)


def test_a_move_a_savepoint_rolled_back_is_recomputed_from_the_history(engine, clock, moved_on):
    deal = deal_at_offer(engine)  # its part kept in this process
    clock.advance(days=1)
    before = moved_on.count(deal.id)

    def noted_then_rolled_back(session):
        # A move noted inside a savepoint that rolls back (a timer's failed firing):
        # nothing else tells that its history row is not there.
        opportunity = session.get(Opportunity, deal.id)
        with session.begin_nested() as savepoint:
            stage_totals.mark_move(session, opportunity, opportunity.stage_id, clock.now)
            savepoint.rollback()

    unit_of_work.run(engine.context, noted_then_rolled_back)
    assert moved_on.count(deal.id) == before  # recomputed from the history, which has no such move
    assert_parts_are_the_history_s(engine)


def test_a_deal_another_process_stepped_is_recomputed_then_moved_on_again(engines, clock, moved_on):
    first, _ = engines
    deal, offer = opened_by_the_first_qualified_by_the_second(engines, clock)
    assert moved_on.count(deal.id) == 0  # the second kept nothing of it: read
    clock.advance(hours=1)
    won = first.complete_task(offer.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    assert won.stage_id == "won" and moved_on.count(deal.id) == 0  # what the first kept is stale: read
    assert_parts_are_the_history_s(first)


def test_a_deal_kept_moves_on_without_reading_its_history(engine, clock, moved_on):
    deal = deal_at_offer(engine)  # opened: recomputed and kept; qualified: moved on
    assert moved_on.count(deal.id) == 1
    clock.advance(hours=1)
    won = engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    assert won.stage_id == "won" and moved_on.count(deal.id) == 2
    assert_parts_are_the_history_s(engine)
