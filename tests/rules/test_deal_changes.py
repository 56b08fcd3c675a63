"""The deal changes' comparison and waterfall (engine.rules.deal_changes), pure:
each step, the changes beside it, and the waterfall adding up per currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.rules.deal_changes import Candidate, Side, compare, counts, due, reconciles, step_of, waterfall
from engine.views.snapshot_reports import AmountFigures

SINCE, UNTIL, END = date(2026, 11, 2), date(2026, 11, 9), date(2026, 12, 31)
POSITIONS = {(1, "lead"): 1, (1, "offer"): 2, (2, "proposal"): 1}
NAMES = {(1, "lead"): "Lead", (1, "offer"): "Offer", (2, "proposal"): "Proposal"}


def side(amount="100.00", currency="PLN", stage="lead", version=1, category="pipeline", close=date(2026, 12, 1)):
    return Side(Decimal(amount), currency, stage, version, category, close)


def deal(before=None, after=None, status="open", closed_on=None, opened_on=date(2026, 10, 1), deal_id=1):
    return Candidate(deal_id, f"Deal {deal_id}", "rep1", before, after, status, closed_on, opened_on)


def step(c, until=UNTIL):
    return step_of(c, SINCE, until, END)


def test_a_deal_due_by_the_periods_end_is_in_the_pipeline_and_one_without_a_date_is_not():
    assert due(side(close=END), END) and due(side(close=date(2026, 1, 1)), END)  # overdue still counts
    assert not due(side(close=date(2027, 1, 1)), END)
    assert not due(side(close=None), END) and not due(None, END)


def test_each_waterfall_step():
    assert step(deal(None, side(), opened_on=SINCE)) == ("new", (("new", "PLN", Decimal("100.00")),))
    assert step(deal(None, side(), opened_on=date(2026, 11, 1)))[0] == "moved_in"
    assert step(deal(side(close=date(2027, 2, 1)), side()))[0] == "pulled_in"
    assert step(deal(side(), side(close=date(2027, 2, 1)))) == ("pushed", (("pushed", "PLN", Decimal("-100.00")),))
    assert step(deal(side(), side(close=None)))[0] == "pushed"
    assert step(deal(side(), None, "won", date(2026, 11, 5))) == ("won", (("won", "PLN", Decimal("-100.00")),))
    assert step(deal(side(), None, "lost", date(2026, 11, 5)))[0] == "lost"
    assert step(deal(side(), None, "open"))[0] == "moved_out"
    assert step(deal(side("100.00"), side("150.00"))) == ("increased", (("increased", "PLN", Decimal("50.00")),))
    assert step(deal(side("100.00"), side("60.00"))) == ("decreased", (("decreased", "PLN", Decimal("-40.00")),))
    assert step(deal(side(), side(stage="offer"))) == (None, ())
    assert step(deal(side(close=date(2027, 1, 5)), side(close=date(2027, 2, 1)))) == (None, ())


def test_a_deal_closed_on_the_end_day_was_still_open_in_that_days_snapshot():
    # the snapshot of D is the pipeline as D began: closed on D, it is missing only from D+1's
    assert step(deal(side(), None, "won", UNTIL))[0] == "moved_out"
    assert step(deal(side(), None, "won", UNTIL), until=None)[0] == "won"  # the live deals: closed is closed


def test_a_currency_change_leaves_in_the_old_currency_and_comes_back_in_the_new():
    name, effects = step(deal(side("100.00", "EUR"), side("430.00", "PLN")))
    assert effects == (("decreased", "EUR", Decimal("-100.00")), ("increased", "PLN", Decimal("430.00")))


def test_stage_and_category_changes_beside_the_step():
    (moved,) = compare([deal(side(), side("120.00", stage="offer", category="commit"))], since=SINCE, until=UNTIL,
                       period_end=END, positions=POSITIONS, stage_names=NAMES)
    assert (moved.step, moved.changes) == ("increased", ("increased", "stage_forward", "category_up"))
    assert (moved.before.stage, moved.after.stage) == ("Lead", "Offer")
    (back,) = compare([deal(side(stage="offer", category="commit"), side(stage="lead", category="omitted"))],
                      since=SINCE, until=UNTIL, period_end=END, positions=POSITIONS, stage_names=NAMES)
    assert (back.step, back.changes) == (None, ("stage_back", "category_down"))
    swapped = compare([deal(side(), side(stage="proposal", version=2))], since=SINCE, until=UNTIL, period_end=END,
                      positions=POSITIONS, stage_names=NAMES)
    assert swapped == ()  # another methodology version: neither forward nor back


def test_deals_in_neither_pipeline_or_unchanged_are_left_out():
    later = date(2027, 3, 1)
    assert compare([deal(side(close=later), side("500.00", close=later)), deal(side(), side(), deal_id=2)],
                   since=SINCE, until=UNTIL, period_end=END, positions=POSITIONS, stage_names=NAMES) == ()


def test_the_waterfall_adds_up_per_currency_and_counts_each_change():
    deals = compare([
        deal(None, side("300.00"), opened_on=SINCE, deal_id=1),
        deal(side("200.00"), side("250.00"), deal_id=2),
        deal(side("100.00"), None, "won", date(2026, 11, 3), deal_id=3),
        deal(side("50.00", "EUR"), side("50.00", "EUR", close=date(2027, 5, 1)), deal_id=4),
    ], since=SINCE, until=UNTIL, period_end=END, positions=POSITIONS, stage_names=NAMES)
    start = (AmountFigures("EUR", 1, Decimal("50.00"), Decimal("50.00")),
             AmountFigures("PLN", 2, Decimal("300.00"), Decimal("300.00")))
    end = (AmountFigures("PLN", 2, Decimal("550.00"), Decimal("550.00")),)
    bars = waterfall(start, end, deals)
    assert [(b.currency, b.step, b.amount, b.before, b.after) for b in bars] == [
        ("EUR", "start", Decimal("50.00"), Decimal("0.00"), Decimal("50.00")),
        ("EUR", "pushed", Decimal("-50.00"), Decimal("50.00"), Decimal("0.00")),
        ("EUR", "end", Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
        ("PLN", "start", Decimal("300.00"), Decimal("0.00"), Decimal("300.00")),
        ("PLN", "new", Decimal("300.00"), Decimal("300.00"), Decimal("600.00")),
        ("PLN", "increased", Decimal("50.00"), Decimal("600.00"), Decimal("650.00")),
        ("PLN", "won", Decimal("-100.00"), Decimal("650.00"), Decimal("550.00")),
        ("PLN", "end", Decimal("550.00"), Decimal("0.00"), Decimal("550.00"))]
    assert reconciles(bars)
    assert not reconciles(waterfall(start, (AmountFigures("PLN", 2, Decimal("551.00"), Decimal("0")),), deals))
    assert [(c.change, c.deals, c.amounts) for c in counts(deals)] == [
        ("new", 1, (("PLN", Decimal("300.00")),)), ("increased", 1, (("PLN", Decimal("50.00")),)),
        ("won", 1, (("PLN", Decimal("-100.00")),)), ("pushed", 1, (("EUR", Decimal("-50.00")),))]
