"""A retry racing another retry, or the failed task's completion, on one deal (two
engines, released together; SQLite and PostgreSQL): each locks the deal and re-checks
inside the lock, so the fix is applied once — one move to the new version, one
completion of the task — and the loser is told why (ConflictError)."""

from __future__ import annotations

import pytest

from engine.errors import ConflictError
from engine.service import Engine
from tests.engine.test_concurrency import at_once
from tests.conftest import make_engine
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, methodology_with_script
from tests.webui.test_retry_api import deploy_fix, failed_deal

ROUNDS = 3


@pytest.fixture
def racing(db_url, clock, tmp_path):
    first = make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0", BROKEN_SCRIPT))
    second = Engine(db_url, clock=clock)
    yield first, second
    first.close()
    second.close()


def failed_deals(engine, tmp_path, count: int):
    deals = [failed_deal(engine) for _ in range(count)]
    deploy_fix(engine, tmp_path)
    return deals


def kinds_of(engine, deal_id: int) -> list[str]:
    return [e.kind for e in engine.show_opportunity(deal_id).events]


def test_two_retries_at_once_apply_the_fix_once(racing, tmp_path):
    first, second = racing
    for deal in failed_deals(first, tmp_path, ROUNDS):
        before = kinds_of(first, deal.id)
        outcomes = at_once(lambda: first.retry(deal.id, actor="manager", upgrade=True),
                           lambda: second.retry(deal.id, actor="admin", upgrade=True))
        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), outcomes
        assert "no error to retry" in str(errors[0]) or "is the newest" in str(errors[0]), str(errors[0])
        added = kinds_of(first, deal.id)[len(before):]
        assert (added.count("retried"), added.count("version_changed"), added.count("task_completed")) \
            == (1, 1, 1), added
        after = first.show_opportunity(deal.id)
        assert (after.status, after.error_message, after.methodology_label) == ("won", None, "2.1")


def test_a_retry_and_the_failed_tasks_completion_at_once_complete_it_once(racing, tmp_path):
    first, second = racing
    for deal in failed_deals(first, tmp_path, ROUNDS):
        (task,) = deal.open_tasks
        before = kinds_of(first, deal.id)
        retried, completed = at_once(
            lambda: first.retry(deal.id, actor="manager", upgrade=True),
            lambda: second.complete_task(task.id, actor=deal.owner, data={"result": "accepted"}))
        added = kinds_of(first, deal.id)[len(before):]
        assert not isinstance(retried, Exception), retried  # the fix runs, first or after a second failure
        assert added.count("task_completed") == 1, added
        if isinstance(completed, Exception):  # the retry won: the task was no longer ready
            assert isinstance(completed, ConflictError), repr(completed)
        else:  # the completion went first, on the old version, and failed again
            assert completed.error_message == "division by zero", completed
            assert added.count("error") == 1, added
        after = first.show_opportunity(deal.id)
        assert (after.status, after.error_message, after.methodology_label) == ("won", None, "2.1")
