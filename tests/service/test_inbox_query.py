"""The inbox as Camunda Tasklist users expect it (issue 15): search, filters, sorting,
follow-up dates, saved filters (only ever their owner's), bulk claim and hand-over
decided task by task, and the deal's context on a task — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from engine.errors import FormError, NotFoundError
from tests.conftest import make_engine, queue_methodology
from tests.engine.test_concurrency import at_once


def deal(engine, title, partner):
    return engine.create_opportunity(title=title, amount="1000.00", currency="PLN", partner=partner,
                                     attributes={"channel": "retail"}, actor="manager")


def names(page):
    return [t.opportunity_title for t in page.tasks]


@pytest.fixture
def queue_engine(db_url, clock, tmp_path):
    """The base methodology with the manager lane going to the team's queue."""
    engine = make_engine(db_url, clock, queue_methodology(tmp_path))
    yield engine
    engine.close()


def queued_chases(engine, clock, count):
    """``count`` deals whose chase task (after 4 days) waits in team sales's queue."""
    for i in range(count):
        deal(engine, f"Queued {i}", "Bistro")
    clock.advance(days=4)
    engine.fire_due_timers()
    chases = [t for t in engine.inbox("rep1", per_page=200).tasks if t.node_id == "Task_Chase"]
    assert len(chases) == count and all(t.may_claim for t in chases)
    return [t.id for t in chases]


def test_search_finds_words_in_task_deal_and_partner_in_any_case(engine):
    deal(engine, "Cold room", "Bar Mleczny")          # rep1
    deal(engine, "Ice machine", "Hotel Górski")       # rep2
    deal(engine, "Display fridge", "Bar Mleczny")     # rep1
    assert sorted(names(engine.inbox("manager", {"q": "bar mleczny"}))) == ["Cold room", "Display fridge"]
    assert names(engine.inbox("manager", {"q": "ICE"})) == ["Ice machine"]
    assert names(engine.inbox("manager", {"q": "górski ice"})) == ["Ice machine"]  # every word
    task_name = engine.inbox("manager").tasks[0].name
    assert engine.inbox("manager", {"q": task_name}).total == 3
    assert engine.inbox("manager", {"q": "100%_"}).total == 0  # LIKE's wildcards are text here
    page = engine.inbox("manager", {"q": "bar"})
    assert page.total == 2 and page.query.as_query() == {"q": "bar"}
    assert [t.partner_name for t in page.tasks] == ["Bar Mleczny", "Bar Mleczny"]


def test_every_column_sorts_both_ways_with_the_default_order_as_tie_break(engine, clock):
    for title, partner in (("B deal", "Zeta"), ("C deal", "Alpha"), ("A deal", "Mid")):
        deal(engine, title, partner)
        clock.advance(hours=1)
    assert names(engine.inbox("manager")) == ["B deal", "C deal", "A deal"]  # earliest due first
    assert names(engine.inbox("manager", {"sort": "-due"})) == ["A deal", "C deal", "B deal"]
    assert names(engine.inbox("manager", {"sort": "deal"})) == ["A deal", "B deal", "C deal"]
    assert names(engine.inbox("manager", {"sort": "-deal"})) == ["C deal", "B deal", "A deal"]
    assert names(engine.inbox("manager", {"sort": "partner"})) == ["C deal", "A deal", "B deal"]
    assert names(engine.inbox("manager", {"sort": "-created"})) == ["A deal", "C deal", "B deal"]
    assert names(engine.inbox("manager", {"sort": "assignee"})) == ["B deal", "A deal", "C deal"]  # rep1, rep1, rep2
    for column in ("task", "stage", "follow_up", "-assignee", "-task"):
        assert sorted(names(engine.inbox("manager", {"sort": column}))) == ["A deal", "B deal", "C deal"]
    with pytest.raises(FormError) as refused:
        engine.inbox("manager", {"sort": "price", "due": "soon", "page": "0"})
    assert set(refused.value.fields) == {"sort", "due", "page"}  # every mistake at once


def test_due_and_follow_up_filters_count_days_in_the_company_zone(engine, clock):
    first = deal(engine, "First", "P")     # due in 2 days (the base methodology's first task)
    deal(engine, "Second", "P")
    due = engine.inbox("manager").tasks[0].due_at
    assert engine.inbox("manager", {"due": "overdue"}).total == 0
    clock.now = due.replace(hour=6)        # the day it is due
    assert sorted(names(engine.inbox("manager", {"due": "today"}))) == ["First", "Second"]
    assert engine.inbox("manager", {"due": "none"}).total == 0
    clock.now = due.replace(hour=23)       # past due (and still "today" in UTC; midnight passed in Warsaw)
    assert engine.inbox("manager", {"due": "overdue"}).total == 2
    task = engine.inbox("rep1").tasks[0]
    assert task.opportunity_id == first.id and task.follow_up_at is None
    assert engine.inbox("manager", {"follow_up": "none"}).total == 2
    set_task = engine.set_follow_up(task.id, clock.now.date().isoformat(), actor="rep1")
    assert set_task.follow_up_at is not None
    assert names(engine.inbox("manager", {"follow_up": "overdue"})) == ["First"]  # its day began
    assert names(engine.inbox("manager", {"follow_up": "none"})) == ["Second"]
    assert names(engine.inbox("manager", {"sort": "follow_up"})) == ["First", "Second"]  # unset ones last
    for other in ("rep2", "rep3", "manager2"):  # may not even see it
        with pytest.raises(NotFoundError):
            engine.set_follow_up(task.id, "2026-12-01", actor=other)
    with pytest.raises(FormError):
        engine.set_follow_up(task.id, "tomorrow", actor="rep1")
    assert engine.set_follow_up(task.id, "", actor="rep1").follow_up_at is None


def test_assignee_and_queue_filters(queue_engine, clock):
    chases = queued_chases(queue_engine, clock, 2)
    queue_engine.claim_task(chases[0], actor="rep2")
    mine = queue_engine.inbox("rep1", {"assignee": "me"})
    assert mine.total and all(t.assignee == "rep1" for t in mine.tasks)
    assert [t.id for t in queue_engine.inbox("rep1", {"assignee": "queue"}).tasks] == [chases[1]]
    assert [t.id for t in queue_engine.inbox("rep1", {"queue": "sales"}).tasks] == [chases[1]]
    assert queue_engine.inbox("rep1", {"queue": "others"}).total == 0
    assert [t.id for t in queue_engine.inbox("manager", {"assignee": "REP2", "q": "chase"}).tasks] == [chases[0]]
    others = queue_engine.inbox("rep1", {"assignee": "others"})
    assert others.total == 0  # a rep sees no one else's held tasks
    assert queue_engine.inbox("rep1").queues == ("horeca", "sales")


def test_saved_filters_belong_to_their_user_only(engine):
    saved = engine.save_inbox_filter("Overdue bars", {"q": "bar", "due": "overdue", "page": "3", "sort": "due"},
                                     actor="rep1")
    assert (saved.name, saved.query) == ("Overdue bars", "q=bar&due=overdue")  # no page, no default sort
    again = engine.save_inbox_filter("Overdue bars", {"q": "bar", "sort": "-deal"}, actor="rep1")
    assert again.id == saved.id and again.query == "q=bar&sort=-deal"
    engine.save_inbox_filter("Everything", {}, actor="rep1")
    assert [f.name for f in engine.inbox("rep1").saved] == ["Everything", "Overdue bars"]
    assert engine.inbox("rep2").saved == ()
    with pytest.raises(NotFoundError):
        engine.delete_inbox_filter(saved.id, actor="rep2")  # not theirs: as if it did not exist
    with pytest.raises(NotFoundError):
        engine.delete_inbox_filter(saved.id, actor="manager")
    assert len(engine.inbox("rep1").saved) == 2
    with pytest.raises(FormError) as bad:
        engine.save_inbox_filter("", {"due": "someday"}, actor="rep1")
    assert set(bad.value.fields) == {"name"} or set(bad.value.fields) == {"due"}
    engine.delete_inbox_filter(saved.id, actor="rep1")
    assert [f.name for f in engine.inbox("rep1").saved] == ["Everything"]
    with pytest.raises(NotFoundError):
        engine.delete_inbox_filter(saved.id, actor="rep1")


def test_bulk_claim_decides_each_task_and_says_why_it_refused_some(queue_engine, clock):
    chases = queued_chases(queue_engine, clock, 3)
    # rep2 takes one on a deal rep1 owns (rep1 still sees that one, so is told who has it)
    chases.sort(key=lambda t: queue_engine.task(t, viewer="manager").opportunity_title == "Queued 1")
    chases[1], chases[2] = chases[2], chases[1]
    queue_engine.claim_task(chases[2], actor="rep2")
    own = next(t.id for t in queue_engine.inbox("rep1", {"assignee": "me"}).tasks)
    report = queue_engine.bulk_claim([chases[0], chases[1], chases[2], own, "no-such-task", chases[0]],
                                     actor="rep1")
    assert [o.task_id for o in report.done] == chases[:2]
    refused = {o.task_id: o.reason for o in report.refused}
    assert refused[chases[2]] == "The task was already claimed by rep2"
    assert "assigned to a person" in refused[own]
    assert refused["no-such-task"] == "no such task, or not one you may see"
    assert all(queue_engine.task(t, viewer="rep1").assignee == "rep1" for t in chases[:2])
    with pytest.raises(FormError):
        queue_engine.bulk_claim([], actor="rep1")
    outsider = queue_engine.bulk_claim(chases[:1], actor="rep3")
    assert outsider.done == () and outsider.refused[0].name is None  # rep3 may not even read its name


def test_bulk_hand_over_is_for_the_deals_manager_task_by_task(engine):
    deal(engine, "One", "P")
    deal(engine, "Two", "P")
    tasks = [t.id for t in engine.inbox("manager").tasks]
    by_rep = engine.bulk_hand_over(tasks, to="rep2", actor="rep1")
    assert by_rep.done == () and len(by_rep.refused) == 2
    by_other_manager = engine.bulk_hand_over(tasks, to="rep3", actor="manager2")
    assert by_other_manager.done == () and {o.name for o in by_other_manager.refused} == {None}
    report = engine.bulk_hand_over(tasks, to="rep3", actor="manager")
    assert [o.task_id for o in report.done] == tasks and report.to == "rep3"
    assert {t.id for t in engine.inbox("rep3").tasks} == set(tasks)
    with pytest.raises(FormError):
        engine.bulk_hand_over(tasks, to="nobody", actor="manager")


def test_two_bulk_claims_of_overlapping_tasks_claim_each_exactly_once(db_url, clock, tmp_path):
    from engine.service import Engine

    first = make_engine(db_url, clock, queue_methodology(tmp_path))
    second = Engine(db_url, clock=clock)
    try:
        chases = queued_chases(first, clock, 6)
        left, right = chases[:4], list(reversed(chases[2:]))  # 2 shared, met in opposite orders
        one, two = at_once(lambda: first.bulk_claim(left, actor="rep1"),
                           lambda: second.bulk_claim(right, actor="rep2"))
        assert not isinstance(one, Exception) and not isinstance(two, Exception), (one, two)
        got = {o.task_id: "rep1" for o in one.done} | {o.task_id: "rep2" for o in two.done}
        assert len(one.done) + len(two.done) == len(chases) == len(got)  # each claimed once
        for task_id in chases:
            assert first.task(task_id, viewer="manager").assignee == got[task_id]
        lost = {o.task_id for o in one.refused} | {o.task_id for o in two.refused}
        assert lost == set(chases[2:4]) and all(o.reason for o in one.refused + two.refused)
    finally:
        first.close()
        second.close()


def test_a_task_shows_its_deals_context_to_whoever_may_see_it(engine):
    opened = deal(engine, "Cold room", "Bar Mleczny")
    first = opened.open_tasks[0]
    engine.complete_task(first.id, actor="rep1", data={"amount": "5", "interested": True})
    engine.add_contact(opened.id, actor="rep1", name="Anna Nowak", role="decision_maker")
    task = engine.inbox("rep1").tasks[0]
    context = engine.task_context(task.id, viewer="rep1")
    assert (context.partner_name, str(context.amount), context.currency) == ("Bar Mleczny", "1000.00", "PLN")
    assert context.stage_name and context.owner
    step = context.earlier[0]
    assert step.name == first.name and step.completed_by
    assert [(a.label, a.value) for a in step.answers][-1][1] == "yes"
    assert context.buying_center[0][0] == "Anna Nowak"
    with pytest.raises(NotFoundError):
        engine.task_context(task.id, viewer="rep3")
