"""The inbox and the deal page of a deal whose step failed on one parallel branch
while the other goes on (Flask's test client, both databases): the rep whose
completion failed is told so; the rep completing the other branch's task is told it
is done; the deal page keeps showing the failed step, its task and the retry button,
and says the other branches go on only while they have open work."""

from __future__ import annotations

import html

import pytest

from tests.conftest import make_engine
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, methodology_with_script
from tests.service.test_parallel_errors import (BROKEN, DISPLACED, FINE, at_fork, fail_offer, parallel_methodology,
                                                task_at, two_failing_people)
from tests.webui.pages_support import client_for, make_app, with_passwords
from tests.webui.test_retry_api import failed_deal


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, parallel_methodology(tmp_path, "broken", "2.0",
                                                                            offer=BROKEN, review=FINE)))
    yield engine
    engine.close()


def flashed(client, response) -> str:
    assert response.status_code == 303, response.text
    return html.unescape(client.get(response.headers["Location"]).text)


def test_the_other_branchs_rep_is_told_done_and_the_deal_page_keeps_the_failed_step(engine, clock):
    deal = at_fork(engine)
    clock.advance(days=2, minutes=1)
    engine.fire_due_timers()
    deal = engine.show_opportunity(deal.id)
    offer, review = task_at(deal, "Task_Offer"), task_at(deal, "Task_Review")
    rep = client_for(make_app(engine), deal.owner)

    page = flashed(rep, rep.post(f"/tasks/{offer.id}", data={"result": "accepted"}))
    assert "“Send the offer” was not completed: the step after it failed (division by zero" in page
    manager = client_for(make_app(engine), "manager")
    page = html.unescape(manager.get(f"/opportunities/{deal.id}").text)
    assert "The process's other branches go on meanwhile." in page  # the review waits for its rep
    page = flashed(rep, rep.post(f"/tasks/{review.id}", data={}))
    assert "Done: “Review the contract”" in page and "was not completed" not in page

    page = html.unescape(manager.get(f"/opportunities/{deal.id}").text)
    assert 'id="deal-error"' in page and "division by zero" in page and 'id="retry-step"' in page
    assert ("“Send the offer” stays open: a retry runs its completion\n    again with the answers given."
            in page)
    assert "other branches go on" not in page  # the review is done: only the failed offer is left


def test_a_process_without_other_open_work_is_not_said_to_go_on(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, methodology_with_script(tmp_path, "one", "2.0", BROKEN_SCRIPT)))
    try:
        deal = failed_deal(engine)  # a process of one branch: its offer's completion failed
        page = html.unescape(client_for(make_app(engine), "manager").get(f"/opportunities/{deal.id}").text)
        assert "“Send the offer” stays open: a retry runs its completion" in page
        assert "other branches go on" not in page and "timer of the deal fires" not in page
    finally:
        engine.close()


def test_the_deal_page_says_its_timers_wait_when_one_failed_behind_the_failed_step(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, parallel_methodology(tmp_path, "both", "2.0",
                                                                            offer=BROKEN, review=BROKEN)))
    try:
        deal = at_fork(engine)
        engine.complete_task(task_at(deal, "Task_Offer").id, actor=deal.owner, data={"result": "accepted"})
        clock.advance(days=2, minutes=1)
        engine.fire_due_timers()  # the review's timer fails behind the offer's failed completion: held
        manager = client_for(make_app(engine), "manager")
        page = html.unescape(manager.get(f"/opportunities/{deal.id}").text)
        assert "“Send the offer” stays open" in page and "no\n    timer of the deal fires until it is settled" in page
        assert "other branches go on meanwhile" not in page  # they do not: the timers are held
    finally:
        engine.close()


def test_what_a_second_persons_failure_displaced_shows_under_the_error(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, two_failing_people(tmp_path)))
    try:
        deal = at_fork(engine)
        clock.advance(days=2, minutes=1)
        engine.fire_due_timers()
        deal = fail_offer(engine, engine.show_opportunity(deal.id))
        rep = client_for(make_app(engine), deal.owner)
        page = flashed(rep, rep.post(f"/tasks/{task_at(deal, 'Task_Review').id}", data={}))
        assert "“Review the contract” was not completed: the step after it failed (division by zero" in page
        assert DISPLACED in page  # the rep is told the offer's answers are to be given again

        page = html.unescape(client_for(make_app(engine), "manager").get(f"/opportunities/{deal.id}").text)
        assert "(Script_After): division by zero</p>" in page  # the error alone
        assert f'<p class="deal-error-note" id="deal-error-note">{DISPLACED}</p>' in page
    finally:
        engine.close()


def test_an_error_that_displaced_nothing_has_no_note(engine, clock):
    deal = fail_offer(engine, at_fork(engine))
    page = html.unescape(client_for(make_app(engine), "manager").get(f"/opportunities/{deal.id}").text)
    assert 'id="deal-error"' in page and 'id="deal-error-note"' not in page
