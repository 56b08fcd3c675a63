"""The inbox screen and the task page: counts, filters, paging, overdue marks,
claiming from a team queue, the generated form with its errors, and a conflict.
CSRF is off here (see test_pages_auth.py for the tokens)."""

import html
import re

import pytest

from tests.conftest import make_engine, queue_methodology
from tests.webui.pages_support import (PARTNER, TITLE, assert_nothing_leaks, client_for, make_app, open_deal,
                                       with_passwords)


@pytest.fixture
def queue_engine(db_url, clock, tmp_path):
    """The base methodology with the manager lane going to the team's queue."""
    engine = with_passwords(make_engine(db_url, clock, queue_methodology(tmp_path)))
    yield engine
    engine.close()


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="task [^"]*" id="task-([^"]+)"', html)


def test_the_inbox_lists_my_tasks_earliest_due_first_with_stage_due_date_and_counts(app, engine, clock):
    first = open_deal(engine, title="First deal")                 # rep1
    open_deal(engine, title="Somebody else's deal")              # rep2
    clock.advance(hours=1)
    third = open_deal(engine, title="Third deal")                 # rep1
    page = client_for(app, "rep1").get("/")
    assert page.status_code == 200
    assert rows(page.text) == [first.open_tasks[0].id, third.open_tasks[0].id]
    assert "Kwalifikacja" in page.text and "2026-11-04 09:00 UTC" in page.text
    assert "Somebody else" not in page.text
    assert 'id="count-mine">2<' in page.text and 'id="count-overdue">0<' in page.text


def test_overdue_tasks_are_highlighted_and_counted(app, engine, clock):
    open_deal(engine)
    clock.advance(days=3)
    page = client_for(app, "rep1").get("/")
    assert 'class="task overdue whose-mine"' in page.text
    assert 'id="count-overdue">1<' in page.text and "badge-overdue" in page.text


def test_the_inbox_filters_by_stage_and_methodology_and_pages(app, engine):
    deals = [open_deal(engine, title=f"Deal {i}") for i in range(6)]
    engine.complete_task(deals[0].open_tasks[0].id, actor="rep1", data={"amount": "5"})
    client = client_for(app, "manager")
    second = client.get("/?per_page=2&page=2")
    assert len(rows(second.text)) == 2 and "Page 2 of 3 · 3–4 of 6 tasks" in second.text
    assert 'href="/?page=3&amp;per_page=2"' in second.text and 'href="/?page=1&amp;per_page=2"' in second.text
    offers = client.get("/?stage=offer")
    assert rows(offers.text) == [engine.opportunity_for(deals[0].id, viewer="manager").open_tasks[0].id]
    assert '<option value="offer" selected>Oferta</option>' in offers.text
    assert len(rows(client.get("/?methodology=small-deal").text)) == 6
    none = client.get("/?methodology=other")
    assert rows(none.text) == [] and 'id="inbox-empty"' in none.text
    bad = client.get("/?page=abc&due=soon")  # named, and the inbox shown without them
    assert bad.status_code == 400 and len(rows(bad.text)) == 6
    assert "page: a whole number from 1 to 100000" in bad.text and "due: one of overdue, today, week, none" in bad.text


def test_a_queued_task_is_claimed_and_released_with_buttons(queue_engine, clock):
    app = make_app(queue_engine)
    open_deal(queue_engine)
    clock.advance(days=4)
    queue_engine.fire_due_timers()
    chase = next(t for t in queue_engine.inbox("rep2").tasks if t.node_id == "Task_Chase")
    rep2 = client_for(app, "rep2")
    inbox = rep2.get("/")
    assert f'action="/tasks/{chase.id}/claim"' in inbox.text and 'id="count-queue">1<' in inbox.text
    response = rep2.post(f"/tasks/{chase.id}/claim", data={"next": "/?stage="})
    assert (response.status_code, response.location) == (303, "/?stage=")
    assert queue_engine.task(chase.id, viewer="rep2").assignee == "rep2"
    inbox = rep2.get("/")
    assert "You took “Chase the rep”." in inbox.text and f'action="/tasks/{chase.id}/release"' in inbox.text
    rep1 = client_for(app, "rep1")
    taken = rep1.post(f"/tasks/{chase.id}/claim")
    assert taken.status_code == 303 and "already claimed by rep2" in rep1.get("/").text
    assert rep1.post(f"/tasks/{chase.id}/release").status_code == 403
    assert rep2.post(f"/tasks/{chase.id}/release").status_code == 303
    assert queue_engine.task(chase.id, viewer="rep2").claimable
    outsider = client_for(app, "rep3")
    for action in ("claim", "release"):
        refused = outsider.post(f"/tasks/{chase.id}/{action}")
        assert refused.status_code == 404
        assert_nothing_leaks(refused)


def test_the_task_page_shows_the_instructions_and_a_form_generated_from_the_fields(app, engine):
    deal = open_deal(engine)
    page = client_for(app, "rep1").get(f"/tasks/{deal.open_tasks[0].id}")
    assert page.status_code == 200
    assert "Call the prospect and record what they need." in page.text
    assert re.search(r'<input id="input-amount" name="amount" type="number" value="" required\s+step="1" min="0"',
                     page.text)
    assert '<select id="input-interested" name="interested"' in page.text
    assert '<option value="true" selected>Yes</option>' in page.text


def test_a_choice_field_becomes_a_select_of_its_values(app, engine):
    deal = open_deal(engine)
    after = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "5"})
    page = client_for(app, "rep1").get(f"/tasks/{after.open_tasks[0].id}")
    assert '<select id="input-result" name="result"' in page.text
    assert '<option value="accepted" >Accepted</option>' in page.text


def test_a_form_with_mistakes_comes_back_with_422_a_message_beside_each_field_and_the_input_kept(app, engine):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    client = client_for(app, "rep1")
    response = client.post(f"/tasks/{task_id}", data={"amount": "-5", "interested": "maybe"})
    assert response.status_code == 422
    assert '<p class="field-error" id="error-amount">enter 0 or more</p>' in response.text
    assert '<p class="field-error" id="error-interested">answer yes or no</p>' in response.text
    assert 'name="amount" type="number" value="-5"' in response.text
    missing = client.post(f"/tasks/{task_id}", data={"amount": ""})
    assert missing.status_code == 422 and 'id="error-amount">this field is required<' in missing.text
    assert engine.task(task_id, viewer="rep1").status == "ready"


def test_a_completed_form_goes_back_to_the_inbox_naming_the_new_stage_and_the_next_step(app, engine):
    deal = open_deal(engine)
    client = client_for(app, "rep1")
    response = client.post(f"/tasks/{deal.open_tasks[0].id}", data={"amount": "5", "interested": "true"})
    assert (response.status_code, response.location) == (303, "/")
    inbox = client.get("/")
    assert "is now at stage Oferta (50 %); next step: Send the offer." in inbox.text
    assert engine.opportunity_for(deal.id, viewer="rep1").stage_id == "offer"


def test_a_task_someone_else_completed_first_answers_409_and_says_so(app, engine):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    client = client_for(app, "rep1")
    client.get(f"/tasks/{task_id}")
    engine.complete_task(task_id, actor="manager", data={"amount": "7"})
    response = client.post(f"/tasks/{task_id}", data={"amount": "5", "interested": "true"})
    assert response.status_code == 409
    assert "Someone else completed this task" in response.text and "manager completed it" in response.text
    shown = client.get(f"/tasks/{task_id}")
    assert shown.status_code == 200 and 'id="task-done"' in shown.text and 'id="task-form"' not in shown.text


def test_a_task_that_is_not_yours_is_not_found_and_nothing_about_the_deal_shows(app, engine):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    outsider = client_for(app, "rep3")
    for response in (outsider.get(f"/tasks/{task_id}"),
                     outsider.post(f"/tasks/{task_id}", data={"amount": "5"}),
                     outsider.get("/tasks/no-such-task")):
        assert response.status_code == 404
        assert_nothing_leaks(response, TITLE, PARTNER, "Qualify the lead")
    assert engine.task(task_id, viewer="rep1").status == "ready"


def test_a_task_you_may_see_but_not_work_is_refused_with_403(app, engine):
    deal = open_deal(engine)
    engine.reassign_task(deal.open_tasks[0].id, to="rep2", actor="manager")
    response = client_for(app, "rep1").post(f"/tasks/{deal.open_tasks[0].id}", data={"amount": "5"})
    assert response.status_code == 403  # rep1 owns the deal, so sees the task: the page says why, keeps the input
    assert 'id="task-refused"' in response.text and "rep2 has it now." in response.text
    assert 'name="amount" type="number" value="5"' in response.text and 'id="task-submit"' not in response.text
    assert engine.task(deal.open_tasks[0].id, viewer="rep2").status == "ready"


def test_a_completion_whose_next_step_fails_says_so_and_keeps_the_task(db_url, clock, tmp_path):
    """Not "Done": the deal shows the error, the task stays to be done, and a retry
    after the fix replays the answers given."""
    from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, deal_at_offer, methodology_with_script

    engine = with_passwords(make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0",
                                                                               BROKEN_SCRIPT)))
    try:
        deal = deal_at_offer(engine)
        offer = deal.open_tasks[0]
        rep = client_for(make_app(engine), deal.owner)
        failed = rep.post(f"/tasks/{offer.id}", data={"result": "accepted"})
        assert failed.status_code == 303 and failed.headers["Location"] == f"/tasks/{offer.id}"
        page = html.unescape(rep.get(failed.headers["Location"]).text)
        assert (f"“{offer.name}” was not completed: the step after it failed (division by zero, at script task "
                "'Compute the discount' (Script_Discount)). Your answers are kept") in page
        assert "Done:" not in page and 'id="task-submit"' in page
        shown = engine.show_opportunity(deal.id)
        assert shown.error_message == "division by zero" and [t.id for t in shown.open_tasks] == [offer.id]
    finally:
        engine.close()
