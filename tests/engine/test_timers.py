"""Timers through the façade: due dates, firing exactly once, cancelling, and errors."""

import shutil
from datetime import timedelta

import pytest

from tests.conftest import BASE_METHODOLOGY, make_engine

CHASE_AFTER = timedelta(days=3)


def open_deal(engine, title="Cold room"):
    return engine.create_opportunity(title=title, amount="20000.00", currency="PLN", partner="Bar Mleczny",
                                     attributes={"channel": "retail", "territory": "PL-MZ"}, actor="manager")


def kinds(deal, kind):
    return [e for e in deal.events if e.kind == kind]


def chase_tasks(deal):
    return [t for t in deal.open_tasks + deal.completed_tasks if t.node_id == "Task_Chase"]


def test_a_new_deal_waits_for_its_chase_timer_three_days_from_now(engine, clock):
    deal = open_deal(engine)
    assert deal.next_timer_at == clock.now + CHASE_AFTER


def test_the_chase_timer_does_not_fire_before_it_is_due(engine, clock):
    deal = open_deal(engine)
    clock.advance(days=2)
    assert engine.fire_due_timers() == 0
    clock.advance(days=1)  # exactly due: a timer fires once its moment has passed
    assert engine.fire_due_timers() == 0
    again = engine.show_opportunity(deal.id)
    assert kinds(again, "timer_fired") == [] and chase_tasks(again) == []
    assert again.next_timer_at == deal.next_timer_at


def test_a_due_timer_fires_once_and_asks_the_manager_to_chase(engine, clock):
    deal = open_deal(engine)
    clock.advance(days=3, minutes=1)
    assert engine.fire_due_timers() == 1
    assert engine.fire_due_timers() == 0
    clock.advance(days=30)
    assert engine.fire_due_timers() == 0
    after = engine.show_opportunity(deal.id)
    assert len(kinds(after, "timer_fired")) == 1
    assert after.next_timer_at is None
    (chase,) = chase_tasks(after)
    assert chase.assignee == "manager" and chase.lane == "manager"
    managers_inbox = {(t.node_id, t.assignee) for t in engine.list_tasks("manager") if t.opportunity_id == deal.id}
    assert ("Task_Chase", "manager") in managers_inbox
    assert "Task_Chase" not in [t.node_id for t in engine.list_tasks("rep1")]
    assert [t.node_id for t in after.open_tasks].count("Task_Qualify") == 1  # the timer does not interrupt


def test_qualifying_before_the_timer_is_due_cancels_it(engine, clock):
    deal = open_deal(engine)
    clock.advance(days=1)
    deal = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "100"})
    assert deal.next_timer_at is None
    clock.advance(days=10)
    assert engine.fire_due_timers() == 0
    after = engine.show_opportunity(deal.id)
    assert chase_tasks(after) == [] and kinds(after, "timer_fired") == []


def test_a_sweep_fires_only_the_deals_that_are_due(engine, clock):
    early = open_deal(engine, "early")
    clock.advance(days=2)
    late = open_deal(engine, "late")
    clock.advance(days=1, minutes=1)
    assert engine.fire_due_timers() == 1
    assert len(chase_tasks(engine.show_opportunity(early.id))) == 1
    assert chase_tasks(engine.show_opportunity(late.id)) == []
    clock.advance(days=2)
    assert engine.fire_due_timers() == 1
    assert len(chase_tasks(engine.show_opportunity(late.id))) == 1


# --- an opportunity in error ----------------------------------------------------------

@pytest.fixture
def broken_tier(tmp_path):
    """The base methodology whose tier table reads a variable nobody sets: completing
    Task_Qualify fails at Rule_Tier while the chase timer still waits."""
    root = tmp_path / "broken"
    shutil.copytree(BASE_METHODOLOGY, root)
    dmn = root / "bpmn" / "deal_tier.dmn"
    dmn.write_text(dmn.read_text().replace("<text>amount</text>", "<text>budget</text>"))
    return root


def test_a_failed_completion_does_not_hold_back_the_deals_timers_and_stays_its_error(db_url, clock, broken_tier):
    # The completion waits for its retry (its task stays ready); time goes on meanwhile
    # (engine.rules.failed_steps). A failed timer holds them: tests/service/test_parallel_errors.py.
    engine = make_engine(db_url, clock, methodologies=broken_tier)
    try:
        deal = open_deal(engine)
        failed = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "100"})
        assert failed.error_message is not None
        assert failed.next_timer_at == deal.next_timer_at  # the timer still waits
        clock.advance(days=3, minutes=1)
        assert engine.fire_due_timers() == 1
        after = engine.show_opportunity(deal.id)
        assert len(kinds(after, "timer_fired")) == 1 and len(chase_tasks(after)) == 1
        assert len(kinds(after, "error")) == 1
        assert (after.error_message, after.failed_task_id) == (failed.error_message, deal.open_tasks[0].id)
    finally:
        engine.close()


def test_a_deal_whose_state_cannot_be_loaded_is_parked_and_the_sweep_goes_on(engine, clock, db_url):
    from sqlalchemy import create_engine, text

    broken, healthy = open_deal(engine, "Broken"), open_deal(engine, "Healthy")
    database = create_engine(db_url)
    with database.begin() as connection:  # a state written by some other, incompatible release
        connection.execute(text("UPDATE opportunities SET workflow_state = '{\"serializer_version\": \"0.1\"}' "
                                "WHERE id = :id"), {"id": broken.id})
    database.dispose()
    clock.advance(days=3, minutes=1)
    assert engine.fire_due_timers() == 1
    broken, healthy = engine.show_opportunity(broken.id), engine.show_opportunity(healthy.id)
    assert broken.error_message and broken.next_timer_at is None
    assert [e.kind for e in broken.events][-1] == "error"
    assert len(chase_tasks(healthy)) == 1
    assert engine.fire_due_timers() == 0


# --- overdue cycles: every firing is an event (issue 11) ---------------------------------

def cycling(tmp_path, *, automatic: bool):
    """The base methodology with an R3/PT1H chase cycle. ``automatic``: a script runs
    before each chase task, so one step can fire every overdue firing of the cycle."""
    root = tmp_path / ("automatic" if automatic else "cycling")
    shutil.copytree(BASE_METHODOLOGY, root)
    bpmn = root / "bpmn" / "deal.bpmn"
    text = bpmn.read_text("utf-8").replace(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDuration>',
        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/PT1H</bpmn:timeCycle>')
    if automatic:
        text = text.replace(
            '<bpmn:userTask id="Task_Chase" name="Chase the rep" />',
            '<bpmn:scriptTask id="Script_Remind" name="Remind" scriptFormat="python">'
            '<bpmn:script>reminded = True</bpmn:script></bpmn:scriptTask>'
            '<bpmn:userTask id="Task_Chase" name="Chase the rep" />')
        text = text.replace('<bpmn:flowNodeRef>Task_Chase</bpmn:flowNodeRef>',
                            '<bpmn:flowNodeRef>Script_Remind</bpmn:flowNodeRef>'
                            '<bpmn:flowNodeRef>Task_Chase</bpmn:flowNodeRef>')
        text = text.replace('sourceRef="Timer_Chase" targetRef="Task_Chase"',
                            'sourceRef="Timer_Chase" targetRef="Script_Remind"')
        text = text.replace('<bpmn:sequenceFlow id="Flow_Chased"',
                            '<bpmn:sequenceFlow id="Flow_Remind" sourceRef="Script_Remind" targetRef="Task_Chase" />'
                            '<bpmn:sequenceFlow id="Flow_Chased"')
        assert text.count("Script_Remind") == 4
    bpmn.write_text(text, "utf-8")
    return root


def assert_each_firing_is_one_event(deal, opened_at):
    """Three chase tasks in the stored workflow, three timer_fired events, one per
    firing, each with its own due moment an hour apart."""
    fired = kinds(deal, "timer_fired")
    assert len(chase_tasks(deal)) == len(fired) == 3, deal.id
    assert [e.data["due"] for e in fired] == [(opened_at + timedelta(hours=h)).isoformat() for h in (1, 2, 3)]
    assert {e.data["node"] for e in fired} == {"Timer_Chase"}
    assert deal.next_timer_at is None


@pytest.mark.parametrize("automatic", [False, True], ids=["one-firing-a-step", "all-firings-in-one-step"])
def test_a_cycle_overdue_three_times_writes_one_timer_fired_event_per_firing(db_url, clock, tmp_path, automatic):
    engine = make_engine(db_url, clock, methodologies=cycling(tmp_path, automatic=automatic))
    try:
        opened_at = clock.now
        deal = open_deal(engine)
        clock.advance(days=1)  # the worker was down: all three firings are overdue
        while engine.fire_due_timers(limit=1):  # one `dealflow worker --once` run after another
            pass
        assert_each_firing_is_one_event(engine.show_opportunity(deal.id), opened_at)
        clock.advance(days=1)
        assert engine.fire_due_timers() == 0
    finally:
        engine.close()


@pytest.mark.parametrize("automatic", [False, True], ids=["one-firing-a-step", "all-firings-in-one-step"])
def test_two_workers_sweeping_overdue_cycles_fire_and_record_each_firing_once(db_url, clock, tmp_path, automatic):
    from engine.service import Engine
    from tests.engine.test_concurrency import at_once

    first = make_engine(db_url, clock, methodologies=cycling(tmp_path, automatic=automatic))
    second = Engine(db_url, clock=clock)
    try:
        opened_at = clock.now
        deals = [open_deal(first, f"deal {i}") for i in range(6)]
        clock.advance(days=1)
        swept = at_once(first.fire_due_timers, second.fire_due_timers)
        assert all(isinstance(n, int) for n in swept), swept
        for deal in deals:
            assert_each_firing_is_one_event(first.show_opportunity(deal.id), opened_at)
        assert first.fire_due_timers() == 0 and second.fire_due_timers() == 0
    finally:
        first.close()
        second.close()


# --- batches: several deals a transaction, a failing one costs only itself (issue 16) ---

def refuse_inbox_rows_of(db_url, deal_id):
    """A trigger that makes the database refuse any new inbox row of the deal: its
    firing fails at the chase task's row, after the deal's UPDATE and its timer_fired
    event were written — what a savepoint must undo."""
    from sqlalchemy import create_engine, text

    database = create_engine(db_url)
    with database.begin() as connection:
        if db_url.startswith("sqlite"):
            connection.execute(text(f"CREATE TRIGGER refuse_rows BEFORE INSERT ON tasks WHEN NEW.opportunity_id = "
                                    f"{deal_id} BEGIN SELECT RAISE(ABORT, 'refused'); END"))
        else:
            connection.execute(text("CREATE FUNCTION refuse_rows() RETURNS trigger LANGUAGE plpgsql AS "
                                    "$$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = 'unique_violation'; END $$"))
            connection.execute(text(f"CREATE TRIGGER refuse_rows BEFORE INSERT ON tasks FOR EACH ROW "
                                    f"WHEN (NEW.opportunity_id = {deal_id}) EXECUTE FUNCTION refuse_rows()"))
    database.dispose()


def unloadable(db_url, deal_id):
    from sqlalchemy import create_engine, text

    database = create_engine(db_url)
    with database.begin() as connection:  # a state written by some other, incompatible release
        connection.execute(text("UPDATE opportunities SET workflow_state = '{\"serializer_version\": \"0.1\"}' "
                                "WHERE id = :id"), {"id": deal_id})
    database.dispose()


def stored_state(db_url, deal_id):
    from sqlalchemy import create_engine, text

    database = create_engine(db_url)
    with database.connect() as connection:
        state = connection.execute(text("SELECT workflow_state FROM opportunities WHERE id = :id"),
                                   {"id": deal_id}).scalar()
    database.dispose()
    return state


def batches_with_two_failing_deals(engine, db_url, clock, deals):
    """``deals`` deals due at once; the first two (picked first, in one batch) fail:
    one's state does not load, the other's rows are refused half-way."""
    from engine.service.timers import BATCH

    assert deals > BATCH  # more than one batch
    opened = [open_deal(engine, f"deal {i}") for i in range(deals)]
    broken, refused, healthy = opened[0], opened[1], opened[2:]
    unloadable(db_url, broken.id)
    refuse_inbox_rows_of(db_url, refused.id)
    clock.advance(days=3, minutes=1)
    return broken, refused, healthy, stored_state(db_url, refused.id)


def assert_failed_alone(engine, db_url, broken, refused, healthy, refused_state):
    for deal in healthy:
        after = engine.show_opportunity(deal.id)
        assert len(kinds(after, "timer_fired")) == 1 and len(chase_tasks(after)) == 1, deal.id
        assert after.next_timer_at is None and after.error_message is None
    for deal in (broken, refused):
        after = engine.show_opportunity(deal.id)
        assert after.error_message and after.next_timer_at is None, deal.id
        assert kinds(after, "timer_fired") == [] and chase_tasks(after) == [], deal.id
        assert len(kinds(after, "error")) == 1 and after.events[-1].kind == "error"
    # Nothing of the refused deal's firing stayed: its stored state is the one before.
    assert stored_state(db_url, refused.id) == refused_state
    assert "same change" in engine.show_opportunity(refused.id).error_message


def test_a_batch_fires_its_other_deals_when_one_cannot_load_and_one_fails_half_way(engine, clock, db_url):
    from engine.service.timers import BATCH

    broken, refused, healthy, refused_state = batches_with_two_failing_deals(engine, db_url, clock, BATCH + 3)
    assert engine.fire_due_timers() == len(healthy)
    assert_failed_alone(engine, db_url, broken, refused, healthy, refused_state)
    assert engine.fire_due_timers() == 0


def test_two_workers_firing_batches_with_failing_deals_fire_every_other_deal_exactly_once(engines, clock, db_url):
    from engine.service.timers import BATCH
    from tests.engine.test_concurrency import at_once

    first, second = engines
    broken, refused, healthy, refused_state = batches_with_two_failing_deals(first, db_url, clock, 2 * BATCH + 5)
    fired = at_once(first.fire_due_timers, second.fire_due_timers)
    assert all(isinstance(n, int) for n in fired), fired
    assert sum(fired) == len(healthy)
    assert_failed_alone(first, db_url, broken, refused, healthy, refused_state)
    assert first.fire_due_timers() == 0 and second.fire_due_timers() == 0


def test_deals_fired_in_one_batch_each_keep_their_own_open_tasks(engine, clock):
    """The batch reads its deals' inbox rows in one statement: each deal's firing must
    work on its own rows only — another deal's would be cancelled, its own re-added."""
    deals = [open_deal(engine, f"deal {i}") for i in range(3)]
    clock.advance(days=3, minutes=1)
    assert engine.fire_due_timers() == 3
    for deal in deals:
        qualify = [t.id for t in deal.open_tasks if t.node_id == "Task_Qualify"]
        after = engine.show_opportunity(deal.id)
        assert len(qualify) == 1 and [t.id for t in after.open_tasks if t.node_id == "Task_Qualify"] == qualify
        assert {t.opportunity_id for t in after.open_tasks} == {deal.id}
        assert len(chase_tasks(after)) == 1 and len(kinds(after, "timer_fired")) == 1


def test_a_call_takes_at_most_its_limit_of_due_deals_across_batches(engine, clock):
    from engine.service.timers import BATCH

    deals = [open_deal(engine, f"deal {i}") for i in range(BATCH + 2)]
    clock.advance(days=3, minutes=1)
    assert engine.fire_due_timers(limit=BATCH + 1) == BATCH + 1
    assert engine.fire_due_timers(limit=BATCH + 1) == 1
    assert all(len(kinds(engine.show_opportunity(d.id), "timer_fired")) == 1 for d in deals)
