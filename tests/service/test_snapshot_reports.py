"""The reports over the daily snapshots through the façade, on SQLite and
PostgreSQL: the open pipeline as of a past day, and the deal changes between two
snapshot days and between a snapshot day and the live deals — every step of the
waterfall, the scope of each role, and bad days.

The week of ``week`` (the fake clock starts on Monday 2 November 2026, in 2026-Q4;
a new deal's close date is the quarter's end, 31 December):

    2 Nov   A 1000 PLN (rep1), B 2000 EUR (rep2), C 500 PLN (rep1), D 300 PLN (rep2),
            F 900 PLN (rep2, due in 2027) open, in qualification; the snapshot of 2 Nov
    4 Nov   A qualified (to the offer stage), its amount raised to 1500 PLN; B committed by hand;
            C's close date pushed to 2027; D lost; E 700 PLN (rep1) opened
    6 Nov   B won (qualified, offer accepted); F pulled in to 20 December
    9 Nov   the snapshot of 9 Nov
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from engine.errors import FormError, NotFoundError
from tests.service.test_warnings import set_columns


def _open(engine, title, amount, owner, currency="PLN", **extra):
    return engine.create_opportunity(title=title, amount=amount, currency=currency, partner=f"{title} Sp. z o.o.",
                                     attributes={"channel": "retail"}, actor="manager", owner=owner, **extra)


def _task(deal, node):
    return next(t for t in deal.open_tasks if t.node_id == node)


def _qualify(engine, deal):
    return engine.complete_task(_task(deal, "Task_Qualify").id, actor=deal.owner,
                                data={"amount": int(deal.amount), "interested": True})


@pytest.fixture
def week(engine, clock):
    return seed_week(engine, clock)


def seed_week(engine, clock) -> dict:
    a, b = _open(engine, "Alpha", "1000.00", "rep1"), _open(engine, "Beta", "2000.00", "rep2", currency="EUR")
    c, d = _open(engine, "Gamma", "500.00", "rep1"), _open(engine, "Delta", "300.00", "rep2")
    f = _open(engine, "Phi", "900.00", "rep2", expected_close_date="2027-02-01")
    engine.take_snapshots()
    clock.advance(days=2)
    a = _qualify(engine, a)
    set_columns(engine, a.id, amount=150000)  # no use case changes an amount yet: 1500.00 in cents
    engine.set_forecast_category(b.id, "commit", actor="rep2")
    engine.set_close_date(c.id, "2027-01-20", actor="rep1")
    engine.close_as_lost(d.id, actor="rep2", reason_code="price")
    e = _open(engine, "Epsilon", "700.00", "rep1")
    clock.advance(days=2)
    b = _qualify(engine, b)
    b = engine.complete_task(_task(b, "Task_Offer").id, actor="rep2", data={"result": "accepted"})
    engine.set_close_date(f.id, "2026-12-20", actor="rep2")
    clock.advance(days=3)
    engine.take_snapshots()
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}


def steps(report, currency):
    return [(w.step, w.deals, w.amount, w.after) for w in report.waterfall if w.currency == currency]


def test_the_pipeline_as_of_a_past_day_reads_that_days_snapshot(engine, week):
    before = engine.pipeline_report_as_of(viewer="admin", as_of="2026-11-02")
    assert (before.asked, before.day, before.note) == (date(2026, 11, 2), date(2026, 11, 2), "")
    assert [(f.currency, f.deals, f.amount) for f in before.currencies] == [
        ("EUR", 1, Decimal("2000.00")), ("PLN", 4, Decimal("2700.00"))]
    by_rep = engine.pipeline_report_as_of(viewer="admin", as_of="2026-11-05", group_by="rep")
    assert by_rep.day == date(2026, 11, 2) and "no snapshot of 2026-11-05" in by_rep.note
    assert {g.label: g.deals for g in by_rep.groups} == {"rep1": 2, "rep2": 3}
    after = engine.pipeline_report_as_of(viewer="admin", as_of="2026-11-09", group_by="category")
    assert [(g.key, g.deals) for g in after.groups] == [("pipeline", 4)]  # B, committed, was won meanwhile
    staged = engine.pipeline_report_as_of(viewer="admin", as_of="2026-11-09", group_by="stage")
    got = [(g.label, g.deals, [(f.currency, f.amount, f.weighted) for f in g.currencies]) for g in staged.groups]
    assert got == [
        ("Kwalifikacja · small-deal 1.0", 3, [("PLN", Decimal("2100.00"), Decimal("420.00"))]),
        ("Oferta · small-deal 1.0", 1, [("PLN", Decimal("1500.00"), Decimal("750.00"))])]
    (table,) = staged.tables
    assert table.headers == ("Stage", "open deals", "open PLN", "weighted PLN")


def test_the_as_of_pipeline_refuses_groupings_and_days_the_snapshots_cannot_answer(engine, week):
    with pytest.raises(FormError) as err:
        engine.pipeline_report_as_of(viewer="admin", as_of="2026-11-09", group_by="territory")
    assert err.value.fields["group_by"].startswith("the daily snapshots cannot group by 'territory'")
    assert "use one of stage, category, methodology, segment, rep, team" in err.value.fields["group_by"]
    for day, message in (("2026-11-01", "the first daily snapshot is of 2026-11-02; give that day or a later one"),
                         ("2026-11-10", "2026-11-10 has not come yet; give today (2026-11-09) or a past day"),
                         ("9.11.2026", "'9.11.2026' is not a day; write it as YYYY-MM-DD"),
                         ("", "give the day to report on (YYYY-MM-DD)")):
        with pytest.raises(FormError) as err:
            engine.pipeline_report_as_of(viewer="admin", as_of=day)
        assert err.value.fields == {"as_of": message}
    with pytest.raises(NotFoundError):
        engine.pipeline_report_as_of(viewer="nobody", as_of="2026-11-09")


def test_no_snapshot_at_all_is_said_not_replaced_by_todays_deals(engine):
    _open(engine, "Alpha", "1000.00", "rep1")
    with pytest.raises(FormError) as err:
        engine.pipeline_report_as_of(viewer="admin", as_of="2026-11-02")
    assert "no daily snapshot has been taken yet" in err.value.fields["as_of"]
    with pytest.raises(FormError) as err:
        engine.deal_changes(viewer="admin")
    assert "no daily snapshot has been taken yet" in err.value.fields["since"]


def test_the_deal_changes_between_two_snapshot_days_and_their_waterfall(engine, week):
    r = engine.deal_changes(viewer="admin", since="2026-11-02", as_of="2026-11-09")
    assert (r.since, r.until, r.period, r.period_end) == (date(2026, 11, 2), date(2026, 11, 9), "2026-Q4",
                                                          date(2026, 12, 31))
    ids = {k: v.id for k, v in week.items()}
    moved = {d.opportunity_id: (d.step, d.changes) for d in r.deals}
    assert moved == {ids["A"]: ("increased", ("increased", "stage_forward")),
                     ids["B"]: ("won", ("won",)), ids["C"]: ("pushed", ("pushed",)), ids["D"]: ("lost", ("lost",)),
                     ids["E"]: ("new", ("new",)), ids["F"]: ("pulled_in", ("pulled_in",))}
    # PLN: 1800 (A 1000, C 500, D 300) + E 700 + F 900 + A's 500 - D 300 - C 500 = 3100 (A 1500, E 700, F 900)
    assert steps(r, "PLN") == [
        ("start", 3, Decimal("1800.00"), Decimal("1800.00")), ("new", 1, Decimal("700.00"), Decimal("2500.00")),
        ("pulled_in", 1, Decimal("900.00"), Decimal("3400.00")),
        ("increased", 1, Decimal("500.00"), Decimal("3900.00")), ("lost", 1, Decimal("-300.00"), Decimal("3600.00")),
        ("pushed", 1, Decimal("-500.00"), Decimal("3100.00")), ("end", 3, Decimal("3100.00"), Decimal("3100.00"))]
    assert steps(r, "EUR") == [("start", 1, Decimal("2000.00"), Decimal("2000.00")),
                               ("won", 1, Decimal("-2000.00"), Decimal("0.00")),
                               ("end", 0, Decimal("0.00"), Decimal("0.00"))]
    counts = {c.change: (c.deals, c.amounts) for c in r.counts}
    assert counts["won"] == (1, (("EUR", Decimal("-2000.00")),))
    assert counts["stage_forward"] == (1, (("PLN", Decimal("1500.00")),))
    alpha = next(d for d in r.deals if d.opportunity_id == ids["A"])
    assert (alpha.before.stage, alpha.after.stage, alpha.before.amount, alpha.after.amount) == (
        "Kwalifikacja", "Oferta", Decimal("1000.00"), Decimal("1500.00"))
    waterfall, changes, deals = r.tables
    assert waterfall.rows[0] == ("EUR", "Start", 1, Decimal("2000.00"), Decimal("2000.00"))
    assert len(deals.rows) == 6


def test_the_deal_changes_up_to_now_compare_with_the_live_deals(engine, week, clock):
    ids = {k: v.id for k, v in week.items()}
    clock.advance(hours=5)
    engine.set_forecast_category(ids["A"], "commit", actor="rep1")  # after the last snapshot
    engine.close_as_lost(ids["E"], actor="rep1", reason_code="price")
    r = engine.deal_changes(viewer="admin", since="2026-11-09")  # a snapshot day and the live deals
    assert r.until is None
    assert {d.opportunity_id: d.changes for d in r.deals} == {ids["A"]: ("category_up",), ids["E"]: ("lost",)}
    assert steps(r, "PLN")[-2:] == [("lost", 1, Decimal("-700.00"), Decimal("2400.00")),
                                    ("end", 2, Decimal("2400.00"), Decimal("2400.00"))]
    default = engine.deal_changes(viewer="admin")  # since a week ago: the snapshot of 2 Nov
    assert default.since == date(2026, 11, 2)
    assert {c.change for c in default.counts} == {"won", "lost", "pulled_in", "pushed", "increased", "stage_forward",
                                                  "category_up"}  # E, opened and lost within, is in neither pipeline


def test_each_role_sees_the_changes_of_its_own_deals(engine, week):
    ids = {k: v.id for k, v in week.items()}
    mine = engine.deal_changes(viewer="rep1", since="2026-11-02", as_of="2026-11-09")
    assert {d.opportunity_id for d in mine.deals} == {ids["A"], ids["C"], ids["E"]}
    assert mine.scope == "your deals"
    assert engine.deal_changes(viewer="manager", since="2026-11-02", as_of="2026-11-09").deals == \
        engine.deal_changes(viewer="admin", since="2026-11-02", as_of="2026-11-09").deals
    other = engine.deal_changes(viewer="manager2", since="2026-11-02", as_of="2026-11-09")
    assert (other.deals, other.waterfall) == ((), ())
    assert engine.pipeline_report_as_of(viewer="rep3", as_of="2026-11-02").groups == ()


def test_deal_changes_refuse_bad_days_and_periods(engine, week):
    for args, fields in (({"since": "2026-11-09", "as_of": "2026-11-09"}, {"since"}),
                         ({"since": "2026-11-20"}, {"since"}), ({"since": "2026-10-01"}, {"since"}),
                         ({"as_of": "2026-12-01"}, {"as_of"}), ({"since": "soon"}, {"since"}),
                         ({"since": "2026-11-02", "period": "Q9"}, {"period"})):
        with pytest.raises(FormError) as err:
            engine.deal_changes(viewer="admin", **args)
        assert set(err.value.fields) == fields, args
    with pytest.raises(FormError) as err:
        engine.deal_changes(viewer="admin", since="2026-11-03", as_of="2026-11-08")
    assert err.value.fields == {"since": "2026-11-03 and 2026-11-08 read the same snapshot (2026-11-02); "
                                         "give an earlier day"}


def test_a_wider_period_keeps_a_pushed_deal_and_the_files(engine, week):
    r = engine.deal_changes(viewer="admin", since="2026-11-02", as_of="2026-11-09", period="FY2027")
    assert "pushed" not in {c.change for c in r.counts}  # C is still due within FY2027
    csv_file = engine.deal_changes_file(viewer="admin", format="csv", since="2026-11-02", as_of="2026-11-09",
                                        table="changes")
    assert csv_file.file_name == "changes-2026-11-02-2026-11-09-changes.csv"
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert {r["change"]: (r["deals"], r["PLN"], r["EUR"]) for r in rows}["Won"] == ("1", "", "-2000.00")
    book = load_workbook(io.BytesIO(engine.deal_changes_file(viewer="admin", format="xlsx", since="2026-11-02",
                                                             as_of="2026-11-09").content))
    assert book.sheetnames == ["waterfall", "changes", "deals"]
    as_of = engine.pipeline_as_of_file(viewer="admin", as_of="2026-11-02", format="csv")
    assert as_of.file_name == "pipeline-2026-11-02-groups.csv"
    with pytest.raises(FormError):
        engine.deal_changes_file(viewer="admin", format="pdf")
