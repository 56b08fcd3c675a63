"""The reads of the reports over the daily snapshots (M17): the open pipeline as of
a day, grouped and summed by the database, and the deals that moved between two
days. Every read starts from the primary key (snapshot_date, opportunity_id), so a
day is a range of the index whatever the history's length; a comparison is two
joins by that key, not a read of every deal (issue 13: p95 <= 300 ms at 100,000
deals and a year of snapshots; bench/reports.py).

A snapshot row keeps the owner, manager and team the deal had that day; a report
counts the rows in the viewer's scope (engine.rules.report_scope) by those, the
live deals by their owner, manager and team now.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, and_, func, literal, or_, select, true, type_coerce, union_all
from sqlalchemy.orm import Session, aliased

from engine.rules.report_scope import Scope
from engine.store.models import Opportunity, Team, User
from engine.store.report_scope import where_in_scope
from engine.store.snapshot_models import DealSnapshot

CENT = Decimal("0.01")


def first_and_found(session: Session, day: date) -> tuple[date | None, date | None]:
    """The first day with snapshots, and the latest one up to ``day`` (both None:
    no snapshot at all); two reads of the primary key's first column."""
    first = session.scalar(select(func.min(DealSnapshot.snapshot_date)))
    found = session.scalar(select(func.max(DealSnapshot.snapshot_date)).where(DealSnapshot.snapshot_date <= day))
    return first, found


def scope_condition(scope: Scope, owner, manager, team):
    """The rows in ``scope``, by the given owner, manager and team columns, as a
    condition (for a join or a column): engine.store.report_scope's one test."""
    clause = where_in_scope(select(literal(1)), scope, owner, manager, team).whereclause
    return true() if clause is None else clause


def _snapshot_scope(row, scope: Scope):
    return scope_condition(scope, row.owner_id, row.manager_id, row.team_id)


def _money(cents) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENT)


# What the as-of pipeline groups by: snapshot columns only (engine.views.snapshot_reports.AS_OF_GROUPS).
AS_OF_KEYS = {
    "stage": lambda: (DealSnapshot.methodology_version_id, func.coalesce(DealSnapshot.stage_id, "")),
    "category": lambda: (DealSnapshot.forecast_category,),
    "methodology": lambda: (DealSnapshot.methodology_version_id,),
    "segment": lambda: (DealSnapshot.segment_id,),
    "rep": lambda: (User.username,),
    "team": lambda: (Team.name,),
}


def as_of_totals(session: Session, day: date, scope: Scope, grouping: str) -> list[tuple]:
    """(key..., currency, deals, amount, exact weighted) per key of ``grouping`` and
    currency, over the snapshot rows of exactly ``day`` in scope."""
    keys = AS_OF_KEYS[grouping]()
    cents = type_coerce(DealSnapshot.amount, BigInteger)  # raw cents: x probability stays exact
    query = select(*keys, DealSnapshot.currency, func.count(), func.sum(cents),
                   func.sum(cents * DealSnapshot.probability)).select_from(DealSnapshot)
    if grouping == "rep":
        query = query.join(User, User.id == DealSnapshot.owner_id)
    elif grouping == "team":
        query = query.outerjoin(Team, Team.id == DealSnapshot.team_id)
    query = (query.where(DealSnapshot.snapshot_date == day, _snapshot_scope(DealSnapshot, scope))
             .group_by(*keys, DealSnapshot.currency))
    n = len(keys)
    # weighted exact (amount x probability, four decimals): summed, then rounded once (engine.rules.money)
    return [(*row[:n], row[n], row[n + 1], _money(row[n + 2]), Decimal(row[n + 3] or 0) / 10000)
            for row in session.execute(query)]


def due_totals(session: Session, day: date | None, scope: Scope, period_end: date) -> list[tuple]:
    """(currency, deals, amount) of the open deals in scope due by ``period_end``:
    the snapshot rows of ``day``, or the live deals when ``day`` is None."""
    if day is None:
        source = Opportunity
        where = [Opportunity.status == "open", scope_condition(scope, Opportunity.owner_id, Opportunity.manager_id,
                                                               Opportunity.team_id)]
    else:
        source = DealSnapshot
        where = [DealSnapshot.snapshot_date == day, _snapshot_scope(DealSnapshot, scope)]
    cents = type_coerce(source.amount, BigInteger)
    query = (select(source.currency, func.count(), func.sum(cents))
             .where(*where, source.expected_close_date <= period_end).group_by(source.currency))
    return [(currency, n, _money(amount)) for currency, n, amount in session.execute(query)]


#: the columns of each side of a comparison, in the order ``moved`` gives them
SIDE = ("present", "amount", "currency", "stage_id", "version_id", "category", "close_date", "probability",
        "override")


def moved(session: Session, since: date, until: date | None, scope: Scope, period_end: date) -> list[tuple]:
    """The deals that may have moved between the snapshot of ``since`` and that of
    ``until`` (None: the live deals), among those due by ``period_end`` at either
    side: those in only one pipeline, and those in both whose amount, currency,
    stage, methodology version or category differ (for live deals: probability or
    override — the service derives the category). A superset: the rules decide.

    Each row: (id, title, owner, status, closed_at, opened_at, *start side, *end
    side), a side being SIDE's columns (``present`` false: not open in scope)."""
    s = aliased(DealSnapshot, name="s")
    s_scope = _snapshot_scope(s, scope)
    if until is None:
        e = Opportunity
        e_scope = and_(Opportunity.status == "open",
                       scope_condition(scope, Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id))
        e_category = literal(None).label("e_category")
        e_probability, e_override = Opportunity.probability, Opportunity.forecast_category_override
        e_version = Opportunity.methodology_version_id
    else:
        e = aliased(DealSnapshot, name="e")
        e_scope = and_(e.snapshot_date == until, _snapshot_scope(e, scope))
        e_category = e.forecast_category
        e_probability, e_override = literal(None), literal(None)
        e_version = e.methodology_version_id
    o = Opportunity if until is None else aliased(Opportunity, name="o")
    s_due = s.expected_close_date <= period_end
    e_due = e.expected_close_date <= period_end

    def columns(s_present, e_present):
        return (o.id, o.title, User.username, o.status, o.closed_at, o.opened_at,
                s_present, s.amount, s.currency, s.stage_id, s.methodology_version_id, s.forecast_category,
                s.expected_close_date, s.probability, literal(None),
                e_present, e.amount, e.currency, e.stage_id, e_version, e_category, e.expected_close_date,
                e_probability, e_override)

    if until is None:
        differs = or_(s.amount != e.amount, s.currency != e.currency, s.stage_id.is_distinct_from(e.stage_id),
                      s.methodology_version_id != e_version,
                      s.category_overridden != e_override.is_not(None),
                      and_(e_override.is_not(None), s.forecast_category != e_override),
                      and_(e_override.is_(None), s.probability != e_probability))
        # from the start: every due deal unless it is open in scope, still due and alike at the end
        start_side = (select(*columns(true(), e_scope)).select_from(s)
                      .join(Opportunity, Opportunity.id == s.opportunity_id)
                      .join(User, User.id == Opportunity.owner_id)
                      .where(s.snapshot_date == since, s_scope, s_due,
                             or_(~e_scope, e.expected_close_date.is_(None), ~e_due, differs)))
        # from the end: the due deals that were not in the start pipeline
        end_side = (select(*columns(s.opportunity_id.is_not(None), true())).select_from(Opportunity)
                    .outerjoin(s, and_(s.snapshot_date == since, s.opportunity_id == Opportunity.id, s_scope))
                    .join(User, User.id == Opportunity.owner_id)
                    .where(e_scope, e_due, or_(s.opportunity_id.is_(None), s.expected_close_date.is_(None), ~s_due)))
    else:
        differs = or_(s.amount != e.amount, s.currency != e.currency, s.stage_id.is_distinct_from(e.stage_id),
                      s.methodology_version_id != e.methodology_version_id, s.forecast_category != e.forecast_category)
        start_side = (select(*columns(true(), e.opportunity_id.is_not(None))).select_from(s)
                      .outerjoin(e, and_(e.opportunity_id == s.opportunity_id, e_scope))
                      .join(o, o.id == s.opportunity_id).join(User, User.id == o.owner_id)
                      .where(s.snapshot_date == since, s_scope, s_due,
                             or_(e.opportunity_id.is_(None), e.expected_close_date.is_(None), ~e_due, differs)))
        end_side = (select(*columns(s.opportunity_id.is_not(None), true())).select_from(e)
                    .outerjoin(s, and_(s.snapshot_date == since, s.opportunity_id == e.opportunity_id, s_scope))
                    .join(o, o.id == e.opportunity_id).join(User, User.id == o.owner_id)
                    .where(e_scope, e_due, or_(s.opportunity_id.is_(None), s.expected_close_date.is_(None), ~s_due)))
    return [tuple(row) for row in session.execute(union_all(start_side, end_side))]
