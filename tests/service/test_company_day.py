"""Every feature that asks "which day is today" for business meaning asks the company
(engine.service.organisation.company_today), like the forecast and the quotas: at
23:30 UTC on 31 December 2026 it is already 1 January 2027 in Warsaw — a year, quarter
and month boundary at once — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from engine.errors import FormError
from tests.conftest import make_engine
from tests.service.test_stage_sets import with_close_date_field
from tests.service.test_warnings import open_deal, set_columns

LATE = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 January 2027 in Warsaw


@pytest.fixture
def engine(db_url, clock):
    engine = make_engine(db_url, clock)
    yield engine
    engine.close()


def at(clock, moment: datetime) -> None:
    clock.advance(seconds=(moment - clock.now).total_seconds())


def passed_close_dates(engine) -> list[str]:
    engine.sweep_warnings()
    return [w.message for w in engine.warnings(viewer="admin") if w.rule == "close_date_passed"]


def test_a_close_date_has_passed_by_the_company_day_not_the_utc_day(engine, clock):
    deal = open_deal(engine)
    set_columns(engine, deal.id, expected_close_date=date(2026, 12, 31))
    at(clock, LATE)
    assert passed_close_dates(engine) == []  # UTC (the default): still 31 December
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    assert passed_close_dates(engine) == ["Expected to close on 2026-12-31, 1 day ago, and still open."]
    set_columns(engine, deal.id, expected_close_date=date(2027, 1, 1))  # today in Warsaw: not passed
    assert passed_close_dates(engine) == []


def test_the_warning_digest_is_filed_under_the_company_day(engine, clock):
    open_deal(engine)
    at(clock, LATE)
    engine.sweep_warnings()
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    sent = engine.send_warning_digests(env={})
    assert sent and {d.day for d in sent} == {"2027-01-01"}
    assert "2027-01-01" in sent[0].text


def test_the_snapshot_is_filed_under_the_company_day_and_read_back_on_it(engine, clock):
    open_deal(engine)
    at(clock, LATE)
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    assert engine.company_today() == date(2027, 1, 1)
    filed = engine.take_snapshots()
    assert (filed.day, filed.on_file) == (date(2027, 1, 1), 1)
    assert engine.take_snapshots("2027-01-01").new == 0  # not "has not come yet": it is today there
    assert engine.deals_as_of(None, viewer="admin").asked == date(2027, 1, 1)


def test_the_snapshot_reports_count_up_to_the_company_day(engine, clock):
    open_deal(engine)
    at(clock, LATE)
    engine.take_snapshots("2026-12-20")
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    engine.take_snapshots()
    assert engine.pipeline_report_as_of(viewer="admin", as_of="2027-01-01").day == date(2027, 1, 1)
    changes = engine.deal_changes(viewer="admin")
    assert (changes.since_asked, changes.period) == (date(2026, 12, 25), "2027-Q1")  # a week before 1 January
    assert engine.deal_changes_file(viewer="admin", format="csv").file_name == "changes-2026-12-20-2027-01-01-waterfall.csv"


def test_the_pipeline_trend_covers_the_90_days_up_to_the_company_day(engine, clock):
    at(clock, datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc))
    open_deal(engine)
    at(clock, LATE)
    engine.take_snapshots("2026-10-03")  # the 90 days up to 31 December begin on 3 October
    engine.take_snapshots("2026-10-04")  # ... up to 1 January, on 4 October

    def first_day():
        return min(point.day for point in engine.pipeline_report(viewer="admin").trend)

    assert first_day() == date(2026, 10, 3)
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    assert first_day() == date(2027, 1, 1) - timedelta(days=89) == date(2026, 10, 4)


def test_a_new_deal_s_default_close_date_is_the_end_of_the_company_day_s_quarter(engine, clock):
    at(clock, LATE)
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    deal = open_deal(engine)
    assert engine.show_opportunity(deal.id).expected_close_date == date(2027, 3, 31)  # not 2026-12-31, passed there
    assert passed_close_dates(engine) == []


def _opened_late_in_warsaw(engine, clock):
    """A Warsaw deal opened at 00:30 on 1 January there (23:30 UTC on 31 December)."""
    at(clock, LATE)
    engine.set_company_time_zone("Europe/Warsaw", actor="admin")
    return open_deal(engine)


BEFORE_OPENING = {"expected_close_date": "2026-12-31 is before the deal opened (2027-01-01)"}


def test_a_moved_close_date_may_not_precede_the_company_day_the_deal_opened(engine, clock):
    deal = _opened_late_in_warsaw(engine, clock)
    with pytest.raises(FormError) as err:
        engine.set_close_date(deal.id, "2026-12-31", actor="manager")
    assert err.value.fields == BEFORE_OPENING
    assert engine.set_close_date(deal.id, "2027-01-01", actor="manager").expected_close_date == date(2027, 1, 1)


def test_an_edited_close_date_may_not_precede_the_company_day_the_deal_opened(engine, clock):
    deal = _opened_late_in_warsaw(engine, clock)
    with pytest.raises(FormError) as err:
        engine.edit_deal(deal.id, {"expected_close_date": "2026-12-31"}, actor="manager")
    assert err.value.fields == BEFORE_OPENING
    edited = engine.edit_deal(deal.id, {"expected_close_date": "2027-01-01"}, actor="manager")
    assert edited.expected_close_date == date(2027, 1, 1)


def test_a_close_date_a_stage_sets_may_not_precede_the_company_day_the_deal_opened(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, with_close_date_field(tmp_path))
    try:
        deal = _opened_late_in_warsaw(engine, clock)
        task = deal.open_tasks[0].id
        with pytest.raises(FormError) as err:
            engine.complete_task(task, actor=deal.owner, data={"amount": "5", "decision_date": "2026-12-31"})
        assert err.value.fields == {"decision_date": "2026-12-31 is before the deal opened (2027-01-01)"}
        done = engine.complete_task(task, actor=deal.owner, data={"amount": "5", "decision_date": "2027-01-01"})
        assert done.expected_close_date == date(2027, 1, 1)
    finally:
        engine.close()
