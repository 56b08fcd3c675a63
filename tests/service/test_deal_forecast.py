"""A deal's expected close date and the rep's forecast-category override (M15),
through the façade on SQLite and PostgreSQL: defaults, checks, who may, the audit
trail, and the re-check of the deal's state inside its lock."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from tests.conftest import BASE_METHODOLOGY, make_engine


def open_deal(engine, **extra):
    return engine.create_opportunity(title="Kiosk for Hotel Rex", amount="1000.00", partner="Hotel Rex",
                                     attributes={"channel": "retail"}, actor="manager", **extra)


def test_the_default_close_date_is_the_end_of_the_fiscal_quarter(engine):
    engine.set_fiscal_year_start(2, actor="admin")  # quarters Nov–Jan, Feb–Apr, …
    assert open_deal(engine).expected_close_date == date(2027, 1, 31)  # the clock says 2026-11-02


def test_a_new_deal_is_expected_to_close_at_the_end_of_the_quarter_unless_told(engine):
    deal = open_deal(engine)  # the clock says 2026-11-02
    assert deal.expected_close_date == date(2026, 12, 31)
    assert [e.data["expected_close_date"] for e in deal.events if e.kind == "opened"] == ["2026-12-31"]
    given = open_deal(engine, expected_close_date="2027-02-15")
    assert given.expected_close_date == date(2027, 2, 15)
    with pytest.raises(FormError) as err:
        open_deal(engine, expected_close_date="2026-10-01")
    assert err.value.fields == {"expected_close_date": "2026-10-01 is before the deal opened (2026-11-02)"}
    with pytest.raises(FormError) as err:
        open_deal(engine, expected_close_date="next friday")
    assert "YYYY-MM-DD" in err.value.fields["expected_close_date"]


def test_the_methodologys_typical_cycle_gives_the_default(db_url, clock, tmp_path):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    stages = target / "stages" / "small-deal.yaml"
    stages.write_text(stages.read_text("utf-8") + "\nforecast: {ranges: binary, commit: 30, typical_cycle_days: 45}\n",
                      "utf-8")
    engine = make_engine(db_url, clock, target)
    try:
        deal = open_deal(engine)
        assert deal.expected_close_date == date(2026, 12, 17)
        # qualification gives 20 %: below the binary threshold, so pipeline
        assert (deal.probability, deal.forecast_category, deal.forecast_ranges) == (20, "pipeline",
                                                                                    "commit ≥ 30, else pipeline")
    finally:
        engine.close()


def test_the_owner_moves_the_close_date_and_the_move_is_recorded(engine, clock):
    deal = open_deal(engine)
    clock.advance(days=3)
    moved = engine.set_close_date(deal.id, "2027-01-20", actor=deal.owner)
    assert moved.expected_close_date == date(2027, 1, 20)
    event = [e for e in moved.events if e.kind == "close_date_changed"][-1]
    assert (event.actor, event.at, event.data) == (deal.owner, clock.now,
                                                   {"before": "2026-12-31", "after": "2027-01-20"})
    again = engine.set_close_date(deal.id, date(2027, 2, 1), actor="manager")
    assert [e.data["after"] for e in again.events if e.kind == "close_date_changed"] == ["2027-01-20", "2027-02-01"]
    with pytest.raises(ConflictError):
        engine.set_close_date(deal.id, "2027-02-01", actor="admin")
    with pytest.raises(FormError):
        engine.set_close_date(deal.id, "2026-11-01", actor=deal.owner)


def test_only_the_owner_the_manager_or_an_admin_may_change_the_forecast(engine):
    deal = open_deal(engine)
    engine.create_user("designer1", "designer")  # sees every deal, works none
    for change in (lambda who: engine.set_close_date(deal.id, "2027-01-20", actor=who),
                   lambda who: engine.set_forecast_category(deal.id, "commit", actor=who)):
        with pytest.raises(PermissionDeniedError):
            change("designer1")
        other_rep = "rep2" if deal.owner == "rep1" else "rep1"
        for stranger in (other_rep, "rep3", "manager2"):  # they do not learn the deal exists
            with pytest.raises(NotFoundError):
                change(stranger)
    unchanged = engine.show_opportunity(deal.id)
    assert (unchanged.expected_close_date, unchanged.forecast_category_override) == (date(2026, 12, 31), None)
    assert not [e for e in unchanged.events if e.kind in ("close_date_changed", "forecast_category_overridden")]


def test_the_rep_counts_a_deal_they_believe_in_as_commit_and_clears_it_again(engine, clock):
    deal = open_deal(engine)
    assert (deal.forecast_category, deal.forecast_category_derived, deal.forecast_category_override) == (
        "pipeline", "pipeline", None)
    clock.advance(hours=2)
    believed = engine.set_forecast_category(deal.id, "commit", actor=deal.owner)
    assert (believed.forecast_category, believed.forecast_category_derived) == ("commit", "pipeline")
    assert (believed.forecast_category_override, believed.forecast_override_by,
            believed.forecast_override_at) == ("commit", deal.owner, clock.now)
    event = [e for e in believed.events if e.kind == "forecast_category_overridden"][-1]
    assert (event.actor, event.data["category_before"], event.data["category"], event.data["override_before"]) == (
        deal.owner, "pipeline", "commit", None)
    with pytest.raises(ConflictError):
        engine.set_forecast_category(deal.id, "commit", actor="manager")
    with pytest.raises(FormError) as err:
        engine.set_forecast_category(deal.id, "upside", actor=deal.owner)
    assert "category" in err.value.fields

    cleared = engine.set_forecast_category(deal.id, "none", actor="manager")
    assert (cleared.forecast_category, cleared.forecast_category_override, cleared.forecast_override_by) == (
        "pipeline", None, None)
    event = [e for e in cleared.events if e.kind == "forecast_category_cleared"][-1]
    assert (event.actor, event.data["category_before"], event.data["category"]) == ("manager", "commit", "pipeline")
    with pytest.raises(ConflictError):
        engine.set_forecast_category(deal.id, None, actor="manager")


def test_a_closed_deal_has_no_category_and_refuses_both_changes(engine):
    deal = open_deal(engine)
    engine.set_forecast_category(deal.id, "commit", actor=deal.owner)
    closed = engine.close_as_lost(deal.id, actor=deal.owner, reason_code="price")
    assert closed.forecast_category is None
    with pytest.raises(ConflictError):
        engine.set_forecast_category(deal.id, "omitted", actor="admin")
    with pytest.raises(ConflictError):
        engine.set_close_date(deal.id, "2027-01-20", actor="admin")


def test_the_second_of_two_engines_sees_the_deal_closed_inside_its_lock(engines):
    first, second = engines
    deal = open_deal(first)
    second.show_opportunity(deal.id)  # the second process has read the deal while it was open
    first.close_as_lost(deal.id, actor="manager", reason_code="price")
    with pytest.raises(ConflictError):
        second.set_forecast_category(deal.id, "commit", actor=deal.owner)


def test_the_viewer_is_told_whether_they_may_change_the_forecast(engine):
    deal = open_deal(engine)
    engine.create_user("designer1", "designer")
    assert engine.opportunity_for(deal.id, viewer=deal.owner).may_set_forecast
    assert engine.opportunity_for(deal.id, viewer="manager").may_set_forecast
    assert not engine.opportunity_for(deal.id, viewer="designer1").may_set_forecast
