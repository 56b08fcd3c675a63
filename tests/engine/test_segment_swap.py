"""Swapping a segment's methodology (M7): new deals follow the new methodology, open
deals move to the mapped stage keeping history, data, buying center, scores and
completed tasks; dry run, audit, reversal and who may. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import ConflictError, DealflowError, NotFoundError, PermissionDeniedError
from engine.store.models import Contact, InboxTask, Opportunity, MethodologySwap, SwapMove
from tests.conftest import REPO, make_engine

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"


@pytest.fixture
def engine(db_url, clock):
    engine = make_engine(db_url, clock)
    engine.deploy(str(SWAP_TARGET), actor="admin")
    yield engine
    engine.close()


def horeca_deal(engine, title="Bistro"):
    return engine.create_opportunity(title=title, amount="1000.00", partner="Bistro Sp. z o.o.", actor="manager",
                                     attributes={"channel": "horeca", "territory": "PL-N"})


def at_offer(engine, title="Hotel"):
    deal = horeca_deal(engine, title)
    return engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "1000", "interested": True})


def state_of(engine, opportunity_id):
    with engine._sessions() as session:
        return session.scalar(select(Opportunity.workflow_state).where(Opportunity.id == opportunity_id))


def test_a_dry_run_says_how_many_move_where_and_why_others_cannot_and_changes_nothing(engine):
    fresh = [horeca_deal(engine, f"Cafe {i}") for i in range(2)]
    offer = at_offer(engine)
    engine.create_opportunity(title="Retail", amount="5.00", partner="R", actor="manager",
                              attributes={"channel": "retail"})  # another segment: not counted
    report = engine.swap_segment("horeca", "quick-deal", dry_run=True, actor="manager")
    assert (report.dry_run, report.swap_id, report.from_methodology, report.to_methodology) == (
        True, None, "small-deal@1.0", "quick-deal@1.0")
    assert [(m.from_stage, m.to_stage, m.count) for m in report.moves] == [("qualification", "qualification", 2)]
    assert [(n.reason, n.opportunity_ids) for n in report.not_moved] == [
        ("no stage 'offer' in quick-deal and the stage map does not say where it goes", (offer.id,))]
    assert engine.list_swaps() == []
    assert {engine.show_opportunity(d.id).methodology_id for d in fresh} == {"small-deal"}
    assert horeca_deal(engine).methodology_id == "small-deal"


def test_a_swap_moves_open_deals_keeping_history_data_contacts_scores_and_completed_tasks(engine, clock):
    offer = at_offer(engine)
    fresh = horeca_deal(engine)
    engine.add_contact(offer.id, actor="rep1", name="Anna Nowak", job_title="Owner", role="economic_buyer",
                       influence=5, attitude="supporter")
    engine.answer_questionnaire(offer.id, "qualification", {"budget": "yes", "timeline": "later"}, actor="rep1")
    before = engine.show_opportunity(offer.id)
    clock.advance(hours=1)

    report = engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")

    assert report.moved == 2 and report.not_moved == ()
    assert sorted((m.from_stage, m.to_stage, m.count) for m in report.moves) == [
        ("offer", "proposal", 1), ("qualification", "qualification", 1)]
    moved = engine.show_opportunity(offer.id)
    assert (moved.methodology_id, moved.stage_id, moved.probability) == ("quick-deal", "proposal", 60)
    facts = [(s.from_stage, s.to_stage, s.probability, s.changed_by, s.changed_at) for s in moved.stage_history]
    assert facts[:-1] == [(s.from_stage, s.to_stage, s.probability, s.changed_by, s.changed_at)
                          for s in before.stage_history]
    assert (moved.stage_history[-1].from_stage, moved.stage_history[-1].to_stage) == ("offer", "proposal")
    # Earlier stages keep the names of the methodology they were entered in.
    assert [s.to_stage_name for s in moved.stage_history] == [
        s.to_stage_name for s in before.stage_history] + ["Proposal"]
    assert "Oferta" in [s.to_stage_name for s in moved.stage_history]
    assert moved.events[:len(before.events)] == before.events
    swapped = moved.events[-1]
    assert swapped.kind == "methodology_swapped" and swapped.actor == "manager"
    assert swapped.data == {"swap": report.swap_id, "from_methodology": "small-deal@1.0",
                            "to_methodology": "quick-deal@1.0", "from_stage": "offer", "to_stage": "proposal"}
    done = [(t.id, t.name, t.status, t.completed_by, t.completed_at) for t in before.completed_tasks]
    assert [(t.id, t.name, t.status, t.completed_by, t.completed_at) for t in moved.completed_tasks] == done
    assert [(t.kind, t.name, t.assignee) for t in moved.open_tasks] == [
        ("workflow", "Send a proposal", "rep1"), ("activity", "Check the price list", "rep1")]
    suggested = moved.open_tasks[1]  # the new stage's suggested activity, as entering it would give
    assert (suggested.node_id, suggested.instructions, suggested.due_at) == (
        "proposal/price_check", "Use this quarter's list.", clock.now + timedelta(days=2))
    assert moved.next_action_at == clock.now + timedelta(days=2)
    with engine._sessions() as session:
        old_task = session.get(InboxTask, before.open_tasks[0].id)
        assert old_task.status == "cancelled"
        contact = session.scalar(select(Contact).where(Contact.opportunity_id == offer.id))
        assert (contact.name, contact.role) == ("Anna Nowak", "economic_buyer")
        row = session.get(Opportunity, offer.id)
        assert (row.scores["qualification"]["score"], row.score, row.score_class) == ("80.0", 80, "A")
    runner = engine._catalog.runner(None, moved.methodology_version_id)
    assert runner.data(state_of(engine, offer.id))["amount"] == 1000  # the workflow data came along

    same = engine.show_opportunity(fresh.id)  # same stage id: still a history row and the event
    assert (same.stage_history[-1].from_stage, same.stage_history[-1].to_stage) == ("qualification",
                                                                                   "qualification")
    assert same.events[-1].kind == "methodology_swapped" and same.probability == 25
    assert same.next_timer_at is not None  # the new process's boundary timer waits

    newcomer = horeca_deal(engine)
    assert (newcomer.methodology_id, newcomer.stage_id) == ("quick-deal", "qualification")
    [segment] = [s for s in engine.list_segments(viewer="manager") if s.id == "horeca"]
    assert (segment.methodology, segment.chosen_by, segment.pinned, segment.open_deals) == (
        "quick-deal@1.0", "swap", False, 3)


def test_a_moved_deal_runs_on_to_won_on_the_new_process(engine):
    deal = at_offer(engine)
    engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
    deal = engine.complete_task(engine.show_opportunity(deal.id).open_tasks[0].id, actor="rep1", data={})
    assert deal.stage_id == "review"
    for task in deal.open_tasks:
        deal = engine.complete_task(task.id, actor="rep1", data={})
    deal = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"decision": "accepted"})
    assert (deal.status, deal.stage_id, deal.probability) == ("won", "won", 100)


def test_stage_map_names_are_checked_against_both_stage_tables(engine):
    horeca_deal(engine)
    with pytest.raises(DealflowError) as caught:
        engine.swap_segment("horeca", "quick-deal", stage_map={"ofer": "proposal"}, dry_run=True, actor="manager")
    assert str(caught.value) == "stage map ofer=proposal: 'ofer' is not a stage of small-deal; did you mean 'offer'?"
    with pytest.raises(DealflowError) as caught:
        engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "propsal"}, actor="manager")
    assert str(caught.value) == "stage map offer=propsal: 'propsal' is not a stage of quick-deal; did you mean 'proposal'?"
    assert engine.list_swaps() == []  # the failed swap left no audit row


def test_unknown_segments_and_methodologies_are_one_line_errors(engine):
    with pytest.raises(NotFoundError, match=r"no segment 'horca'; did you mean 'horeca'\?"):
        engine.swap_segment("horca", "quick-deal", actor="manager")
    with pytest.raises(NotFoundError, match="methodology 'quick-deal@9' is not deployed"):
        engine.swap_segment("horeca", "quick-deal", version="9", actor="manager")


def test_deals_that_cannot_move_stay_where_they_are_with_their_reason(engine):
    failed, parallel, closing = horeca_deal(engine, "Failed"), at_offer(engine, "Offer 1"), at_offer(engine, "Offer 2")
    with engine._sessions() as session, session.begin():
        session.execute(update(Opportunity).where(Opportunity.id == failed.id).values(error_message="boom"))
    report = engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "review"}, actor="manager")
    reasons = {n.reason: n.opportunity_ids for n in report.not_moved}
    assert reasons == {
        "a step failed (boom); retry or fix it first": (failed.id,),
        "stage 'review' of quick-deal is entered where a swap cannot start: Task_Legal is on a parallel branch":
            (parallel.id, closing.id)}
    assert report.moved == 0
    assert engine.show_opportunity(parallel.id).methodology_id == "small-deal"
    report = engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "won"}, dry_run=True, actor="manager")
    assert [n.reason for n in report.not_moved][-1] == (
        "stage 'won' of quick-deal closes the deal (won); a swap moves open deals to open stages")


def test_swapping_to_what_the_segment_already_follows_with_nothing_to_move_is_a_conflict(engine):
    horeca_deal(engine)
    engine.swap_segment("horeca", "quick-deal", actor="manager")
    with pytest.raises(ConflictError) as caught:
        engine.swap_segment("horeca", "quick-deal", actor="manager")
    assert str(caught.value) == ("segment 'horeca' already follows quick-deal@1.0 and none of its open deals "
                                 "is on another version")


def test_reversing_a_swap_restores_untouched_deals_exactly_and_moves_touched_ones_back(engine, clock):
    untouched, touched = at_offer(engine, "Untouched"), horeca_deal(engine, "Touched")
    worked, closed = horeca_deal(engine, "Worked"), horeca_deal(engine, "Closed")
    old_state, old_task = state_of(engine, untouched.id), untouched.open_tasks[0].id
    swap = engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
    clock.advance(hours=2)
    engine.reassign_opportunity(touched.id, to="rep2", actor="manager")  # touched, still in its stage
    worked = engine.complete_task(engine.show_opportunity(worked.id).open_tasks[0].id, actor="rep1",
                                  data={"budget_confirmed": True})
    assert worked.stage_id == "proposal"
    with engine._sessions() as session, session.begin():
        session.execute(update(Opportunity).where(Opportunity.id == closed.id).values(status="lost"))

    report = engine.reverse_swap(swap.swap_id, actor="manager2")

    assert (report.reverses_id, report.from_methodology, report.to_methodology) == (
        swap.swap_id, "quick-deal@1.0", "small-deal@1.0")
    assert report.moved == 2
    assert [(n.reason, n.opportunity_ids) for n in report.not_moved] == [
        ("closed (lost) since the swap", (closed.id,)),
        ("stage 'offer' of small-deal is entered where a swap cannot start: Task_Offer is inside subprocess "
         "Sub_Offer", (worked.id,))]
    back = engine.show_opportunity(untouched.id)
    assert (back.methodology_id, back.stage_id, back.probability) == ("small-deal", "offer", 50)
    assert state_of(engine, untouched.id) == old_state
    assert [t.id for t in back.open_tasks] == [old_task]  # the very task it had
    assert [s.to_stage for s in back.stage_history][-2:] == ["proposal", "offer"]
    assert back.events[-1].data["reverses"] == swap.swap_id
    moved_back = engine.show_opportunity(touched.id)  # started again at its old stage's node
    assert (moved_back.methodology_id, moved_back.stage_id, moved_back.owner) == ("small-deal", "qualification",
                                                                                  "rep2")
    assert [(t.name, t.assignee) for t in moved_back.open_tasks] == [("Qualify the lead", "rep2")]
    assert engine.show_opportunity(worked.id).methodology_id == "quick-deal"
    assert horeca_deal(engine).methodology_id == "small-deal"
    [segment] = [s for s in engine.list_segments(viewer="admin") if s.id == "horeca"]
    assert segment.chosen_by == "routing"
    swaps = engine.list_swaps("horeca")
    assert [(w.id, w.reverses_id, w.reversed_by_id, w.reversible) for w in swaps] == [
        (report.swap_id, swap.swap_id, None, False), (swap.swap_id, None, report.swap_id, False)]
    with pytest.raises(ConflictError, match="already reversed"):
        engine.reverse_swap(swap.swap_id, actor="manager")
    with pytest.raises(ConflictError, match="itself the reversal"):
        engine.reverse_swap(report.swap_id, actor="manager")
    with pytest.raises(NotFoundError):
        engine.reverse_swap(999, actor="manager")


def test_a_reason_only_a_reversal_meets_is_said_with_names_too_and_recorded_with_ids(engine):
    """As the preview's "why not" (NotMoved.explanation): the page gets the stage and the
    methodology by name; the command line and the swap's record keep the ids."""
    worked = horeca_deal(engine, "Worked")
    swap = engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
    engine.complete_task(engine.show_opportunity(worked.id).open_tasks[0].id, actor="rep1",
                         data={"budget_confirmed": True})  # now in 'proposal', which maps back to 'offer'
    report = engine.reverse_swap(swap.swap_id, actor="manager")
    [stays] = report.not_moved
    assert stays.opportunity_ids == (worked.id,)
    assert stays.reason == ("stage 'offer' of small-deal is entered where a swap cannot start: Task_Offer is inside "
                            "subprocess Sub_Offer")
    assert stays.explanation == ("stage 'Oferta' of Small deal 1.0 is entered where a swap cannot start: Task_Offer "
                                 "is inside subprocess Sub_Offer")
    with engine._sessions() as session:
        recorded = session.get(MethodologySwap, report.swap_id).not_moved
    assert recorded == {stays.reason: [worked.id]}


def test_only_the_latest_swap_of_a_segment_can_be_reversed(engine):
    horeca_deal(engine)
    first = engine.swap_segment("horeca", "quick-deal", actor="manager")
    second = engine.swap_segment("horeca", "small-deal", version="1.0", actor="manager")
    assert [s.pinned for s in engine.list_segments(viewer="manager") if s.id == "horeca"] == [True]
    with pytest.raises(ConflictError, match=f"reverse swap {second.swap_id} first"):
        engine.reverse_swap(first.swap_id, actor="manager")


@pytest.mark.parametrize("who", ["rep1", "rep3"])
def test_only_managers_and_admins_may_swap_reverse_or_list_segments(engine, who):
    horeca_deal(engine)
    with pytest.raises(PermissionDeniedError):
        engine.swap_segment("horeca", "quick-deal", dry_run=True, actor=who)
    with pytest.raises(PermissionDeniedError):
        engine.list_segments(viewer=who)
    swap = engine.swap_segment("horeca", "quick-deal", actor="admin")
    with pytest.raises(PermissionDeniedError):
        engine.reverse_swap(swap.swap_id, actor=who)


def test_a_step_that_loaded_a_deal_before_the_swap_cannot_overwrite_it(engine):
    deal = horeca_deal(engine)
    with engine._sessions() as stale:
        row = stale.get(Opportunity, deal.id)  # loaded before the swap, written after it
        engine.swap_segment("horeca", "quick-deal", actor="manager")
        row.stage_id = "offer"
        with pytest.raises(StaleDataError):
            stale.commit()
    assert engine.show_opportunity(deal.id).methodology_id == "quick-deal"


def test_each_move_is_recorded_with_the_state_it_had(engine):
    deal = horeca_deal(engine)
    state = state_of(engine, deal.id)
    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    with engine._sessions() as session:
        move = session.scalar(select(SwapMove).where(SwapMove.swap_id == swap.swap_id))
        row = session.get(Opportunity, deal.id)
        assert (move.opportunity_id, move.from_stage, move.to_stage, move.from_state) == (
            deal.id, "qualification", "qualification", state)
        assert move.row_version_after == row.row_version
    assert isinstance(engine.list_swaps()[0].at, datetime)
