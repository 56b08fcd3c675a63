"""The company's time zone decides in which forecast period a won deal counts:
won at 23:30 UTC on 31 December is a 1 January win in Warsaw (M15) — on SQLite
and PostgreSQL; only an admin sets it, and only to a real zone."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from engine.errors import FormError, PermissionDeniedError
from tests.service.forecast_seeds import won


def won_pln(engine, period):
    lines = [x for x in engine.forecast(viewer="rep2", period=period).total if x.currency == "PLN"]
    return lines[0].figures.closed_won if lines else Decimal("0.00")


@pytest.fixture
def late_win(engine, clock):
    """A deal won at 23:30 UTC on the last day of 2026-Q4."""
    clock.advance(seconds=(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc) - clock.now).total_seconds())
    won(engine, "rep2", "4000")
    return engine


def test_a_win_counts_on_its_utc_day_by_default_and_on_the_local_day_once_the_company_has_a_zone(late_win):
    assert late_win.company_time_zone() == "UTC"
    assert (won_pln(late_win, "2026-Q4"), won_pln(late_win, "2027-Q1")) == (Decimal("4000.00"), Decimal("0.00"))
    assert late_win.set_company_time_zone(" Europe/Warsaw ", actor="admin") == "Europe/Warsaw"
    assert (won_pln(late_win, "2026-Q4"), won_pln(late_win, "2027-Q1")) == (Decimal("0.00"), Decimal("4000.00"))
    late_win.set_company_time_zone("America/New_York", actor="admin")  # 18:30 on 31 December there
    assert won_pln(late_win, "2026-Q4") == Decimal("4000.00")


def test_the_time_zone_is_an_admins_and_must_exist(engine):
    with pytest.raises(PermissionDeniedError):
        engine.set_company_time_zone("Europe/Warsaw", actor="manager")
    for wrong in ("Mars/Olympus", "", "EST", "../../etc/passwd"):
        with pytest.raises(FormError) as err:
            engine.set_company_time_zone(wrong, actor="admin")
        assert "IANA" in err.value.fields["time_zone"]
    assert engine.company_time_zone() == "UTC"


def test_the_quota_sheet_and_the_forecast_agree_on_the_current_quarter_past_midnight_in_the_company_zone(
        late_win):
    """At 23:30 UTC on 31 December it is already 2027-Q1 in Warsaw: the quota sheet
    (which read the UTC day) showed 2026-Q4 beside a forecast of 2027-Q1."""
    late_win.set_company_time_zone("Europe/Warsaw", actor="admin")
    assert late_win.forecast(viewer="manager").period.name == "2027-Q1"
    assert late_win.quota_sheet(viewer="manager").period.name == "2027-Q1"
    # no period given: the current one, on the same day
    assert late_win.set_quota("manager", None, "1000", actor="admin").period.name == "2027-Q1"
