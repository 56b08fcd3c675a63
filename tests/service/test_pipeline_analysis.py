"""The pipeline analysis and the methodology comparison through the façade, over
the known history of tests/service/analysis_history.py, on SQLite and PostgreSQL:
every number asserted, each role's scope, bad input, and the CSV and XLSX files."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from engine.errors import FormError, NotFoundError
from tests.service.analysis_history import seed_history


@pytest.fixture
def history(engine, clock):
    return seed_history(engine, clock)


def r4(*rates):
    """Rates as the API shows them: four decimals."""
    return tuple(None if r is None else round(r, 4) for r in rates)


def by(rows, **want):
    return next(r for r in rows if all(getattr(r, k) == v for k, v in want.items()))


def test_the_totals_amounts_per_currency_win_rate_and_cycle(engine, history):
    r = engine.pipeline_report(viewer="manager")
    assert r.group_by == "stage" and r.scope == "the deals you and your teams work"
    t = r.total
    assert (t.deals, t.open, t.won, t.lost) == (5, 2, 1, 2)
    assert r4(t.win_rate, t.interval_low, t.interval_high) == (0.3333, 0.0615, 0.7923)
    assert (t.median_cycle_days, t.average_cycle_days) == (None, 6.7)  # A 5, B 5, C 10 days; sums only here
    eur, pln = r.currencies
    assert (eur.currency, eur.lost_amount, eur.won_amount) == ("EUR", Decimal("2000.00"), Decimal("0.00"))
    # Open: D 3000 at 20 % (600) and E 700 at quick-deal's qualification 25 % (175).
    assert (pln.open_amount, pln.weighted, pln.won_amount, pln.lost_amount) == (
        Decimal("3700.00"), Decimal("775.00"), Decimal("1000.00"), Decimal("500.00"))


def test_funnel_conversion_and_time_in_stage_from_the_stage_history(engine, history):
    stages = engine.pipeline_report(viewer="admin").stages
    lead = by(stages, methodology_id="small-deal", stage_id="lead")
    qualification = by(stages, methodology_id="small-deal", stage_id="qualification")
    offer = by(stages, methodology_id="small-deal", stage_id="offer")
    assert (lead.reached, lead.advanced, lead.conversion) == (4, 4, 1.0)
    assert (qualification.reached, qualification.advanced, *r4(qualification.conversion)) == (4, 3, 0.75)
    assert (qualification.now_in, qualification.average_days_in_stage, qualification.stays) == (1, 2.0, 3)
    # A won from the offer (3 days); B lost (3); C left it for quick-deal's proposal when its segment
    # swapped (day 2 -> 7: 5 days).
    assert (offer.reached, offer.advanced, *r4(offer.conversion), offer.average_days_in_stage) == (3, 1, 0.3333, 3.7)
    proposal = by(stages, methodology_id="quick-deal", stage_id="proposal")
    assert (proposal.reached, proposal.average_days_in_stage) == (1, 3.0)  # day 7 -> lost on day 10
    assert [s.stage_id for s in stages if s.methodology_id == "small-deal"] == [
        "lead", "qualification", "offer", "won", "lost"]


def test_grouped_by_source_rep_territory_and_methodology(engine, history):
    sources = engine.pipeline_report(viewer="manager", group_by="source").groups
    assert [(g.label, g.outcomes.deals, g.outcomes.won, g.outcomes.lost) for g in sources] == [
        ("(none)", 2, 0, 0), ("fair", 2, 1, 1), ("web", 1, 0, 1)]
    reps = engine.pipeline_report(viewer="manager", group_by="rep").groups
    assert {g.label: g.outcomes.deals for g in reps} == {"rep1": 2, "rep2": 3}
    territories = engine.pipeline_report(viewer="manager", group_by="territory").groups
    assert {g.label: g.outcomes.deals for g in territories} == {"PL-N": 2, "PL-S": 3}
    versions = engine.pipeline_report(viewer="manager", group_by="methodology").groups
    assert {g.key: g.outcomes.deals for g in versions} == {"small-deal@1.0": 3, "quick-deal@1.0": 2}
    staged = engine.pipeline_report(viewer="manager", group_by="stage").groups
    assert staged[0].key.startswith("quick-deal@1.0:")  # funnel order: methodology, then stage position


def test_lead_source_effectiveness_per_source_and_campaign(engine, history):
    sources = engine.pipeline_report(viewer="manager").sources
    fair = by(sources, source="fair")
    assert (fair.campaign, fair.outcomes.won, fair.outcomes.win_rate) == ("spring", 1, 0.5)
    assert [(c.currency, c.won_amount) for c in fair.won_revenue] == [("PLN", Decimal("1000.00"))]
    assert sources[0].source == "fair"  # the source that won most first


def test_each_role_counts_its_own_deals(engine, history):
    assert engine.pipeline_report(viewer="rep1").total.deals == 2  # A and C
    assert engine.pipeline_report(viewer="rep1").scope == "your deals"
    assert engine.pipeline_report(viewer="rep3").total.deals == 0
    assert engine.pipeline_report(viewer="manager2").total.deals == 0  # leads 'others', which has none
    assert engine.methodology_report(viewer="manager2").rows == ()
    assert engine.pipeline_report(viewer="admin").total.deals == 5
    with pytest.raises(NotFoundError):
        engine.pipeline_report(viewer="nobody")


def test_the_methodology_comparison_per_version_and_segment_and_around_the_swap(engine, history):
    m = engine.methodology_report(viewer="admin")
    small = by(m.rows, methodology_id="small-deal", segment_id="everyone-else")
    assert (small.outcomes.deals, small.outcomes.won, small.outcomes.lost, small.outcomes.win_rate) == (3, 1, 1, 0.5)
    assert r4(small.outcomes.interval_low, small.outcomes.interval_high) == (0.0945, 0.9055)
    assert small.outcomes.median_cycle_days == 5.0
    assert [(c.currency, c.won_average) for c in small.currencies] == [("EUR", None), ("PLN", Decimal("1000.00"))]
    assert [(s.stage_id, s.reached, s.advanced) for s in small.stages] == [
        ("lead", 3, 3), ("qualification", 3, 2), ("offer", 2, 1)]
    quick = by(m.rows, methodology_id="quick-deal", segment_id="horeca")
    assert (quick.outcomes.deals, quick.outcomes.lost, quick.outcomes.open, quick.outcomes.win_rate) == (2, 1, 1, 0.0)
    assert (*r4(quick.outcomes.interval_high), quick.outcomes.median_cycle_days) == (0.7935, 10.0)
    (swap,) = m.swaps
    assert (swap.segment_id, swap.from_label, swap.to_label, swap.reversed) == (
        "horeca", "small-deal@1.0", "quick-deal@1.0", False)
    assert (swap.before.deals, swap.before.lost, swap.after.deals, swap.after.open) == (1, 1, 1, 1)


def test_a_grouping_or_format_outside_the_list_is_a_field_error(engine, history):
    with pytest.raises(FormError) as err:
        engine.pipeline_report(viewer="manager", group_by="colour")
    assert err.value.fields == {"group_by": "cannot group by 'colour'; use one of stage, methodology, segment, rep, "
                                            "team, territory, industry, source, campaign"}
    with pytest.raises(FormError) as err:
        engine.pipeline_report_file(viewer="manager", format="pdf")
    assert err.value.fields == {"format": "use one of csv, xlsx"}
    with pytest.raises(FormError) as err:
        engine.methodology_report_file(viewer="manager", format="csv", table="nope")
    assert err.value.fields == {"table": "use one of methodologies, conversions, swaps"}


def test_the_csv_and_xlsx_hold_the_tables_numbers(engine, history):
    file = engine.pipeline_report_file(viewer="manager", format="csv", group_by="source")
    assert (file.file_name, file.media_type) == ("pipeline-groups.csv", "text/csv; charset=utf-8")
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8-sig"))))
    fair = next(r for r in rows if r["Lead source"] == "fair")
    assert (fair["deals"], fair["won"], fair["win rate %"], fair["won PLN"], fair["lost PLN"]) == (
        "2", "1", "50.0", "1000.00", "500.00")
    web = next(r for r in rows if r["Lead source"] == "web")
    assert (web["lost EUR"], web["won PLN"]) == ("2000.00", "")  # no PLN deal: empty, not zero
    book = load_workbook(io.BytesIO(engine.methodology_report_file(viewer="admin", format="xlsx").content))
    assert book.sheetnames == ["methodologies", "conversions", "swaps"]
    header, *rows = list(book["methodologies"].iter_rows(values_only=True))
    quick = dict(zip(header, next(r for r in rows if r[1] == "quick-deal")))
    assert (quick["deals"], quick["lost"], quick["95% high %"], quick["median cycle days"]) == (2, 1, 79.3, 10.0)


def test_a_manager_of_managers_sees_the_deals_below_them_at_any_depth(engine, history):
    engine.create_user("director", "manager")
    engine.create_user("vp", "manager")
    assert engine.pipeline_report(viewer="director").total.deals == 0
    engine.create_team("regions", "director", ["manager"])  # manager reports to director
    engine.create_team("board", "vp", ["director"])  # director reports to vp
    assert engine.pipeline_report(viewer="director").total.deals == 5
    assert engine.methodology_report(viewer="vp").rows != ()
    assert engine.pipeline_report(viewer="vp").total.deals == 5
    assert engine.pipeline_report(viewer="manager2").total.deals == 0  # beside them, not below


def test_the_trend_sums_the_open_pipeline_of_each_snapshot_day_in_the_viewers_scope(engine, clock, history):
    assert engine.pipeline_report(viewer="manager").trend == ()
    engine.take_snapshots()  # day 10: D (3000.00 at 20 %) and E (700.00 at 25 %) are open
    clock.advance(days=1)
    engine.close_as_lost(history["D"].id, actor="rep2", reason_code="price")
    engine.take_snapshots()  # day 11: E only
    trend = engine.pipeline_report(viewer="manager").trend
    assert [(t.day.isoformat(), t.currency, t.deals, t.open_amount, t.weighted) for t in trend] == [
        ("2026-11-12", "PLN", 2, Decimal("3700.00"), Decimal("775.00")),
        ("2026-11-13", "PLN", 1, Decimal("700.00"), Decimal("175.00"))]
    assert engine.pipeline_report(viewer="rep1").trend == ()  # D and E are rep2's
    assert [t.deals for t in engine.pipeline_report(viewer="rep2").trend] == [2, 1]
    assert engine.pipeline_report(viewer="manager2").trend == ()
    rows = list(csv.DictReader(io.StringIO(engine.pipeline_report_file(
        viewer="manager", format="csv", table="trend").content.decode("utf-8-sig"))))
    assert [(r["day"], r["open"], r["weighted"]) for r in rows] == [
        ("2026-11-12", "3700.00", "775.00"), ("2026-11-13", "700.00", "175.00")]
