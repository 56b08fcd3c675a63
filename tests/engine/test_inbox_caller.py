"""The inbox of an authenticated caller (the API's token check hands the façade the
user with their team ids) and the page's forms read once per distinct form."""

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine as SqlEngine

from engine.store.inbox import _FORMS_KEPT, page_form
from tests.conftest import make_engine, queue_methodology


@pytest.fixture
def queue_engine(db_url, clock, tmp_path):
    """The base methodology with the manager lane going to the team's queue."""
    engine = make_engine(db_url, clock, queue_methodology(tmp_path))
    yield engine
    engine.close()


def open_deal(engine):
    return engine.create_opportunity(title="Deal retail", amount="1000.00", partner="P",
                                     attributes={"channel": "retail"}, actor="manager")


@contextmanager
def statements():
    sent = []

    def count(_connection, _cursor, statement, *_):
        sent.append(statement)

    event.listen(SqlEngine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(SqlEngine, "before_cursor_execute", count)


def shown(page):
    return ([(t.id, t.assignee, t.candidate_team, t.may_claim, t.form, t.stage_name, t.methodology_id)
             for t in page.tasks], (page.total, page.mine, page.queued, page.team, page.overdue),
            page.stages, page.methodologies, page.queues, page.may_hand_over)


def test_the_tokens_caller_carries_their_team_ids_in_the_order_of_their_team_names(queue_engine):
    caller = queue_engine.user_for_token(queue_engine.create_token("rep1"))
    assert caller.teams == ("horeca", "sales")
    assert len(caller.team_ids) == 2 and len(set(caller.team_ids)) == 2
    loner = queue_engine.create_user("loner", "rep")
    assert queue_engine.user_for_token(queue_engine.create_token(loner.username)).team_ids == ()


@pytest.mark.parametrize("who", ["rep1", "rep2", "rep3", "manager", "admin"])
def test_the_inbox_of_the_tokens_caller_is_the_inbox_of_their_name(queue_engine, clock, who):
    open_deal(queue_engine)  # rep1's
    open_deal(queue_engine)  # rep2's
    clock.advance(days=4)
    queue_engine.fire_due_timers()  # the chase tasks wait in the team's queue
    caller = queue_engine.user_for_token(queue_engine.create_token(who))
    by_name = queue_engine.inbox(who, saved_filters=False)
    assert shown(queue_engine.inbox(caller, saved_filters=False)) == shown(by_name)
    if who in ("rep1", "rep2"):
        assert by_name.queued >= 1 and any(t.may_claim for t in by_name.tasks)
    for params in ({"assignee": "queue"}, {"q": "Deal", "sort": "task"}, {"per_page": "1", "page": "2"}):
        assert shown(queue_engine.inbox(caller, params)) == shown(queue_engine.inbox(who, params))


def test_the_tokens_caller_spares_the_inbox_its_user_query(queue_engine):
    open_deal(queue_engine)
    caller = queue_engine.user_for_token(queue_engine.create_token("rep1"))
    queue_engine.inbox(caller, saved_filters=False)  # the methodology version is in the catalog now
    with statements() as by_caller:
        queue_engine.inbox(caller, saved_filters=False)
    with statements() as by_name:
        queue_engine.inbox("rep1", saved_filters=False)
    assert len(by_caller) == 2, by_caller  # the counts and the page
    assert len(by_name) == 3, by_name  # and the user with their teams


def test_each_inbox_row_shows_the_form_stored_with_it(engine, db_url):
    first, _, second = open_deal(engine), open_deal(engine), open_deal(engine)  # rep1's, rep2's, rep1's
    task = second.open_tasks[0]
    assert first.open_tasks[0].node_id == task.node_id and first.open_tasks[0].form  # one form, twice
    edited = [{"id": "only", "label": "Only field", "type": "string", "required": True, "default": None,
               "minimum": None, "maximum": None, "choices": [["a", "A"]]}]
    database = create_engine(db_url)
    with database.begin() as connection:
        connection.execute(text("UPDATE tasks SET form = :form WHERE id = :id"),
                           {"form": json.dumps(edited), "id": task.id})
    database.dispose()
    forms = {t.id: t.form for t in engine.inbox("rep1").tasks}
    assert forms[first.open_tasks[0].id] == first.open_tasks[0].form
    assert [(f.id, f.label, f.required, f.choices) for f in forms[task.id]] == [("only", "Only field", True,
                                                                                  (("a", "A"),))]


def test_the_forms_kept_per_process_are_bounded():
    from engine.store import inbox

    for n in range(_FORMS_KEPT + 5):
        fields = page_form(json.dumps([{"id": f"f{n}", "label": "L", "type": "string", "required": False,
                                        "default": None, "minimum": None, "maximum": None, "choices": []}]))
        assert fields[0].id == f"f{n}"
    assert 0 < len(inbox._FORMS) <= _FORMS_KEPT
    assert page_form(None) == () and page_form("[]") == ()


@pytest.mark.parametrize("sort", ["due", "-due", "task", "-created", "follow_up", "-follow_up"])
def test_a_reps_page_chosen_among_tasks_first_is_the_page_of_the_joined_query(engine, clock, sort):
    """An unfiltered rep's page picks its tasks before joining their deals; with a
    filter ("assignee=me": every task of rep1's here) the joined query picks them.
    Both give the same tasks in the same order, page by page."""
    for n in range(5):
        open_deal(engine)  # rep1's and rep2's by turns
        clock.advance(hours=1 if n % 2 else 0)  # some due at the same time: the tie-breakers order them
    task_ids = [t.id for t in engine.inbox("rep1").tasks]
    engine.set_follow_up(task_ids[1], clock.now.date().isoformat(), actor="rep1")
    unfiltered = [t.id for p in (1, 2, 3) for t in engine.inbox("rep1", {"sort": sort, "per_page": "1",
                                                                          "page": str(p)}).tasks]
    joined = [t.id for p in (1, 2, 3) for t in engine.inbox("rep1", {"sort": sort, "per_page": "1", "page": str(p),
                                                                      "assignee": "me"}).tasks]
    assert len(unfiltered) == 3 and unfiltered == joined
