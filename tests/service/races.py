"""What the race tests share: the deal-changing use cases as calls two engines make at
once, and the invariants a deal keeps whichever of them wins (issue 11)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from engine.errors import ConflictError
from engine.service import unit_of_work
from engine.store.models import InboxTask, Opportunity
from tests.conftest import REPO

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"
ROUNDS = 3  # per pair: enough to meet both orders on PostgreSQL, bounded so the file stays quick
CLOSING = {"won": "won", "lost": "lost"}  # the stage ids whose outcome closes a deal, in both methodologies
TIMER_TASKS = ("Task_Chase", "Task_Nudge")  # what the chase timers of small-deal and quick-deal start
KINDS = ("complete", "lose", "reassign", "swap", "timer")


def horeca_deal(engine, title: str, amount: str = "1000.00"):
    """A deal of the horeca segment (owned by rep1), whose methodology the swaps change."""
    return engine.create_opportunity(title=title, amount=amount, partner="Bistro", actor="manager",
                                     attributes={"channel": "horeca", "territory": "PL-N"})


def call(engine, kind: str, deal, task, data: dict, to: str = "rep2"):
    """The use case ``kind`` on ``deal`` (and its ready ``task``) through ``engine``."""
    if kind == "complete":
        return lambda: engine.complete_task(task.id, actor=deal.owner, data=data)
    if kind == "lose":
        return lambda: engine.close_as_lost(deal.id, actor="manager", reason="Chose a competitor")
    if kind == "reassign":
        return lambda: engine.reassign_task(task.id, to=to, actor="manager")
    if kind == "swap":
        return lambda: engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"},
                                           actor="manager")
    if kind == "timer":
        return engine.fire_due_timers
    if kind == "retry":
        return lambda: engine.retry(deal.id, actor="manager", upgrade=True)
    raise AssertionError(kind)


def pairs(kinds):
    """Every pair of different kinds, then each kind with itself."""
    kinds = list(kinds)
    return [(a, b) for i, a in enumerate(kinds) for b in kinds[i + 1:]] + [(k, k) for k in kinds]


def restore_segment(engine) -> None:
    """Put the horeca segment back on small-deal after a round that swapped it (its
    deals are closed by then, so nothing else moves)."""
    try:
        engine.swap_segment("horeca", "small-deal", actor="manager")
    except ConflictError:
        pass  # it still follows small-deal


def assert_consistent(engine, deal_id: int, outcomes, label: str) -> None:
    """Whatever order the calls ran in, the deal is one a sequence of them could leave:
    every call answered or refused with a ConflictError; status and stage agree; the
    stage history is one chain ending in the current stage, an event for each entry,
    closed at most once and last; a lost deal has nothing open and nothing after its close; each task was
    completed at most once; a running deal's inbox is exactly what its stored workflow
    waits for; every timer firing is one event and one task."""
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            assert isinstance(outcome, ConflictError) and str(outcome), (label, repr(outcome))
    deal = engine.show_opportunity(deal_id)
    kinds = [e.kind for e in deal.events]
    where = (label, deal.id, deal.status, deal.stage_id, kinds)
    assert deal.status == CLOSING.get(deal.stage_id, "open"), where

    history = [(c.from_stage, c.to_stage) for c in deal.stage_history]
    assert history[0][0] is None and history[-1][1] == deal.stage_id, (where, history)
    assert all(before[1] == after[0] for before, after in zip(history, history[1:])), (where, history)
    assert kinds.count("stage_changed") + kinds.count("methodology_swapped") == len(history), where
    closings = [i for i, (_, to) in enumerate(history) if to in CLOSING]
    assert closings in ([], [len(history) - 1]), (where, history)
    assert kinds.count("closed") == (1 if deal.status != "open" else 0), where

    if deal.status == "lost":
        assert deal.open_tasks == () and deal.next_timer_at is None, where
        assert kinds[-1] == "closed", where  # nothing happened to the deal after it was lost

    completions = Counter(e.data["task"] for e in deal.events if e.kind == "task_completed")
    assert all(n == 1 for n in completions.values()), (where, completions)
    workflow_done = {t.id for t in deal.completed_tasks if t.kind == "workflow"}
    assert set(completions) == workflow_done, where
    assert not workflow_done & {t.id for t in deal.open_tasks}, where

    with unit_of_work.read(engine.context) as session:
        stored = session.get(Opportunity, deal_id)
        timer_tasks = session.scalar(select(func.count()).select_from(InboxTask).where(
            InboxTask.opportunity_id == deal_id, InboxTask.node_id.in_(TIMER_TASKS)))
        if deal.status != "lost":
            runner = engine.context.catalog.runner(session, stored.methodology_version_id)
            waiting = {t.task_id for t in runner.result(stored.workflow_state).ready}
            assert {t.id for t in deal.open_tasks if t.kind == "workflow"} == waiting, where
    assert kinds.count("timer_fired") == timer_tasks, where
