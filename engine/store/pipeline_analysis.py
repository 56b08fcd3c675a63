"""The reads of the pipeline analysis and the methodology comparison, summed up by
the database: a report over 100,000 deals and their stage history reads a few
hundred grouped rows, never the deals one by one (issue 13: every report p95
<= 300 ms; bench/reports.py).

    totals      per group key, status and currency: deals, amount, weighted amount
                (expected revenue), and the days from opened to closed summed
    stages      per methodology version and stage of the stage history: the deals
                that entered it, the finished stays in it and their days, and the
                deals that later entered a later stage other than a lost one
    cycles      the days from opened to closed of closed deals, per key, for the
                medians the methodology comparison shows (one narrow column)

Territory, industry, lead source and campaign: the deal's own attribute (set when
it was opened, routing reads it), else its partner card's column. Days between two
stored moments are computed by the database (julianday on SQLite, epoch seconds on
PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from sqlalchemy import BigInteger, Float, and_, case, cast, distinct, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from engine.rules import money

from engine.rules.pipeline_analysis import StageTotal, Total
from engine.rules.report_scope import Scope
from engine.store import deal_totals
from engine.store.report_scope import where_in_scope
from engine.store.models import MethodologySwap, MethodologyVersion, Opportunity, StageChange, Team, User
from engine.store.partner_models import Partner
from engine.store.analysis_models import SnapshotDayTotal, StageHistoryTotal

CENT = Decimal("0.01")
US_PER_DAY = 86_400_000_000

ATTRIBUTES = ("territory", "industry", "source", "campaign")  # deal attribute, else the partner card's column
NO_STAGE = ""  # a deal without a stage (its process failed before the first one)


@dataclass(frozen=True)
class SwapRow:
    id: int
    segment_id: str
    from_version_id: int | None
    to_version_id: int
    at: datetime
    reverses_id: int | None
    reversed_by_swap_id: int | None


def _in_scope(query, scope: Scope):
    return where_in_scope(query, scope, Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id)


def _weighted_units():
    """A deal's exact weighted amount in hundredths of a cent (cents x probability):
    summed exactly, rounded once when shown (engine.rules.money), not the stored
    per-deal expected revenue, which is already rounded."""
    return type_coerce(Opportunity.amount, BigInteger) * Opportunity.probability


def _attribute(name: str):
    deal_value = func.nullif(Opportunity.attributes[name].as_string(), "")
    return func.coalesce(deal_value, func.nullif(getattr(Partner, name), ""))


def _days(session: Session, later, earlier):
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return cast(func.extract("epoch", later - earlier), Float) / 86400.0


# What each grouping groups by, and the tables it joins besides the opportunities.
KEYS = {
    "stage": lambda: (Opportunity.methodology_version_id, func.coalesce(Opportunity.stage_id, NO_STAGE)),
    "methodology": lambda: (Opportunity.methodology_version_id,),
    "segment": lambda: (Opportunity.segment_id,),
    "rep": lambda: (User.username,),
    "team": lambda: (Team.name,),
    "version_segment": lambda: (Opportunity.methodology_version_id, Opportunity.segment_id),
    "source_campaign": lambda: (_attribute("source"), _attribute("campaign")),
    **{name: (lambda name=name: (_attribute(name),)) for name in ATTRIBUTES},
}
JOINS = {"rep": "users", "team": "teams", "source_campaign": "partners", **{name: "partners" for name in ATTRIBUTES}}


def _joined(query, grouping: str):
    table = JOINS.get(grouping)
    if table == "users":
        return query.join(User, User.id == Opportunity.owner_id)
    if table == "teams":
        return query.outerjoin(Team, Team.id == Opportunity.team_id)
    if table == "partners":
        return query.join(Partner, Partner.id == Opportunity.partner_id)
    return query


def totals(session: Session, scope: Scope, grouping: str, *, segment_id: str | None = None,
           opened_from: datetime | None = None, opened_before: datetime | None = None) -> list[Total]:
    """Per key of ``grouping`` (a KEYS name), status and currency; optionally only
    one segment's deals opened in [opened_from, opened_before). The whole scope is
    read from the kept sums (``engine.store.deal_totals``: a few thousand rows); a
    window (the swap comparison) is summed from the deals."""
    if segment_id is None and opened_from is None and opened_before is None:
        return deal_totals.totals(session, scope, grouping)
    return totals_from_deals(session, scope, grouping, segment_id=segment_id, opened_from=opened_from,
                             opened_before=opened_before)


def totals_from_deals(session: Session, scope: Scope, grouping: str, *, segment_id: str | None = None,
                      opened_from: datetime | None = None, opened_before: datetime | None = None) -> list[Total]:
    """``totals`` summed from the deals themselves (a scan of every deal in scope,
    with the partner join for the attribute groupings): the definition the kept
    sums are tested against."""
    keys = KEYS[grouping]()
    closed = Opportunity.status != "open"
    cycle = func.sum(case((closed, _days(session, Opportunity.closed_at, Opportunity.opened_at)), else_=0.0))
    query = _joined(select(*keys, Opportunity.status, Opportunity.currency, func.count(),
                           func.sum(Opportunity.amount), func.sum(_weighted_units()), cycle)
                    .select_from(Opportunity), grouping)
    query = _in_scope(_window(query, segment_id, opened_from, opened_before), scope)
    query = query.group_by(*keys, Opportunity.status, Opportunity.currency)
    n = len(keys)
    return [Total(tuple(row[:n]), row[n], row[n + 1], row[n + 2], row[n + 3] or Decimal("0.00"),
                     Decimal(row[n + 4] or 0) / 10000, float(row[n + 5] or 0.0)) for row in session.execute(query)]


def cycle_medians(session: Session, scope: Scope) -> dict[tuple[int, str | None], float]:
    """The median cycle (days opened -> closed) of the closed deals in scope per
    (version, segment), from the kept parts (``engine.store.deal_totals``)."""
    return deal_totals.cycle_medians(session, scope)


def cycles(session: Session, scope: Scope, grouping: str, *, segment_id: str | None = None,
           opened_from: datetime | None = None, opened_before: datetime | None = None) -> list[tuple]:
    """(key..., days opened -> closed) of each closed deal, for medians."""
    keys = KEYS[grouping]()
    query = _joined(select(*keys, _days(session, Opportunity.closed_at, Opportunity.opened_at))
                    .select_from(Opportunity).where(Opportunity.status != "open",
                                                    Opportunity.closed_at.is_not(None)), grouping)
    query = _in_scope(_window(query, segment_id, opened_from, opened_before), scope)
    return [tuple(row) for row in session.execute(query)]


def _window(query, segment_id: str | None, opened_from: datetime | None, opened_before: datetime | None):
    """Only one segment's deals opened in [opened_from, opened_before), when given."""
    if segment_id is not None:
        query = query.where(Opportunity.segment_id == segment_id)
    if opened_from is not None:
        query = query.where(Opportunity.opened_at >= opened_from)
    if opened_before is not None:
        query = query.where(Opportunity.opened_at < opened_before)
    return query


def stages(session: Session, scope: Scope, *, by_segment: bool = False) -> list[StageTotal]:
    """Per (version, stage[, segment]) of the stage history of the deals in scope,
    from the sums kept per owner, manager, team, segment, version and stage
    (``engine.store.stage_totals``): what ``stages_from_history`` computes, read from
    a few thousand rows."""
    kept = StageHistoryTotal
    keys = [kept.methodology_version_id, kept.stage_id] + ([kept.segment_id] if by_segment else [])
    query = (select(*keys, func.sum(kept.reached), func.sum(kept.stays), func.sum(kept.stay_us),
                    func.sum(kept.advanced)).group_by(*keys).having(func.sum(kept.reached) > 0))
    query = _kept_in_scope(query, scope, kept.owner_id, kept.manager_id, kept.team_id)
    n = len(keys)
    return [StageTotal(tuple(row[:n]), int(row[n]), int(row[n + 1]), int(row[n + 2]) / US_PER_DAY, int(row[n + 3]))
            for row in session.execute(query)]


def _kept_in_scope(query, scope: Scope, owner, manager, team):
    """The scope over kept totals' owner, manager and team columns (0: none, which
    no scope names), as ``_in_scope`` over the deals'."""
    if scope.everything:
        return query
    people = sorted({scope.user_id} | scope.below)
    either = [owner.in_(people)]
    if scope.managed:
        either.append(manager.in_(people))
        if scope.team_ids:
            either.append(team.in_(sorted(scope.team_ids)))
    return query.where(or_(*either))


def stages_from_history(session: Session, scope: Scope, positions: Mapping[tuple[int, str], tuple[int, str]], *,
                        by_segment: bool = False) -> list[StageTotal]:
    """``stages`` recomputed from the stage history itself (a window pass and a
    furthest-stage join over every history row in scope: seconds at 100,000
    deals), the definition the kept sums are tested against. ``positions``:
    (version id, stage id) -> (position, outcome) of every stage of the versions
    involved (a stage not in it never counts as advanced)."""
    version = func.coalesce(StageChange.methodology_version_id, Opportunity.methodology_version_id)
    columns = (StageChange.opportunity_id.label("deal"), version.label("version"), StageChange.to_stage.label("stage"),
               Opportunity.segment_id.label("segment"))
    joined = select(*columns).join(Opportunity, Opportunity.id == StageChange.opportunity_id)
    # Entered and finished stays: the next move of the same deal ends a stay (one window pass).
    timed = _in_scope(joined.add_columns(
        StageChange.changed_at.label("at"),
        func.lead(StageChange.changed_at).over(partition_by=StageChange.opportunity_id,
                                               order_by=StageChange.id).label("next_at")), scope).subquery("timed")
    keys = [timed.c.version, timed.c.stage] + ([timed.c.segment] if by_segment else [])
    entered = {tuple(row[:len(keys)]): row[len(keys):] for row in session.execute(
        select(*keys, func.count(distinct(timed.c.deal)), func.count(timed.c.next_at),
               func.sum(case((timed.c.next_at.is_not(None), _days(session, timed.c.next_at, timed.c.at)), else_=0.0)))
        .group_by(*keys))}
    # Went on: the furthest position a deal reached in a version, lost stages aside.
    moves = _in_scope(joined, scope).subquery("moves")
    position = _position_of(moves.c.version, moves.c.stage, positions)
    outcome = _outcome_of(moves.c.version, moves.c.stage, positions)
    furthest = (select(moves.c.deal, moves.c.version, func.max(position).label("top"))
                .where(outcome != "lost").group_by(moves.c.deal, moves.c.version).subquery("furthest"))
    keys = [moves.c.version, moves.c.stage] + ([moves.c.segment] if by_segment else [])
    went_on = {tuple(row[:len(keys)]): row[len(keys)] for row in session.execute(
        select(*keys, func.count(distinct(moves.c.deal)))
        .join(furthest, and_(furthest.c.deal == moves.c.deal, furthest.c.version == moves.c.version))
        .where(outcome == "open", furthest.c.top > position).group_by(*keys))}
    return [StageTotal(key, reached, stays, float(days or 0.0), went_on.get(key, 0))
            for key, (reached, stays, days) in entered.items()]


def _position_of(version, stage, positions):
    if not positions:
        return literal(-1)
    return case(*[(and_(version == v, stage == s), p) for (v, s), (p, _) in positions.items()], else_=-1)


def _outcome_of(version, stage, positions):
    if not positions:
        return literal("unknown")
    return case(*[(and_(version == v, stage == s), o) for (v, s), (_, o) in positions.items()], else_="unknown")


def version_ids(session: Session) -> set[int]:
    """Every deployed methodology version (a handful of rows; reading the versions
    the deals in scope touch would scan the whole stage history)."""
    return set(session.scalars(select(MethodologyVersion.id)))


def trend(session: Session, scope: Scope, since: date) -> list[tuple]:
    """(day, currency, deals, amount, amount x probability / 100) per snapshot day
    from ``since`` on, of the snapshot rows in scope (the snapshot keeps the owner,
    manager and team the deal had that day), read from the per-day totals the sweep
    keeps (``engine.store.snapshot_totals``): a few thousand rows, not millions."""
    day = SnapshotDayTotal
    query = _kept_in_scope(select(day.snapshot_date, day.currency, func.sum(day.deals), func.sum(day.amount_cents),
                                  func.sum(day.weighted_cents))
                           .where(day.snapshot_date >= since)
                           .group_by(day.snapshot_date, day.currency)
                           .order_by(day.snapshot_date, day.currency), scope, day.owner_id, day.manager_id, day.team_id)
    return [(day_, currency, int(n), (Decimal(amount or 0) / 100).quantize(CENT),
             money.cents(Decimal(weighted or 0) / 10000)) for day_, currency, n, amount, weighted in session.execute(query)]


def swaps(session: Session) -> list[SwapRow]:
    return [SwapRow(*row) for row in session.execute(
        select(MethodologySwap.id, MethodologySwap.segment_id, MethodologySwap.from_version_id,
               MethodologySwap.to_version_id, MethodologySwap.at, MethodologySwap.reverses_id,
               MethodologySwap.reversed_by_swap_id).order_by(MethodologySwap.at, MethodologySwap.id))]
