"""Completing a task locks its deal first and decides on what is stored under the
lock (issue 11: a task completed while the deal was being closed as lost corrupted it)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import ConflictError, NotFoundError
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.models import Opportunity, Team, User
from tests.engine.test_concurrency import at_once, open_deal

ROUNDS = 8


def test_a_task_of_a_lost_deal_is_not_completed_even_while_it_is_still_ready(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with engine._sessions() as session, session.begin():  # lost with the task still ready, as a race left it
        session.get(Opportunity, deal.id).status = "lost"
    with pytest.raises(ConflictError, match=f"opportunity {deal.id} is lost"):
        engine.complete_task(task.id, actor=deal.owner, data={"amount": "100"})
    after = engine.show_opportunity(deal.id)
    assert (after.stage_id, [t.node_id for t in after.open_tasks]) == ("qualification", ["Task_Qualify"])
    assert "task_completed" not in [e.kind for e in after.events]


def test_completing_a_task_while_the_deal_is_closed_as_lost_leaves_a_lost_deal_either_way(engines):
    first, second = engines
    for round_ in range(ROUNDS):
        deal = open_deal(first, f"deal {round_}")
        (task,) = deal.open_tasks
        completed, closed = at_once(
            lambda: first.complete_task(task.id, actor=deal.owner, data={"amount": "100"}),
            lambda: second.close_as_lost(deal.id, actor="manager", reason="Chose a competitor"))
        assert not isinstance(closed, Exception), closed  # closing by hand is never refused
        after = first.show_opportunity(deal.id)
        kinds = [e.kind for e in after.events]
        assert (after.status, after.stage_id, after.open_tasks) == ("lost", "lost", ())
        assert after.stage_history[-1].to_stage == "lost"
        assert kinds[-1] == "closed"  # nothing happened to the deal after it was closed
        assert "task_completed" not in kinds[kinds.index("closed_by_hand"):]
        (qualify,) = [t for t in after.completed_tasks if t.node_id == "Task_Qualify"] or [None]
        if isinstance(completed, Exception):
            assert isinstance(completed, ConflictError), repr(completed)
            assert qualify is None and "task_completed" not in kinds
        else:
            assert qualify is not None and kinds.count("task_completed") == 1



def test_a_caller_that_renders_nothing_gets_no_view_and_the_same_step_is_committed(engine):
    shown, quiet = open_deal(engine, "shown"), open_deal(engine, "quiet")
    returned = engine.complete_task(shown.open_tasks[0].id, actor=shown.owner, data={"amount": "100"})
    assert engine.complete_task(quiet.open_tasks[0].id, actor=quiet.owner, data={"amount": "100"},
                                view=False) is None
    after = engine.show_opportunity(quiet.id)  # another session: what was committed
    assert [t.node_id for t in after.completed_tasks] == ["Task_Qualify"]
    assert (after.stage_id, after.status, [t.node_id for t in after.open_tasks]) == (
        returned.stage_id, returned.status, [t.node_id for t in returned.open_tasks])
    assert [e.kind for e in after.events] == [e.kind for e in returned.events]


# The step reads its actor (row and team ids) in the lock's statement (``lock_for_step``).

@pytest.mark.parametrize("who", ["nobody", "gone", "no\x00body"])
def test_a_step_by_no_active_user_is_refused_after_the_lock_and_changes_nothing(engine, who):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    engine.create_user("gone", "rep")
    with engine._sessions() as session, session.begin():
        session.scalar(select(User).where(User.username == "gone")).active = False
    with pytest.raises(NotFoundError, match="no user '"):
        engine.complete_task(task.id, actor=who, data={"amount": "100"})
    with pytest.raises(NotFoundError, match="no task 'nothing'"):  # the task is looked for first
        engine.complete_task("nothing", actor=who, data={"amount": "100"})
    after = engine.show_opportunity(deal.id)
    assert ([t.id for t in after.open_tasks], after.completed_tasks) == ([task.id], ())


def test_the_step_reads_every_team_of_its_actor_with_the_lock(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    engine.create_user("twice", "manager")
    engine.create_team("North", None, ["twice"])
    engine.create_team("South", None, ["twice"])
    with engine._sessions() as session, session.begin():
        expected = {t.id for t in session.scalars(select(Team).where(Team.name.in_(["North", "South"])))}
        _, _, row, team_ids = opportunity_store.lock_for_step(session, task.id, "twice")
        _, actor = people.actor_of_row("twice", row, team_ids)
        assert (row.username, actor.team_ids) == ("twice", frozenset(expected))
        _, _, row, team_ids = opportunity_store.lock_for_step(session, task.id, "manager")
        assert people.actor_of_row("manager", row, team_ids)[1] == people.user_as_actor(session, "manager")[1]


def test_the_steps_lock_is_compiled_once_with_nothing_rendered_again_at_each_run(engine):
    """A bound literal (the team ids' separator, once) is written into the cached SQL at
    every run (SQLAlchemy's post-compile step: ~0.1 ms CPU a step); the lock has none."""
    with engine._sessions() as session:
        compiled = opportunity_store._FOR_STEP.compile(dialect=session.get_bind().dialect)
    assert (compiled.literal_execute_params, compiled.post_compile_params) == (frozenset(), frozenset())
