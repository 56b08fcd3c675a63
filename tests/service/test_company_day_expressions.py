"""A methodology's today() is the company's day, like every other "today" of the product
(engine.service.organisation.company_today): at 23:30 UTC on 31 December 2026 a Warsaw
company's gateways, routing conditions and form conditions see 1 January 2027 — they saw
31 December. now() stays the UTC instant. On SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import datetime, timezone

from tests.conftest import BASE_METHODOLOGY, make_engine
from tests.service.test_company_day import LATE, at
from tests.service.test_lost_reasons import task, to_offer

NEW_YEAR = """segments:
  - id: new-year
    name: New year's deals
    when: today() == date('2027-01-01') and now() == datetime('2026-12-31T23:30:00Z')
    methodology: small-deal
    team: horeca
    assignment: round_robin
"""
DEAL = dict(title="Kiosk", amount="100.00", partner="Hotel Rex", actor="manager", attributes={"channel": "retail"})


def methodologies(tmp_path, *, routing: str = "", gateway: str = ""):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    if routing:
        path = target / "routing" / "default.yaml"
        path.write_text(path.read_text("utf-8").replace("segments:\n", routing, 1), "utf-8")
    if gateway:
        path = target / "bpmn" / "deal.bpmn"
        text = path.read_text("utf-8")
        assert ">result == 'accepted'<" in text
        path.write_text(text.replace(">result == 'accepted'<", f">result == 'accepted' and {gateway}<", 1), "utf-8")
    return target


def offered_and_accepted(engine) -> str:
    """A new deal's status once its offer is accepted: the gateway decides won or lost."""
    offer = to_offer(engine, engine.create_opportunity(**DEAL))
    return engine.complete_task(task(offer, "Task_Offer").id, actor=offer.owner,
                                data={"result": "accepted"}).status


def test_a_routing_condition_on_today_is_decided_on_the_company_day(db_url, clock, tmp_path):
    with closing(make_engine(db_url, clock, methodologies(tmp_path, routing=NEW_YEAR))) as engine:
        at(clock, LATE)
        assert engine.preview_opportunity(**DEAL).segment_id == "everyone-else"  # UTC: still 31 December
        engine.set_company_time_zone("Europe/Warsaw", actor="admin")
        assert engine.preview_opportunity(**DEAL).segment_id == "new-year"  # 00:30 on 1 January
        assert engine.create_opportunity(**DEAL).segment_id == "new-year"


def test_a_gateway_on_today_is_decided_on_the_company_day(db_url, clock, tmp_path):
    target = methodologies(tmp_path, gateway="days_between(today(), date('2027-01-01')) == 0")
    with closing(make_engine(db_url, clock, target)) as engine:
        at(clock, LATE)
        assert offered_and_accepted(engine) == "lost"  # UTC: today() is 31 December
        engine.set_company_time_zone("Europe/Warsaw", actor="admin")
        assert offered_and_accepted(engine) == "won"


def test_a_gateway_on_datetime_of_today_starts_at_the_company_midnight(db_url, clock, tmp_path):
    target = methodologies(tmp_path, gateway="hours(1) > now() - datetime(today())")  # no "<" in the XML
    with closing(make_engine(db_url, clock, target)) as engine:
        at(clock, LATE)
        assert offered_and_accepted(engine) == "lost"  # UTC: 23:30 since midnight
        engine.set_company_time_zone("Europe/Warsaw", actor="admin")
        assert offered_and_accepted(engine) == "won"  # 30 minutes since midnight in Warsaw


def test_a_gateway_on_now_compares_the_utc_instant_whatever_the_company_zone(db_url, clock, tmp_path):
    target = methodologies(tmp_path, gateway="now() == datetime('2026-12-31T23:30:00Z')")
    with closing(make_engine(db_url, clock, target)) as engine:
        engine.set_company_time_zone("Asia/Tokyo", actor="admin")
        at(clock, LATE)
        offer = to_offer(engine, engine.create_opportunity(**DEAL))
        assert engine.complete_task(task(offer, "Task_Offer").id, actor=offer.owner,
                                    data={"result": "accepted"}).status == "won"
        assert LATE == datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
