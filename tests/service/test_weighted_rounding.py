"""The pipeline analysis, the pipeline page and the forecast round weighted amounts
by one rule (engine.rules.money: exact, summed, rounded once half up) and so show
the same figure for the same deals — on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal

from tests.service.forecast_seeds import deal


def test_three_deals_of_half_a_cent_weighted_show_eight_cents_everywhere(engine):
    for title in ("A", "B", "C"):
        deal(engine, "rep1", "0.05", 50, date(2026, 12, 1), title=title)  # 0.025 each: 0.075 in all
    forecast = next(x for x in engine.forecast(viewer="rep1", period="2026-Q4").total if x.currency == "PLN")
    report = next(c for c in engine.pipeline_report(viewer="rep1").currencies if c.currency == "PLN")
    page = next(t for t in engine.pipeline("admin").totals if t.currency == "PLN")
    assert forecast.figures.weighted == report.weighted == Decimal("0.08")
    assert page.expected_revenue == Decimal("0.08")
