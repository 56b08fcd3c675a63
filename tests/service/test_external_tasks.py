"""External tasks through the façade, on SQLite and PostgreSQL: fetched and locked by
one worker at a time, completed once with checked variables, a lock that expires
(the injected clock, no sleeps), failures with retries to an incident and a retry from
it, a BPMN error caught by the task's boundary event (or an incident), a timer that
interrupts the task, and tokens scoped to topics."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from tests.conftest import make_engine

ERP = Path(__file__).resolve().parents[1] / "fixtures" / "external"
MINUTE = 60_000


@pytest.fixture
def erp(db_url, clock):
    engine = make_engine(db_url, clock, ERP)
    yield engine
    engine.close()


def open_deal(engine, title="Order"):
    return engine.create_opportunity(title=title, amount="1000.00", partner=f"{title} Ltd", actor="manager",
                                     owner="rep1")


def worker(engine, *topics):
    return engine.worker_for_token(engine.create_worker_token("erp", list(topics), actor="admin"))


def fetch(engine, who, worker_id="w1", topic="invoice", lock=MINUTE, max_tasks=10):
    return engine.fetch_and_lock(who, worker_id, max_tasks, [(topic, lock)])


def test_a_deal_waits_on_its_service_task_until_a_worker_completes_it(erp):
    deal = open_deal(erp)
    assert erp.show_opportunity(deal.id).stage_id == "invoicing"
    w = worker(erp, "invoice", "shipping")
    [task] = fetch(erp, w)
    assert (task.topic, task.node_id, task.opportunity_id, task.worker_id) == ("invoice", "Task_Invoice", deal.id, "w1")
    assert fetch(erp, w, "w2") == []  # locked: one worker at a time
    with pytest.raises(PermissionDeniedError, match="not locked by worker 'w2'"):
        erp.complete_external_task(w, task.id, "w2", {"paid": True})
    with pytest.raises(FormError) as refused:
        erp.complete_external_task(w, task.id, "w1", {"paid": True, "payd": False})
    assert list(refused.value.fields) == ["variables.payd"]
    erp.complete_external_task(w, task.id, "w1", {"paid": True, "invoiceNumber": "FV/1/2026"})
    with pytest.raises(ConflictError, match="completed"):
        erp.complete_external_task(w, task.id, "w1", {"paid": True})
    assert erp.show_opportunity(deal.id).stage_id == "shipping"
    [ship] = fetch(erp, w, topic="shipping")  # camunda:class mapped to a topic by the routing file
    assert ship.node_id == "Task_Ship" and ship.variables["invoiceNumber"] == "FV/1/2026"
    erp.complete_external_task(w, ship.id, "w1", {})
    shown = erp.show_opportunity(deal.id)
    assert (shown.stage_id, shown.status) == ("won", "won")


def test_a_lock_that_expires_frees_the_task_for_another_worker(erp, clock):
    open_deal(erp)
    w = worker(erp, "invoice")
    [task] = fetch(erp, w, "w1", lock=1000)
    clock.advance(seconds=1)
    [again] = fetch(erp, w, "w2")
    assert again.id == task.id and again.worker_id == "w2"
    with pytest.raises(PermissionDeniedError, match="held by 'w2'"):
        erp.complete_external_task(w, task.id, "w1", {"paid": True})
    erp.extend_lock(w, task.id, "w2", 10 * MINUTE)
    clock.advance(minutes=5)
    assert fetch(erp, w, "w1") == []
    with pytest.raises(PermissionDeniedError):
        erp.extend_lock(w, task.id, "w1", MINUTE)


def test_failures_count_down_retries_to_an_incident_that_a_designer_or_admin_retries(erp, clock):
    deal = open_deal(erp)
    w = worker(erp, "invoice")
    [task] = fetch(erp, w)
    erp.fail_external_task(w, task.id, "w1", "ERP down", retries=1, retry_timeout_ms=5 * MINUTE)
    assert fetch(erp, w) == []  # not before its retry time
    clock.advance(minutes=5)
    [task] = fetch(erp, w)
    erp.fail_external_task(w, task.id, "w1", "ERP still down", retries=0)
    assert fetch(erp, w) == []
    [incident] = erp.incidents(viewer="admin", opportunity_id=deal.id)
    assert (incident.id, incident.status, incident.error_message) == (task.id, "incident", "ERP still down")
    assert erp.incidents(viewer="rep3") == []  # a deal rep3 may not see
    assert [e.kind for e in erp.show_opportunity(deal.id).events if e.kind == "incident"] == ["incident"]
    with pytest.raises(PermissionDeniedError):
        erp.retry_incident(task.id, actor="rep1")
    with pytest.raises(NotFoundError):
        erp.retry_incident(task.id, actor="rep3")
    retried = erp.retry_incident(task.id, actor="admin", retries=2)
    assert (retried.status, retried.retries) == ("open", 2)
    with pytest.raises(ConflictError):
        erp.retry_incident(task.id, actor="admin")
    [task] = fetch(erp, w)
    erp.complete_external_task(w, task.id, "w1", {"paid": False})
    assert erp.show_opportunity(deal.id).stage_id == "shipping"


def test_a_bpmn_error_goes_to_the_tasks_error_boundary_event_or_becomes_an_incident(erp):
    caught, uncaught = open_deal(erp, "Caught"), open_deal(erp, "Uncaught")
    w = worker(erp, "invoice")
    tasks = {t.opportunity_id: t for t in fetch(erp, w)}
    erp.bpmn_error(w, tasks[caught.id].id, "w1", "NO_CREDIT", "credit limit reached")
    shown = erp.show_opportunity(caught.id)
    assert (shown.stage_id, shown.status) == ("lost", "lost")
    erp.bpmn_error(w, tasks[uncaught.id].id, "w1", "SOMETHING_ELSE")
    [incident] = erp.incidents(viewer="admin")
    assert incident.opportunity_id == uncaught.id and "SOMETHING_ELSE" in incident.error_message
    assert erp.show_opportunity(uncaught.id).stage_id == "invoicing"


def test_a_timer_on_the_task_interrupts_it_and_withdraws_it_from_workers(erp, clock):
    deal = open_deal(erp)
    w = worker(erp, "invoice")
    clock.advance(days=3, minutes=1)
    assert erp.fire_due_timers() == 1
    assert erp.show_opportunity(deal.id).status == "lost"
    assert fetch(erp, w) == []


def test_a_token_works_only_the_topics_it_names(erp):
    open_deal(erp)
    invoicing, shipping = worker(erp, "invoice"), worker(erp, "shipping")
    with pytest.raises(FormError) as refused:
        fetch(erp, shipping, topic="invoice")
    assert list(refused.value.fields) == ["topics[0].topicName"]
    [task] = fetch(erp, invoicing)
    with pytest.raises(NotFoundError):
        erp.complete_external_task(shipping, task.id, "w1", {"paid": True})
    with pytest.raises(PermissionDeniedError):
        erp.create_worker_token("sneaky", ["invoice"], actor="rep1")
    with pytest.raises(PermissionDeniedError):
        erp.worker_for_token("dfw_nonsense")


def test_a_deal_closed_as_lost_by_hand_withdraws_its_external_tasks(erp):
    deal = open_deal(erp)
    w = worker(erp, "invoice")
    erp.close_as_lost(deal.id, actor="manager", reason_code="price")
    assert fetch(erp, w) == []


def test_a_long_poll_returns_the_task_that_arrives_while_it_waits(erp):
    w = worker(erp, "invoice")
    got = []
    poll = threading.Thread(target=lambda: got.extend(erp.fetch_and_lock(w, "w1", 1, [("invoice", MINUTE)],
                                                                         wait_ms=60_000)))
    poll.start()
    deal = open_deal(erp)  # arrives while the poll waits
    poll.join(timeout=120)
    assert not poll.is_alive() and [t.opportunity_id for t in got] == [deal.id]


def test_a_worker_that_loses_the_deal_leaves_it_asking_for_its_reason_like_any_process_loss(erp):
    deal = open_deal(erp)
    w = worker(erp, "invoice", "shipping")
    [invoice] = fetch(erp, w)
    erp.complete_external_task(w, invoice.id, "w1", {"paid": False})  # unpaid: the process ends lost
    [ship] = fetch(erp, w, topic="shipping")
    erp.complete_external_task(w, ship.id, "w1", {})
    lost = erp.show_opportunity(deal.id)
    assert (lost.status, lost.stage_id) == ("lost", "lost")
    assert lost.lost_reason_missing  # the owner is asked, as after a timer or a person's form
    assert [t.kind for t in erp.list_tasks(lost.owner) if t.opportunity_id == deal.id] == ["why_lost"]


def test_the_deal_lists_the_workers_task_it_waits_for_and_who_holds_it(erp):
    deal = open_deal(erp)
    [waiting] = erp.deal_waits(viewer="rep1", opportunity_id=deal.id).external_tasks
    assert (waiting.topic, waiting.node_id, waiting.worker_id) == ("invoice", "Task_Invoice", None)
    w = worker(erp, "invoice")
    [task] = fetch(erp, w)
    [held] = erp.deal_waits(viewer="manager", opportunity_id=deal.id).external_tasks
    assert (held.id, held.worker_id) == (task.id, "w1")
    with pytest.raises(NotFoundError):
        erp.deal_waits(viewer="rep3", opportunity_id=deal.id)  # another team's deal
    erp.complete_external_task(w, task.id, "w1", {"paid": True})
    assert [t.node_id for t in erp.deal_waits(viewer="rep1", opportunity_id=deal.id).external_tasks] == ["Task_Ship"]
