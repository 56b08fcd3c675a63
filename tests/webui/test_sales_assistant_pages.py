"""The Sales Assistant panel of the opportunity page and what it posts, through
Flask's test client on the real engine: who sees which forms, answers scored and
explained, the override's 422, and every post as the wrong user."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.engine.test_sales_assistant import guided_methodology
from tests.webui.pages_support import assert_nothing_leaks, client_for, make_app, open_deal, with_passwords


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, guided_methodology(tmp_path)))
    yield engine
    engine.close()


def test_the_panel_shows_guidance_activities_checklist_and_the_questionnaire(engine, app):
    deal = open_deal(engine)
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    assert 'id="sales-assistant"' in page and "Sales Assistant — Kwalifikacja" in page
    assert "Call the prospect" in page and "Ask who signs off the budget." in page
    assert "✗</span> activity &#39;Call the prospect&#39; is done" in page
    assert 'id="answer-qualification"' in page and "Not answered yet." in page
    assert 'id="override-form"' not in page and 'class="inline assign-activity"' not in page  # a rep
    manager_page = client_for(app, "manager").get(f"/opportunities/{deal.id}").text
    assert 'id="override-form"' in manager_page and 'class="inline assign-activity"' in manager_page


def test_answers_are_scored_and_the_page_explains_the_class(engine, app):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    response = rep.post(f"/opportunities/{deal.id}/questionnaires/qualification",
                        data={"q-budget": "yes", "q-timeline": "later"})
    assert response.status_code == 303
    page = rep.get(response.headers["Location"]).text
    assert "Answers saved: the deal scores 80 (class A); probability 40 %." in page
    assert '<strong class="score-value">80</strong>' in page and "sets the probability to 40%" in page
    assert "<td data-label=\"Earned\">75</td>" in page and "<td data-label=\"Possible\">25</td>" in page
    assert 'id="deal-probability">40 %' in page


def test_a_bad_override_comes_back_with_its_value_and_a_message(engine, app):
    deal = open_deal(engine)
    manager = client_for(app, "manager")
    response = manager.post(f"/opportunities/{deal.id}/probability", data={"probability": "140", "reason": "why"})
    assert response.status_code == 422
    assert 'value="140"' in response.text and "a whole number of percent from 0 to 100" in response.text
    ok = manager.post(f"/opportunities/{deal.id}/probability", data={"probability": "70", "reason": "LOI"})
    page = manager.get(ok.headers["Location"]).text
    assert 'id="probability-overridden"' in page and "automatic would be 20 %" in page
    reset = manager.post(f"/opportunities/{deal.id}/probability/reset")
    assert "Probability back to automatic: 20 %." in manager.get(reset.headers["Location"]).text


def test_every_post_as_the_wrong_user_is_refused_and_says_nothing_of_the_deal(engine, app):
    deal = open_deal(engine)
    outsider, rep = client_for(app, "rep3"), client_for(app, "rep1")
    for path, data in ((f"/opportunities/{deal.id}/questionnaires/qualification", {"q-budget": "yes"}),
                       (f"/opportunities/{deal.id}/probability", {"probability": "50"}),
                       (f"/opportunities/{deal.id}/probability/reset", {})):
        response = outsider.post(path, data=data)
        assert response.status_code == 404, path
        assert_nothing_leaks(response)
    assert rep.post(f"/opportunities/{deal.id}/probability", data={"probability": "50"}).status_code == 403
    assert rep.post(f"/opportunities/{deal.id}/probability/reset").status_code == 403
    assert engine.show_opportunity(deal.id).probability == 20
    assert engine.sales_assistant(deal.id, viewer="rep1").questionnaires[0].score is None


def test_completing_a_task_that_would_leave_the_stage_too_early_names_what_is_missing(engine, app):
    deal = open_deal(engine)
    (qualify,) = [t for t in deal.open_tasks if t.node_id == "Task_Qualify"]
    response = client_for(app, "rep1").post(f"/tasks/{qualify.id}", data={"amount": "700"})
    assert response.status_code == 409
    assert 'id="exit-refused"' in response.text and "Someone else completed" not in response.text
    assert '<li data-criterion="economic_buyer">someone in the buying center is the economic buyer</li>' in response.text
    assert 'value="700"' in response.text  # what the rep typed is still there
    assert engine.show_opportunity(deal.id).stage_id == "qualification"


def test_the_owner_closes_the_deal_as_lost_from_its_page(engine, app):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    assert 'id="lose-form"' in rep.get(f"/opportunities/{deal.id}").text
    empty = rep.post(f"/opportunities/{deal.id}/lose", data={"reason": ""})
    assert empty.status_code == 422 and "choose why the deal was lost" in empty.text
    outsider = client_for(app, "rep3").post(f"/opportunities/{deal.id}/lose", data={"reason": "x"})
    assert outsider.status_code == 404
    assert_nothing_leaks(outsider)
    # Free text alone still closes (as 'other'), after the confirmation step.
    done = rep.post(f"/opportunities/{deal.id}/lose", data={"reason": "Chose a competitor", "confirmed": "yes"})
    page = rep.get(done.headers["Location"]).text
    assert "is closed as lost (Przegrana: Other)" in page and 'id="lose-form"' not in page
    assert engine.show_opportunity(deal.id).lost_reason == "Chose a competitor"


def test_a_task_questionnaire_is_named_by_its_task(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, guided_methodology(tmp_path, task_questionnaire=True)))
    try:
        deal = open_deal(engine)
        page = client_for(make_app(engine), "rep1").get(f"/opportunities/{deal.id}").text
        assert "Answered in the task “Qualify the lead” when it comes up." in page
    finally:
        engine.close()


def test_suggested_activities_are_marked_in_the_inbox_and_on_their_page(engine, app):
    deal = open_deal(engine)
    call = next(t for t in deal.open_tasks if t.node_id == "qualification/call_prospect")
    rep = client_for(app, "rep1")
    inbox = rep.get("/").text
    row = inbox[inbox.index(f'id="task-{call.id}"'):]
    assert 'title="suggested by the Sales Assistant for this stage">required</span>' in row[:800]
    page = rep.get(f"/tasks/{call.id}").text
    assert '<span class="badge" id="task-kind">required activity</span>' in page and "Mark done" in page
