"""The API's Opportunity of a deal whose step failed on one parallel branch (both
databases): failed_step {kind, task_id} names what a retry runs — a person's
completion while the other branch goes on, the timers when a timer failed — and
timers_held whether the timers wait for it, and error_note what a second person's
failure displaced (error_message stays the error alone), for every role that sees
the deal, and fits the documented schema."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.service.test_parallel_errors import (BROKEN, DISPLACED, FINE, at_fork, fail_offer, parallel_methodology,
                                                second_failure, task_at, two_failing_people)
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX, Checker

SHOW = "/opportunities/{opportunity_id}"


@pytest.fixture
def start(db_url, clock, tmp_path):
    engines = []

    def make(*, offer: str = FINE, review: str = FINE) -> Api:
        engines.append(make_engine(db_url, clock, parallel_methodology(tmp_path, f"m{len(engines)}", "2.0",
                                                                       offer=offer, review=review)))
        engines[-1].create_user("designer", "designer")
        return Api(engines[-1])

    yield make
    for engine in engines:
        engine.close()


def test_a_failed_completion_is_named_to_every_role_while_the_other_branch_goes_on(start, clock):
    api = start(offer=BROKEN)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    deal = fail_offer(api.engine, at_fork(api.engine))
    offer = task_at(deal, "Task_Offer")
    clock.advance(days=2, minutes=1)
    assert api.engine.fire_due_timers() == 1  # the other branch's timer fires
    for viewer in (deal.owner, "manager", "designer", "admin"):
        shown = check(api.get(f"/opportunities/{deal.id}", viewer), "GET", SHOW, 200)
        assert (shown["error_message"], shown["failed_step"], shown["timers_held"], shown["error_note"]) == (
            "division by zero", {"kind": "complete", "task_id": offer.id}, False, None), viewer


def test_a_failed_timer_is_named_as_the_timers(start, clock):
    api = start(review=BROKEN)
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    deal = at_fork(api.engine)
    clock.advance(days=2, minutes=1)
    api.engine.fire_due_timers()
    for viewer in (deal.owner, "manager"):
        shown = check(api.get(f"/opportunities/{deal.id}", viewer), "GET", SHOW, 200)
        assert (shown["failed_step"], shown["timers_held"]) == ({"kind": "timers", "task_id": None}, True), viewer


def test_what_a_second_persons_failure_displaced_is_its_own_field(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, two_failing_people(tmp_path))
    try:
        engine.create_user("designer", "designer")
        api = Api(engine)
        check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
        deal = second_failure(engine, clock)
        for viewer in (deal.owner, "manager", "designer", "admin"):
            shown = check(api.get(f"/opportunities/{deal.id}", viewer), "GET", SHOW, 200)
            assert (shown["error_message"], shown["error_note"], shown["failed_step"]["task_id"]) == (
                "division by zero", DISPLACED, task_at(deal, "Task_Review").id), viewer
    finally:
        engine.close()
