"""The inbox page as Camunda Tasklist users expect it (issue 15): filters and sorting as
bookmarkable GET parameters, saved filters, the no-JavaScript bulk form, the follow-up
date and the deal's context on the task page — each tried as the wrong user too."""

from __future__ import annotations

import re

from tests.webui.pages_support import client_for, csrf_token, log_in, make_app, open_deal
from tests.webui.test_pages_inbox import queue_engine, rows  # noqa: F401  (a fixture, and the page's task rows)




def test_filters_and_sort_are_get_parameters_kept_by_links_and_the_pager(app, engine):
    for i in range(3):
        open_deal(engine, title=f"Deal {i}", partner=f"Partner {i}")
    manager = client_for(app, "manager")
    page = manager.get("/?q=partner&sort=-deal&per_page=2")
    assert page.status_code == 200 and len(rows(page.text)) == 2
    assert '<a href="/?q=partner&amp;per_page=2&amp;sort=deal" class="sort sorted" id="sort-deal">' in page.text
    assert 'aria-sort="descending"' in page.text
    assert 'href="/?page=2&amp;q=partner&amp;per_page=2&amp;sort=-deal"' in page.text  # the pager keeps them
    assert 'value="partner"' in page.text  # the search box holds what was searched
    assert manager.get("/?q=nothing-like-it").text.count('id="inbox-empty"') == 1


def test_saved_filters_are_listed_opened_and_deleted_by_their_owner_only(app, engine):
    open_deal(engine)
    rep1 = client_for(app, "rep1")
    saved = rep1.post("/inbox/filters", data={"name": "Mine overdue", "assignee": "me", "due": "overdue",
                                              "page": "4"})
    assert (saved.status_code, saved.location) == (303, "/?due=overdue&assignee=me")
    page = rep1.get("/")
    assert 'href="/?due=overdue&amp;assignee=me" class="saved-filter-link">Mine overdue</a>' in page.text
    filter_id = re.search(r'action="/inbox/filters/(\d+)/delete"', page.text).group(1)
    rep2 = client_for(app, "rep2")
    assert "Mine overdue" not in rep2.get("/").text
    assert rep2.post(f"/inbox/filters/{filter_id}/delete").status_code == 404  # not theirs
    assert "Mine overdue" in rep1.get("/").text
    bad = rep1.post("/inbox/filters", data={"name": "", "due": "overdue"})
    assert bad.status_code == 303 and "The filter was not saved" in rep1.get(bad.location).text
    gone = rep1.post(f"/inbox/filters/{filter_id}/delete", data={"next": "/?due=overdue"})
    assert (gone.status_code, gone.location) == (303, "/?due=overdue")
    assert "Mine overdue" not in rep1.get("/").text


def test_bulk_claim_without_javascript_reports_what_was_done_and_refused(queue_engine, clock):
    app = make_app(queue_engine)
    for i in range(3):
        open_deal(queue_engine, title=f"Deal {i}")
    clock.advance(days=4)
    queue_engine.fire_due_timers()
    chases = [t.id for t in sorted(queue_engine.inbox("rep1").tasks, key=lambda t: t.opportunity_title == "Deal 1")
              if t.node_id == "Task_Chase"]
    chases[1], chases[2] = chases[2], chases[1]  # rep2 takes one on a deal of rep1's (Deal 0 or 2), not Deal 1
    queue_engine.claim_task(chases[2], actor="rep2")
    rep1 = client_for(app, "rep1")
    page = rep1.get("/?assignee=queue")
    assert all(f'name="task_id" value="{c}" form="bulk-form"' in page.text for c in chases[:2])
    assert 'id="bulk-hand-over"' not in page.text  # a rep hands nothing over
    done = rep1.post("/tasks/bulk", data={"action": "claim", "task_id": chases, "next": "/?assignee=queue"})
    assert (done.status_code, done.location) == (303, "/?assignee=queue")
    after = rep1.get(done.location).text
    assert "Claimed 2 tasks: “Chase the rep”, “Chase the rep”." in after
    assert "Not done: “Chase the rep” — The task was already claimed by rep2" in after
    assert [queue_engine.task(c, viewer="manager").assignee for c in chases] == ["rep1", "rep1", "rep2"]
    rep3 = client_for(app, "rep3")  # outside the team: refused per task, and told nothing about them
    outsider = rep3.post("/tasks/bulk", data={"action": "claim", "task_id": chases[:1]})
    assert "Not done: a task — no such task, or not one you may see" in rep3.get(outsider.location).text
    handed = rep1.post("/tasks/bulk", data={"action": "hand_over", "to": "rep2", "task_id": chases[:1]})
    assert "Not done: “Chase the rep” — " in rep1.get(handed.location).text  # not the deal's manager
    assert queue_engine.task(chases[0], viewer="manager").assignee == "rep1"
    nothing = rep1.post("/tasks/bulk", data={"action": "claim"})
    assert "Nothing was done: select at least one task." in rep1.get(nothing.location).text


def test_the_manager_hands_ticked_tasks_over(app, engine):
    tasks = [open_deal(engine, title=f"Deal {i}").open_tasks[0].id for i in range(2)]
    manager = client_for(app, "manager")
    assert 'id="bulk-hand-over"' in manager.get("/").text
    handed = manager.post("/tasks/bulk", data={"action": "hand_over", "to": "rep3", "task_id": tasks})
    assert "Handed 2 tasks to rep3:" in manager.get(handed.location).text
    assert {t.id for t in engine.inbox("rep3").tasks} == set(tasks)
    one = open_deal(engine, title="Deal 3").open_tasks[0].id
    handed = manager.post("/tasks/bulk", data={"action": "hand_over", "to": "rep2", "task_id": [one]})
    assert "Handed 1 task to rep2: " in manager.get(handed.location).text  # the count never reads as a name's part


def test_bulk_and_filter_forms_need_the_csrf_token(engine):
    app = make_app(engine, csrf=True)
    task = open_deal(engine).open_tasks[0]
    client = app.test_client()
    assert log_in(client, "rep1", csrf=True).status_code == 302
    assert client.post("/tasks/bulk", data={"action": "claim", "task_id": task.id}).status_code == 400
    assert client.post("/inbox/filters", data={"name": "x"}).status_code == 400
    assert client.post(f"/tasks/{task.id}/follow-up", data={"follow_up": "2026-12-01"}).status_code == 400
    token = csrf_token(client.get("/").text)
    saved = client.post("/inbox/filters", data={"name": "All", "csrf_token": token, "sort": "-due"})
    assert saved.status_code == 303


def test_the_task_page_shows_the_deals_context_and_sets_a_follow_up(app, engine):
    opened = open_deal(engine)
    first = opened.open_tasks[0]
    engine.complete_task(first.id, actor="rep1", data={"amount": "5", "interested": True})
    task = engine.inbox("rep1").tasks[0]
    rep1 = client_for(app, "rep1")
    page = rep1.get(f"/tasks/{task.id}")
    assert 'id="deal-context"' in page.text and "1\u202f000.00 PLN" in page.text
    assert f"<strong>{first.name}</strong>" in page.text  # the earlier step and its answers
    set_it = rep1.post(f"/tasks/{task.id}/follow-up", data={"follow_up": "2026-12-24"})
    assert set_it.status_code == 303 and engine.task(task.id, viewer="rep1").follow_up_at is not None
    assert 'value="2026-12-24"' in rep1.get(f"/tasks/{task.id}").text
    rep2 = client_for(app, "rep2")
    assert rep2.get(f"/tasks/{task.id}").status_code == 404
    assert rep2.post(f"/tasks/{task.id}/follow-up", data={"follow_up": ""}).status_code == 404
    assert engine.task(task.id, viewer="rep1").follow_up_at is not None
    bad = rep1.post(f"/tasks/{task.id}/follow-up", data={"follow_up": "soon"})
    assert "a day as YYYY-MM-DD" in rep1.get(bad.location).text
