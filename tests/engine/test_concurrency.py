"""Several processes on one database: each thread holds its own Engine (its own
connection pool), as two gunicorn workers or two `dealflow worker`s would."""

import threading
from collections import Counter

from engine.errors import ConflictError

ROUNDS = 10
DEALS = 20


def open_deal(engine, title="Cold room"):
    return engine.create_opportunity(title=title, amount="20000.00", currency="PLN", partner="Bar Mleczny",
                                     attributes={"channel": "retail", "territory": "PL-MZ"}, actor="manager")


def at_once(*calls):
    """Run each call in its own thread, released together; returns each one's result or
    the exception it raised, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            outcomes[i] = call()
        except Exception as err:  # noqa: BLE001 - the test inspects what each thread got
            outcomes[i] = err

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a worker hung"
    return outcomes


def node_ids(tasks):
    return sorted(t.node_id for t in tasks)


def test_completing_a_task_twice_concurrently_lets_exactly_one_win(engines):
    first, second = engines
    for round_ in range(ROUNDS):
        deal = open_deal(first, f"deal {round_}")
        (task,) = deal.open_tasks
        outcomes = at_once(
            lambda: first.complete_task(task.id, actor=task.assignee, data={"amount": "100"}),
            lambda: second.complete_task(task.id, actor="manager", data={"amount": "200"}))
        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert len(errors) == 1, outcomes
        assert isinstance(errors[0], ConflictError), repr(errors[0])
        after = first.show_opportunity(deal.id)
        assert [e.kind for e in after.events].count("task_completed") == 1
        assert [(c.from_stage, c.to_stage) for c in after.stage_history].count(("qualification", "offer")) == 1
        assert after.stage_id == "offer"
        assert node_ids(after.open_tasks) == ["Task_Offer"]
        assert node_ids(after.completed_tasks) == ["Task_Qualify"]
        (winner,) = [o for o in outcomes if not isinstance(o, Exception)]
        assert winner.completed_tasks[0].completed_by in (task.assignee, "manager")
        completed = [e for e in after.events if e.kind == "task_completed"]
        assert completed[0].actor == winner.completed_tasks[0].completed_by


def test_completing_two_tasks_of_one_deal_concurrently_loses_no_update(engines, clock):
    first, second = engines
    deals = [open_deal(first, f"deal {i}") for i in range(ROUNDS)]
    clock.advance(days=3, minutes=1)
    assert first.fire_due_timers() == ROUNDS
    for deal in deals:
        ready = {t.node_id: t.id for t in first.show_opportunity(deal.id).open_tasks}
        assert set(ready) == {"Task_Qualify", "Task_Chase"}
        outcomes = at_once(
            lambda: first.complete_task(ready["Task_Qualify"], actor=deal.owner, data={"amount": "100"}),
            lambda: second.complete_task(ready["Task_Chase"], actor="manager", data={}))
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        after = first.show_opportunity(deal.id)
        assert node_ids(after.completed_tasks) == ["Task_Chase", "Task_Qualify"]
        assert node_ids(after.open_tasks) == ["Task_Offer"] and after.stage_id == "offer"
        completed = [e.data["node"] for e in after.events if e.kind == "task_completed"]
        assert sorted(completed) == ["Task_Chase", "Task_Qualify"]
        # The stored workflow holds both steps: the offer goes out and the deal is won.
        won = first.complete_task(after.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
        assert won.status == "won" and won.open_tasks == ()


def test_qualifying_while_a_worker_fires_the_chase_timer_is_one_or_the_other(engines, clock):
    first, second = engines
    for round_ in range(ROUNDS):
        deal = open_deal(first, f"deal {round_}")
        (qualify,) = deal.open_tasks
        clock.advance(days=3, minutes=1)
        outcomes = at_once(
            lambda: first.complete_task(qualify.id, actor=deal.owner, data={"amount": "100"}),
            second.fire_due_timers)
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        after = first.show_opportunity(deal.id)
        fired = [e for e in after.events if e.kind == "timer_fired"]
        chases = [t for t in after.open_tasks if t.node_id == "Task_Chase"]
        # Fired first: the manager chases; qualified first: the timer was cancelled.
        assert len(fired) == len(chases) == outcomes[1] <= 1
        assert node_ids(after.completed_tasks) == ["Task_Qualify"] and after.stage_id == "offer"
        assert after.next_timer_at is None


def test_two_timer_workers_share_the_due_timers_and_fire_each_once(engines, clock):
    first, second = engines
    deals = [open_deal(first, f"deal {i}") for i in range(DEALS)]
    clock.advance(days=3, minutes=1)
    fired = at_once(first.fire_due_timers, second.fire_due_timers)
    assert all(isinstance(n, int) for n in fired), fired
    assert sum(fired) == DEALS
    for deal in deals:
        after = first.show_opportunity(deal.id)
        assert Counter(e.kind for e in after.events)["timer_fired"] == 1, deal.id
        assert [t.node_id for t in after.open_tasks].count("Task_Chase") == 1
        assert after.next_timer_at is None
    assert first.fire_due_timers() == 0 and second.fire_due_timers() == 0
