"""The as-of pipeline's groups, and both snapshot reports as tables (the numbers
their charts draw, shown beside them and downloaded as CSV or XLSX — see
engine.rules.report_tables for the files' conventions). Pure.

Amounts get one column per currency, never added across currencies; the waterfall
and the deal changes have one row per currency instead."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Callable, Iterable

from engine.rules import money
from engine.views.pipeline_analysis import ReportTable
from engine.views.snapshot_reports import CHANGES, AmountFigures, AsOfGroup, AsOfPipeline, DealChanges

ZERO = Decimal("0.00")


def figures(rows: Iterable[tuple]) -> tuple[AmountFigures, ...]:
    """(currency, deals, amount, weighted) rows summed per currency, alphabetically;
    the weighted amounts exact until summed, then rounded once (engine.rules.money)."""
    sums: dict[str, list] = defaultdict(lambda: [0, ZERO, ZERO])
    for currency, deals, amount, weighted in rows:
        row = sums[currency]
        row[0] += deals
        row[1] += amount
        row[2] += weighted
    return tuple(AmountFigures(c, n, a, money.cents(w)) for c, (n, a, w) in sorted(sums.items()))


def groups(rows: Iterable[tuple], label: Callable[[tuple], tuple[str, str]],
           order: Callable[[AsOfGroup], tuple] | None = None) -> tuple[AsOfGroup, ...]:
    """``rows``: (key..., currency, deals, amount, weighted); ``label`` gives a key's
    text and label. Most deals first unless ``order`` says otherwise."""
    members: dict[tuple[str, str], list] = defaultdict(list)
    for row in rows:
        members[label(tuple(row[:-4]))].append(row[-4:])
    result = []
    for (key, text), sums in members.items():
        per_currency = figures(sums)
        result.append(AsOfGroup(key, text, sum(f.deals for f in per_currency), per_currency))
    return tuple(sorted(result, key=order or (lambda g: (-g.deals, g.label))))


def _currencies(rows: Iterable[tuple[AmountFigures, ...]]) -> list[str]:
    return sorted({f.currency for row in rows for f in row})


def as_of_tables(report: AsOfPipeline) -> tuple[ReportTable, ...]:
    currencies = _currencies(g.currencies for g in report.groups)
    headers = tuple(f"{name} {c}" for c in currencies for name in ("open", "weighted"))

    def cells(per_currency: tuple[AmountFigures, ...]) -> tuple:
        by = {f.currency: f for f in per_currency}
        return tuple(value for c in currencies
                     for value in ((by[c].amount, by[c].weighted) if c in by else (None, None)))

    return (ReportTable("groups", f"Open pipeline on {report.day.isoformat()} by {report.group_label.lower()}",
                        (report.group_label, "open deals", *headers),
                        tuple((g.label, g.deals, *cells(g.currencies)) for g in report.groups)),)


def change_tables(report: DealChanges) -> tuple[ReportTable, ...]:
    waterfall = ReportTable(
        "waterfall", "Waterfall: from the start pipeline to the end one, per currency",
        ("currency", "step", "deals", "amount", "running total"),
        tuple((w.currency, w.label, w.deals, w.amount, w.after) for w in report.waterfall))
    currencies = sorted({c for n in report.counts for c, _ in n.amounts})
    counts = ReportTable(
        "changes", "Deal changes (a step: what it added or took away; a stage or category change: the deals' "
                   "amounts at the end)", ("change", "deals", *currencies),
        tuple((n.label, n.deals, *(dict(n.amounts).get(c) for c in currencies)) for n in report.counts))
    deals = ReportTable(
        "deals", "The deals that moved",
        ("deal", "title", "owner", "step", "changes", "stage before", "stage after", "amount before",
         "amount after", "currency", "category before", "category after", "close before", "close after"),
        tuple((d.opportunity_id, d.title, d.owner, CHANGES.get(d.step, "—") if d.step else None,
               ", ".join(CHANGES[c] for c in d.changes),
               _get(d.before, "stage"), _get(d.after, "stage"), _get(d.before, "amount"), _get(d.after, "amount"),
               (d.after or d.before).currency, _get(d.before, "category"), _get(d.after, "category"),
               _day(d.before), _day(d.after)) for d in report.deals))
    return waterfall, counts, deals


def _get(state, name: str):
    return None if state is None else getattr(state, name)


def _day(state) -> str | None:
    return None if state is None or state.close_date is None else state.close_date.isoformat()
