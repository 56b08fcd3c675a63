"""Fiscal periods: the period of a day, bounds, names, shifting — on a January and
an April calendar (FY named after the year it ends in)."""

from datetime import date

import pytest

from engine.errors import FormError
from engine.rules import periods


def test_a_january_calendar_has_calendar_quarters_and_years():
    q = periods.parse("2027-Q1")
    assert (q.start, q.end, q.last_day, q.kind) == (date(2027, 1, 1), date(2027, 4, 1), date(2027, 3, 31), "quarter")
    assert periods.parse("FY2027").start == date(2027, 1, 1) and periods.parse("fy2027").end == date(2028, 1, 1)
    assert periods.period_of(date(2027, 12, 31), "quarter").name == "2027-Q4"


def test_an_april_calendar_names_the_year_after_the_year_it_ends_in():
    year = periods.parse("FY2027", 4)
    assert (year.start, year.last_day) == (date(2026, 4, 1), date(2027, 3, 31))
    assert periods.parse("2027-Q1", 4).start == date(2026, 4, 1)
    assert periods.parse("2027-Q4", 4).last_day == date(2027, 3, 31)
    assert periods.period_of(date(2026, 4, 1), "year", 4).name == "FY2027"
    assert periods.period_of(date(2026, 3, 31), "year", 4).name == "FY2026"
    assert periods.period_of(date(2027, 2, 14), "quarter", 4).name == "2027-Q4"
    assert periods.period_of(date(2026, 7, 1), "quarter", 4).name == "2027-Q2"


def test_months_are_calendar_months_and_periods_tile_without_gaps():
    march = periods.parse("2027-03", 4)
    assert (march.start, march.end, march.name) == (date(2027, 3, 1), date(2027, 4, 1), "2027-03")
    assert periods.parse("2027-12").end == date(2028, 1, 1)
    q = periods.parse("2027-Q1", 10)
    after = periods.shift(q, 1, 10)
    assert after.start == q.end and after.name == "2027-Q2"
    assert periods.shift(periods.parse("2027-01"), -1).name == "2026-12"
    assert periods.shift(periods.parse("FY2027", 4), 1, 4).name == "FY2028"
    assert periods.parse("2027-02").contains(date(2027, 2, 28)) and not periods.parse("2027-02").contains(
        date(2027, 3, 1))


@pytest.mark.parametrize("text", ["2027-13", "2027-Q5", "Q1", "", "FY27", "0000-01", "9999-Q4", "FY9998", "2027-03-01", None])
def test_what_is_not_a_period_is_one_message_that_shows_how_to_write_one(text):
    with pytest.raises(FormError) as caught:
        periods.parse(text)
    assert "period" in caught.value.fields and caught.value.fields["period"]


@pytest.mark.parametrize("text", ["FY9997", "9997-Q4", "9997-12", "FY1900", "1900-01"])
@pytest.mark.parametrize("start", [1, 4, 12])
def test_the_first_and_last_periods_accepted_have_a_period_before_and_after(text, start):
    period = periods.parse(text, start)  # the pages link to both neighbours
    assert periods.shift(period, 1, start).start == period.end
    assert periods.shift(period, -1, start).end == period.start


@pytest.mark.parametrize("value", ["0", "13", "x", "", None, "1.5"])
def test_a_fiscal_year_starts_in_a_month_from_1_to_12(value):
    with pytest.raises(FormError):
        periods.start_month(value)
    assert periods.start_month("4") == 4 and periods.start_month(12) == 12
