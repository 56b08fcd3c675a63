"""The lost-deal report (M13): per methodology version, at which stage deals die
(the stage before lost) and why (reason codes, with the free texts), the amounts
lost per currency, how long they were open, and per rep and segment; each deal
with the work done on it before. Who may open it is policy.may_see_lost_report's;
which deals it counts is the viewer's report scope (engine.service.report_scope),
as every other report counts them."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from statistics import median
from typing import Iterable

from engine.errors import FormError
from engine.rules import inputs, policy
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.report_scope import scope_for
from engine.store import lost_analysis as store
from engine.store import people
from engine.views.lost_analysis import (Amount, CountRow, LostDeal, LostFilters, LostReport, MatrixCell,
                                        MethodologyLosses, WorkDone)

MISSING = "(reason missing)"
FIRST_STAGE = "(lost in its first stage)"


def lost_report(ctx: ServiceContext, *, viewer: str, since: object = None, until: object = None,
                methodology: object = None, segment: object = None, rep: object = None) -> LostReport:
    """The report over the deals lost (closed) from ``since`` to ``until`` (days,
    both included, UTC), optionally of one methodology, segment or rep."""
    filters = LostFilters(_day(since, "from"), _day(until, "to"), _name(methodology, "methodology"),
                          _name(segment, "segment"), _name(rep, "rep"))
    if filters.since and filters.until and filters.since > filters.until:
        raise FormError({"to": "the end of the period comes before its start"})
    with unit_of_work.read(ctx) as session:
        actor = visibility.actor_of(session, people.user(session, viewer))
        policy.require(policy.may_see_lost_report(actor),
                       "the lost-deal report is for managers, designers and admins")
        scope = scope_for(session, people.user(session, viewer))
        rows = store.lost_deals(session, since=_start(filters.since), until=_start(filters.until, 1),
                                methodology_id=filters.methodology, segment_id=filters.segment,
                                owner=filters.rep, scope=scope)
        before = store.stages_before_loss(session, rows)
        work = defaultdict(list)
        for item in store.work_done(session, [r.id for r in rows]):
            work[item.opportunity_id].append(WorkDone(item.source, item.kind, item.name, item.done_at,
                                                      item.by, item.note))
        methodologies = {r.methodology_version_id: ctx.catalog.version(session, r.methodology_version_id)[1]
                         for r in rows}
    deals = tuple(_deal(r, methodologies[r.methodology_version_id], before.get(r.id), work[r.id]) for r in rows)
    return LostReport(
        filters=filters, count=len(deals), amounts=_amounts(deals),
        methodologies=_per_methodology(deals, rows, methodologies),
        by_rep=_counts(deals, lambda d: (d.owner, d.owner)),
        by_segment=_counts(deals, lambda d: (d.segment_id, d.segment_id)),
        deals=deals, missing_reasons=sum(1 for d in deals if d.reason_code is None),
        everything=scope.everything)


def _deal(row: store.LostRow, methodology, stage_before: str | None, work: list[WorkDone]) -> LostDeal:
    stage = methodology.stage(stage_before) if stage_before else None
    reason = methodology.lost_reason(row.reason_code) if row.reason_code else None
    return LostDeal(
        id=row.id, title=row.title, partner_name=row.partner_name, owner=row.owner, segment_id=row.segment_id,
        methodology_id=row.methodology_id, version_label=row.version_label, amount=row.amount,
        currency=row.currency, stage_before_id=stage_before,
        stage_before_name=stage.name if stage else (stage_before or FIRST_STAGE),
        reason_code=row.reason_code,
        reason_label=reason.label if reason else (row.reason_code or MISSING), reason=row.reason,
        opened_at=row.opened_at, closed_at=row.closed_at,
        days_open=max((row.closed_at - row.opened_at).days, 0), work=tuple(work))


def _per_methodology(deals: tuple[LostDeal, ...], rows, methodologies) -> tuple[MethodologyLosses, ...]:
    version_of = {r.id: r.methodology_version_id for r in rows}
    groups: dict[int, list[LostDeal]] = defaultdict(list)
    for deal in deals:
        groups[version_of[deal.id]].append(deal)
    result = []
    for version_id, members in groups.items():
        methodology = methodologies[version_id]
        position = {s.id: s.position for s in methodology.stages}
        by_stage = sorted(_counts(members, lambda d: (d.stage_before_id, d.stage_before_name)),
                          key=lambda row: position.get(row.key, -1))
        matrix = Counter((d.stage_before_id, d.reason_code) for d in members)
        result.append(MethodologyLosses(
            methodology_id=members[0].methodology_id, version_label=members[0].version_label,
            count=len(members), amounts=_amounts(members), by_stage=tuple(by_stage),
            by_reason=_counts(members, lambda d: (d.reason_code, d.reason_label)),
            matrix=tuple(MatrixCell(stage, reason, n) for (stage, reason), n in sorted(
                matrix.items(), key=lambda item: (position.get(item[0][0], -1), item[0][1] or ""))),
            median_days_open=int(median(d.days_open for d in members))))
    return tuple(sorted(result, key=lambda m: (m.methodology_id, m.version_label)))


def _counts(deals: Iterable[LostDeal], key) -> tuple[CountRow, ...]:
    """One row per key, most deals first (then by label)."""
    members: dict[tuple, list[LostDeal]] = defaultdict(list)
    for deal in deals:
        members[key(deal)].append(deal)
    rows = [CountRow(k, label, len(group), _amounts(group)) for (k, label), group in members.items()]
    return tuple(sorted(rows, key=lambda row: (-row.count, row.label)))


def _amounts(deals: Iterable[LostDeal]) -> tuple[Amount, ...]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals:
        totals[deal.currency] += deal.amount
    return tuple(Amount(currency, total) for currency, total in sorted(totals.items()))


def _day(value: object, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = inputs.text(value, field, limit=10)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormError({field: f"'{inputs.shown_name(text)}' is not a day; write it as YYYY-MM-DD"}) from None


def _name(value: object, field: str) -> str | None:
    return inputs.text(value, field, limit=inputs.MAX_USERNAME, required=False)


def _start(day: date | None, plus_days: int = 0) -> datetime | None:
    """Midnight UTC of ``day`` (+ days): the bound of a half-open period."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=timezone.utc)
