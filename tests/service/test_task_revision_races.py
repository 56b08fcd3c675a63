"""Revising a task's answers racing the step that leaves its stage (issue 15), two
engines on one database, a few rounds: on PostgreSQL the two meet on the deal's row
lock, on SQLite on the write lock. Whichever wins, the result is one the two leave in
some order: revised first, the stage is then left with the revised amount (and the
revision is logged before the stage change); left first, the revision is refused as a
conflict and the deal keeps the amount first given."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import ConflictError
from engine.service import Engine
from engine.service.unit_of_work import Retry
from tests.engine.test_concurrency import at_once
from tests.service.races import ROUNDS
from tests.service.revision_fixtures import revision_engine


@pytest.fixture
def racers(db_url, clock, tmp_path):
    first = revision_engine(db_url, clock, tmp_path)
    waits: list[float] = []
    racing = [Engine(db_url, clock=clock, retry=Retry(sleep=waits.append)) for _ in range(2)]
    yield first, racing
    for engine in (first, *racing):
        engine.close()


def test_a_revision_racing_the_step_that_leaves_the_stage_is_applied_before_it_or_refused(racers):
    first, (revising, leaving) = racers
    orders = set()
    for round_ in range(ROUNDS * 2):
        deal = first.create_opportunity(title=f"Kiosk {round_}", amount="1000.00", partner="Hotel Rex",
                                        actor="manager", attributes={"channel": "retail"})
        (qualify,) = [t.id for t in deal.open_tasks if t.kind == "workflow"]
        owner = deal.owner
        scored = first.complete_task(first.complete_task(qualify, actor=owner, data={"amount": "5000",
                                                                                 "need": "ovens"})
                                     .open_tasks[0].id, actor=owner, data={"budget": "yes", "timeline": "quarter"})
        (confirm,) = [t.id for t in scored.open_tasks if t.kind == "workflow"]
        revised, left = at_once(
            lambda: revising.revise_task(qualify, actor=owner, data={"amount": "7000", "need": "ovens"}),
            lambda: leaving.complete_task(confirm, actor=owner, data={}))
        label = f"round {round_}: {str(revised)[:80]!r} / {str(left)[:80]!r}"
        assert not isinstance(left, Exception), label
        after = first.show_opportunity(deal.id)
        kinds = [e.kind for e in after.events]
        assert after.stage_id == "offer" and kinds.count("stage_changed") == 3, label  # lead, qualification, offer
        if isinstance(revised, ConflictError):
            orders.add("left first")
            assert "left the stage" in str(revised), label
            assert after.amount == Decimal("5000.00") and "task_revised" not in kinds, label
        else:
            orders.add("revised first")
            assert not isinstance(revised, Exception), label
            assert after.amount == Decimal("7000.00"), label
            assert kinds.index("task_revised") < len(kinds) - 1 - kinds[::-1].index("stage_changed"), label
    assert orders, "no round ran"
