"""The deals lists' one query: a page of deals in the viewer's scope that match a
engine.rules.deal_query.DealQuery, how many match, and their sums per currency.

Filters and sorts are columns of ``opportunities`` (indexed where a list narrows by
them: status with the close date, owner, manager, team, segment); the text search
compares lower-cased text with LIKE, in the title, the partner's name and the
buying-center contacts' names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from sqlalchemy import and_, case, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from engine.rules.deal_query import DealQuery
from engine.rules.report_scope import Scope
from engine.views.deals import DealListRow
from engine.store.models import Contact, InboxTask, MethodologyVersion, Opportunity, User
from engine.store.report_scope import where_in_scope


def _waiting():
    """Open, with a timer pending and no task of the process to do: waiting on time."""
    to_do = exists().where(InboxTask.opportunity_id == Opportunity.id, InboxTask.status == "ready",
                           InboxTask.kind == "workflow")
    return and_(Opportunity.status == "open", Opportunity.next_timer_at.is_not(None), not_(to_do))


_SORT_COLUMNS = {
    "title": func.lower(Opportunity.title), "partner": func.lower(Opportunity.partner_name),
    "amount": Opportunity.amount, "currency": Opportunity.currency,  # "stage": the funnel's order, _order
    "methodology": MethodologyVersion.methodology_id, "owner": User.username, "segment": Opportunity.segment_id,
    "status": Opportunity.status, "probability": Opportunity.probability,
    "close_date": Opportunity.expected_close_date, "next_action": Opportunity.next_action_at,
    "opened": Opportunity.opened_at,
}


def in_scope(query, scope: Scope):
    return where_in_scope(query, scope, Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(base, scope: Scope, query: DealQuery):
    q = in_scope(base, scope)
    if query.q:
        pattern = _like(query.q)
        contact = exists().where(Contact.opportunity_id == Opportunity.id,
                                 func.lower(Contact.name).like(pattern, escape="\\"))
        q = q.where(or_(func.lower(Opportunity.title).like(pattern, escape="\\"),
                        func.lower(Opportunity.partner_name).like(pattern, escape="\\"), contact))
    if query.status == "waiting":
        q = q.where(_waiting())
    elif query.status:
        q = q.where(Opportunity.status == query.status)
    if query.stage:
        q = q.where(Opportunity.stage_id == query.stage)
    if query.methodology:
        q = q.where(MethodologyVersion.methodology_id == query.methodology)
    if query.owner:
        q = q.where(User.username == query.owner)
    if query.segment:
        q = q.where(Opportunity.segment_id == query.segment)
    if query.close_from:
        q = q.where(Opportunity.expected_close_date >= query.close_from)
    if query.close_to:
        q = q.where(Opportunity.expected_close_date <= query.close_to)
    if query.amount_min is not None:
        q = q.where(Opportunity.amount >= query.amount_min)
    if query.amount_max is not None:
        q = q.where(Opportunity.amount <= query.amount_max)
    return q


def _joined(columns):
    return (select(*columns).select_from(Opportunity)
            .join(MethodologyVersion, MethodologyVersion.id == Opportunity.methodology_version_id)
            .join(User, User.id == Opportunity.owner_id))


def _funnel_position(stage_positions: Mapping[tuple[int, str], int]):
    """A deal's stage's place in its methodology version's stage table (0 first), as
    SQL: stages sort in the order the funnel goes, not by their ids' spelling. A stage
    no version names any more (an old deal's) comes after the known ones."""
    if not stage_positions:
        return literal(0)
    return case(*((and_(Opportunity.methodology_version_id == version_id, Opportunity.stage_id == stage_id),
                   position) for (version_id, stage_id), position in stage_positions.items()),
                else_=len(stage_positions))


def _order(query: DealQuery, stage_positions: Mapping[tuple[int, str], int]) -> list:
    if query.sort == "open_first":
        # Open deals first, the soonest close first; then the closed ones, the latest first.
        closed = Opportunity.status != "open"
        close = Opportunity.expected_close_date
        ordered = [closed, close.is_(None), case((closed, None), else_=close), case((closed, close), else_=None).desc()]
        if query.descending:
            ordered = [closed.desc(), close.is_(None), case((closed, None), else_=close).desc(),
                       case((closed, close), else_=None)]
        return ordered + [Opportunity.id.desc() if query.descending else Opportunity.id]
    if query.sort == "stage":
        # Stages belong to a methodology: its deals stay together, each funnel in its order.
        keys = [MethodologyVersion.methodology_id, _funnel_position(stage_positions)]
    else:
        keys = [_SORT_COLUMNS[query.sort]]
    ordered = []
    for key in keys:
        # NULLs (no close date, no next action) last either way.
        ordered += [key.is_(None), key.desc() if query.descending else key.asc()]
    # then a stable tie-break
    return ordered + [Opportunity.id.desc() if query.descending else Opportunity.id]


def search(session: Session, scope: Scope, query: DealQuery,
           stage_positions: Mapping[tuple[int, str], int] | None = None,
           ) -> tuple[list[DealListRow], int, list[tuple[str, int, Decimal]]]:
    """The page of rows (their stage names for the caller, who has the methodologies), how
    many match, and (currency, count, sum of amounts) per currency. ``stage_positions``:
    (methodology version id, stage id) -> place in that version's stage table, for the
    stage sort."""
    rows_query = _filtered(_joined((
        Opportunity.id, Opportunity.title, Opportunity.partner_id, Opportunity.partner_name, Opportunity.amount,
        Opportunity.currency, Opportunity.stage_id, Opportunity.methodology_version_id,
        MethodologyVersion.methodology_id, User.username, Opportunity.segment_id, Opportunity.status,
        Opportunity.probability, Opportunity.expected_close_date, Opportunity.next_action_at,
        _waiting().label("waiting"))), scope, query)
    rows_query = rows_query.order_by(*_order(query, stage_positions or {}))
    rows_query = rows_query.limit(query.per_page).offset((query.page - 1) * query.per_page)
    rows = [DealListRow(*row[:7], stage_name=None, methodology_version_id=row[7], methodology_id=row[8],
                        owner=row[9], segment_id=row[10], status=row[11], probability=row[12],
                        expected_close_date=row[13], next_action_at=row[14], waiting=bool(row[15]))
            for row in session.execute(rows_query)]
    sums = session.execute(_filtered(_joined((Opportunity.currency, func.count(), func.sum(Opportunity.amount))),
                                     scope, query).group_by(Opportunity.currency).order_by(Opportunity.currency))
    totals = [(currency, count, Decimal(total or 0)) for currency, count, total in sums]
    return rows, sum(count for _, count, _ in totals), totals


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the values the deals in scope have."""

    version_ids: tuple[int, ...]
    methodologies: tuple[str, ...]
    owners: tuple[str, ...]
    segments: tuple[str, ...]


def choices(session: Session, scope: Scope) -> Choices:
    version_ids = tuple(sorted(session.scalars(in_scope(select(Opportunity.methodology_version_id).distinct(),
                                                        scope))))
    methodologies = tuple(session.scalars(select(MethodologyVersion.methodology_id).distinct()
                                          .where(MethodologyVersion.id.in_(version_ids))
                                          .order_by(MethodologyVersion.methodology_id)))
    owners = tuple(session.scalars(in_scope(
        select(User.username).distinct().select_from(Opportunity).join(User, User.id == Opportunity.owner_id),
        scope).order_by(User.username)))
    segments = tuple(session.scalars(in_scope(select(Opportunity.segment_id).distinct(), scope)
                                     .order_by(Opportunity.segment_id)))
    return Choices(version_ids, methodologies, owners, segments)


def owner_scope(user_id: int) -> Scope:
    """A scope of the deals the user owns (``My deals``)."""
    return Scope(False, user_id, False)
