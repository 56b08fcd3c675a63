"""The opportunity page, the pipeline, and handing a deal or a task to someone else;
every route called as the right user and as the wrong one. CSRF is off here (see
test_pages_auth.py for the tokens)."""

import pytest

from tests.webui.pages_support import (PARTNER, TITLE, assert_nothing_leaks, client_for, open_deal)


def test_the_opportunity_page_shows_figures_history_tasks_and_events(app, engine):
    deal = open_deal(engine)
    engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "5"})
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}")
    assert page.status_code == 200
    for text in (TITLE, PARTNER, 'id="deal-amount">1\u202f000.00 PLN<', 'id="deal-stage">Oferta<',
                 'id="deal-probability">50 %<', 'id="deal-expected-revenue">500.00 PLN<', 'id="deal-owner">rep1<',
                 'id="deal-manager">manager<', "Kwalifikacja", "Send the offer", "Qualify the lead",
                 "Completed a task: “Qualify the lead”", "Opened the deal"):
        assert text in page.text, text
    assert 'id="reassign-deal"' not in page.text  # a rep may not hand deals over


def test_the_opportunity_page_draws_the_process_with_the_open_task_highlighted(app, engine):
    deal = open_deal(engine)
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}")
    assert 'id="deal-diagram"' in page.text
    assert "<svg" in page.text and "<script" not in page.text.split('id="deal-diagram"')[1]


def test_a_deal_you_may_not_see_is_not_found_and_nothing_about_it_shows(app, engine):
    deal = open_deal(engine)
    for user in ("rep3", "manager2"):
        response = client_for(app, user).get(f"/opportunities/{deal.id}")
        assert response.status_code == 404
        assert_nothing_leaks(response)
    assert client_for(app, "admin").get(f"/opportunities/{deal.id}").status_code == 200
    assert client_for(app, "rep1").get("/opportunities/999").status_code == 404


def test_the_manager_hands_a_deal_to_another_rep_who_then_sees_its_tasks_and_history_stays(app, engine):
    deal = open_deal(engine)
    manager = client_for(app, "manager")
    page = manager.get(f"/opportunities/{deal.id}")
    assert 'id="reassign-deal"' in page.text and '<option value="rep2">' in page.text
    response = manager.post(f"/opportunities/{deal.id}/reassign", data={"to": "rep2"})
    assert (response.status_code, response.location) == (303, f"/opportunities/{deal.id}")
    after = manager.get(f"/opportunities/{deal.id}")
    assert "now belongs to rep2" in after.text and 'id="deal-owner">rep2<' in after.text
    assert "<dt>Previous owner</dt><dd>rep1</dd>" in after.text and "Kwalifikacja" in after.text
    rep2_inbox = client_for(app, "rep2").get("/")
    assert f'id="task-{deal.open_tasks[0].id}"' in rep2_inbox.text


def test_a_hand_over_the_engine_refuses_comes_back_as_a_message(app, engine):
    deal = open_deal(engine)
    manager = client_for(app, "manager")
    for to in ("rep1", "manager2", "nobody"):
        response = manager.post(f"/opportunities/{deal.id}/reassign", data={"to": to})
        assert response.status_code == 303
    page = manager.get(f"/opportunities/{deal.id}")
    assert "already owned by" in page.text and "not a rep" in page.text
    assert engine.opportunity_for(deal.id, viewer="manager").owner == "rep1"


def test_the_manager_gives_one_open_task_to_a_user(app, engine):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    manager = client_for(app, "manager")
    response = manager.post(f"/tasks/{task_id}/reassign", data={"to": "rep2"})
    assert (response.status_code, response.location) == (303, f"/opportunities/{deal.id}")
    assert engine.task(task_id, viewer="manager").assignee == "rep2"
    assert manager.post(f"/tasks/{task_id}/reassign", data={"to": "nobody"}).status_code == 303
    assert engine.task(task_id, viewer="manager").assignee == "rep2"


def test_a_rep_or_another_manager_may_not_hand_over_a_deal_or_its_tasks(app, engine):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    for user in ("rep1", "rep3", "manager2"):
        client = client_for(app, user)
        for response in (client.post(f"/opportunities/{deal.id}/reassign", data={"to": "rep2"}),
                         client.post(f"/tasks/{task_id}/reassign", data={"to": "rep2"})):
            assert response.status_code in (403, 404), user
            assert_nothing_leaks(response)
    assert client_for(app, "rep1").post("/opportunities/999/reassign", data={"to": "rep2"}).status_code == 404
    assert client_for(app, "manager").post("/tasks/nope/reassign", data={"to": "rep2"}).status_code == 404
    assert engine.opportunity_for(deal.id, viewer="manager").owner == "rep1"
    assert engine.task(task_id, viewer="manager").assignee == "rep1"


def test_the_pipeline_lists_the_managers_open_deals_with_stage_counts(app, engine):
    first = open_deal(engine, title="Deal one")
    open_deal(engine, title="Deal two")
    engine.complete_task(first.open_tasks[0].id, actor="rep1", data={"amount": "5"})
    page = client_for(app, "manager").get("/pipeline")
    assert page.status_code == 200
    assert 'class="stage-qualification"' in page.text and 'class="stage-offer"' in page.text
    qualification = page.text.split('class="stage-qualification"')[1].split("</tr>")[0]
    assert 'class="num count" data-label="Deals">1<' in qualification
    assert "Deal one" in page.text and "Deal two" in page.text
    other = client_for(app, "manager2").get("/pipeline")
    assert other.status_code == 200 and "Deal one" not in other.text


def test_a_rep_may_not_see_the_pipeline(app, engine):
    open_deal(engine)
    response = client_for(app, "rep1").get("/pipeline")
    assert response.status_code == 403
    assert_nothing_leaks(response)
    assert 'id="nav-pipeline"' not in client_for(app, "rep1").get("/").text


def test_the_pipeline_page_shows_each_currency_on_its_own_line(app, engine):
    engine.create_opportunity(title="Euro deal", amount="500.00", currency="EUR", partner="P", actor="manager",
                              attributes={"channel": "retail"})
    open_deal(engine, title="Zloty deal")
    page = client_for(app, "manager").get("/pipeline").text
    row = page.split('class="stage-qualification"')[1].split("</tr>")[0]
    assert "500.00 EUR" in row and "1\u202f000.00 PLN" in row
    assert "1\u202f500.00" not in page  # never the two added together
    assert 'id="methodology-small-deal"' in page
