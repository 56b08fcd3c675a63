"""A successful step of a deal that had an error syncs its external-task and message
rows fully, whatever its version's ``outside_waits`` says: the step that failed
returned before syncing, and after a retry on a newer version that failed again the
rows may be the older version's (engine.service.progress.synced_waits)."""

from __future__ import annotations

import pytest

from engine.runtime.step import OutsideWaits
from engine.service.progress import synced_waits
from engine.store.models import Opportunity
from tests.conftest import make_engine
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, methodology_with_script
from tests.service.test_step_outside_rows import statements, touching

NONE_OUTSIDE = OutsideWaits(external=False, messages=False)


def test_the_rule_a_deal_with_an_error_reads_both_kinds_one_without_keeps_the_versions_waits():
    assert synced_waits(Opportunity(error_message="division by zero"), NONE_OUTSIDE) is None
    assert synced_waits(Opportunity(error_message=None), NONE_OUTSIDE) is NONE_OUTSIDE
    assert synced_waits(Opportunity(error_message=None), None) is None


@pytest.fixture
def broken(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0", BROKEN_SCRIPT))
    yield engine
    engine.close()


def at_offer_with_a_chase(engine, clock):
    """A deal at the offer with the manager's chase task open beside it (the qualify
    task's non-interrupting timer fired before it was done)."""
    deal = engine.create_opportunity(title="Deal", amount="20000.00", partner="P", actor="manager",
                                     attributes={"channel": "retail"})
    clock.advance(days=3, minutes=1)
    engine.fire_due_timers()
    qualify = next(t for t in engine.show_opportunity(deal.id).open_tasks if t.node_id == "Task_Qualify")
    at_offer = engine.complete_task(qualify.id, actor=deal.owner, data={"amount": "20000"})
    offer, chase = (next(t for t in at_offer.open_tasks if t.node_id == node) for node in ("Task_Offer", "Task_Chase"))
    return at_offer, offer, chase


def test_a_parallel_tasks_completion_on_a_deal_with_an_error_syncs_both_kinds(broken, clock):
    # small-deal has only user tasks: a step of a deal without an error reads neither
    # table (below). The chase task beside the failed offer, completed while the deal
    # shows the error, must read both: it is the step that follows a retry on a new
    # version that failed again.
    deal, offer, chase = at_offer_with_a_chase(broken, clock)
    failed = broken.complete_task(offer.id, actor=deal.owner, data={"result": "accepted"})
    assert failed.error_message == "division by zero"
    with statements(broken) as seen:
        broken.complete_task(chase.id, actor=chase.assignee, data={}, view=False)
    assert touching(seen, "external_tasks") and touching(seen, "message_waits")
    after = broken.show_opportunity(deal.id)
    assert [t.node_id for t in after.open_tasks] == ["Task_Offer"]
    # The offer's completion can still be retried: the deal keeps its error (failed_steps).
    assert (after.error_message, after.failed_task_id) == ("division by zero", offer.id)


def test_the_same_completion_on_a_deal_without_an_error_reads_neither(broken, clock):
    deal, offer, chase = at_offer_with_a_chase(broken, clock)
    with statements(broken) as seen:
        broken.complete_task(chase.id, actor=chase.assignee, data={}, view=False)
    assert touching(seen, "external_tasks") == [] and touching(seen, "message_waits") == []
