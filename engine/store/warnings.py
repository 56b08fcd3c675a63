"""The early warnings' SQL (M18): the facts the sweep reads of every open deal (one
query each for the whole database, not one per deal), writing what it found —
new warnings inserted once per cause, vanished causes cleared — and the warnings a
viewer may see, acknowledging one, and the digests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Iterable, Sequence

from sqlalchemy import column, func, literal, select, table as table_clause, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from engine.rules.report_scope import Scope
from engine.store.models import Event, InboxTask, Opportunity, User
from engine.store.types import UtcDateTime
from engine.store.partner_models import Activity
from engine.store.report_scope import where_in_scope
from engine.store.warning_models import DealWarning, WarningDigest

#: events whose data give the probability in force after them
PROBABILITY_EVENTS = ("stage_changed", "probability_overridden", "probability_reset", "questionnaire_answered")
#: events whose data give the amount after them (none is written yet: the amount is
#: fixed when a deal opens; a use case that changes it should record one)
AMOUNT_EVENTS = ("amount_changed",)
#: the event of a moved expected close date (data: before, after as YYYY-MM-DD)
CLOSE_DATE_EVENT = "close_date_changed"
#: the events of the rep's forecast-category override (data: category_before, category)
CATEGORY_EVENTS = ("forecast_category_overridden", "forecast_category_cleared")
SKIPPED_EVENT = "exit_criteria_skipped"  # a timer left a stage with its criteria unmet (service/timers.py)
_CHUNK = 1000  # ids per UPDATE statement


@dataclass(frozen=True)
class OpenDeal:
    id: int
    methodology_version_id: int
    stage_id: str | None
    stage_entered_at: datetime | None
    next_action_at: datetime | None
    expected_close_date: date | None
    opened_at: datetime
    probability: int
    amount: Decimal
    currency: str
    category_override: str | None


def open_deals(session: Session) -> list[OpenDeal]:
    o = Opportunity
    rows = session.execute(select(o.id, o.methodology_version_id, o.stage_id, o.stage_entered_at, o.next_action_at,
                                  o.expected_close_date, o.opened_at, o.probability, o.amount, o.currency,
                                  o.forecast_category_override)
                           .where(o.status == "open"))
    return [OpenDeal(*row) for row in rows]


def last_work(session: Session) -> dict[int, datetime]:
    """Each open deal's latest done activity or completed task (inbox row)."""
    latest: dict[int, datetime] = {}
    for query in (
        select(Activity.opportunity_id, func.max(Activity.done_at))
        .join(Opportunity, Opportunity.id == Activity.opportunity_id)
        .where(Opportunity.status == "open", Activity.status == "done", Activity.done_at.is_not(None))
        .group_by(Activity.opportunity_id),
        select(InboxTask.opportunity_id, func.max(InboxTask.completed_at))
        .join(Opportunity, Opportunity.id == InboxTask.opportunity_id)
        .where(Opportunity.status == "open", InboxTask.status == "completed", InboxTask.completed_at.is_not(None))
        .group_by(InboxTask.opportunity_id),
    ):
        for deal_id, at in session.execute(query):
            if at is not None and (deal_id not in latest or at > latest[deal_id]):
                latest[deal_id] = at
    return latest


def value_history(session: Session, kinds: Sequence[str], key: str, since: datetime) -> dict[int, list[tuple]]:
    """(at, value) of every event of ``kinds`` with ``key`` in its data, oldest first,
    for the deals that had one from ``since`` on (the others changed nothing lately)."""
    recent = (select(Event.opportunity_id).where(Event.kind.in_(kinds), Event.at >= since).distinct())
    rows = session.execute(select(Event.opportunity_id, Event.at, Event.data)
                           .join(Opportunity, Opportunity.id == Event.opportunity_id)
                           .where(Opportunity.status == "open", Event.kind.in_(kinds),
                                  Event.opportunity_id.in_(recent))
                           .order_by(Event.opportunity_id, Event.at, Event.id))
    history: dict[int, list[tuple]] = defaultdict(list)
    for deal_id, at, data in rows:
        value = _number((data or {}).get(key))
        if value is not None:
            history[deal_id].append((at, value))
    return history


def close_date_moves(session: Session) -> dict[int, list[tuple[date | None, date | None]]]:
    """Every open deal's moves of its expected close date, oldest first."""
    rows = session.execute(select(Event.opportunity_id, Event.data)
                           .join(Opportunity, Opportunity.id == Event.opportunity_id)
                           .where(Opportunity.status == "open", Event.kind == CLOSE_DATE_EVENT)
                           .order_by(Event.opportunity_id, Event.at, Event.id))
    moves: dict[int, list[tuple[date | None, date | None]]] = defaultdict(list)
    for deal_id, data in rows:
        data = data or {}
        moves[deal_id].append((_day(data.get("before")), _day(data.get("after"))))
    return moves


def criteria_skipped(session: Session) -> dict[int, tuple]:
    """The latest exit_criteria_skipped event of each open deal: (event id, at, stage
    name, what was still to do)."""
    latest = (select(func.max(Event.id)).join(Opportunity, Opportunity.id == Event.opportunity_id)
              .where(Opportunity.status == "open", Event.kind == SKIPPED_EVENT)
              .group_by(Event.opportunity_id))
    rows = session.execute(select(Event.id, Event.opportunity_id, Event.at, Event.data).where(Event.id.in_(latest)))
    return {deal_id: (event_id, at, (data or {}).get("stage_name", ""), tuple((data or {}).get("missing", ())))
            for event_id, deal_id, at, data in rows}


def category_changes(session: Session, since: datetime) -> dict[int, list[tuple]]:
    """(at, category before, category after) of the rep's forecast-category overrides
    and clearings from ``since`` on, per open deal."""
    rows = session.execute(select(Event.opportunity_id, Event.at, Event.data)
                           .join(Opportunity, Opportunity.id == Event.opportunity_id)
                           .where(Opportunity.status == "open", Event.kind.in_(CATEGORY_EVENTS), Event.at >= since)
                           .order_by(Event.opportunity_id, Event.at, Event.id))
    changes: dict[int, list[tuple]] = defaultdict(list)
    for deal_id, at, data in rows:
        data = data or {}
        changes[deal_id].append((at, data.get("category_before"), data.get("category")))
    return changes


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _number(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- the sweep's write -----------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """A warning the sweep found (engine.rules.warnings.Warning, as a row)."""

    opportunity_id: int
    rule: str
    cause: str
    message: str
    advice: str


def open_causes(session: Session) -> dict[tuple[int, str], int]:
    """(deal, cause) -> id of every warning not cleared."""
    rows = session.execute(select(DealWarning.opportunity_id, DealWarning.cause, DealWarning.id)
                           .where(DealWarning.cleared_at.is_(None)))
    return {(deal_id, cause): warning_id for deal_id, cause, warning_id in rows}


_COLUMNS = ("opportunity_id", "rule", "cause", "message", "advice")


def fire(session: Session, found: Iterable[Found], now: datetime) -> int:
    """Insert each warning unless its (deal, cause) row exists; a cleared one whose
    cause came back is raised again. Two sweeps at once: the unique pair makes the
    later insert meet the earlier row (PostgreSQL waits for the earlier transaction,
    then skips), never a second warning. Returns how many rows were written."""
    rows = [(f.opportunity_id, f.rule, f.cause, f.message, f.advice) for f in found]
    if not rows:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        return _fire_through_copy(session, rows, now)
    table = DealWarning.__table__
    statement = sqlite.insert(table)
    statement = _upsert(statement, table).returning(table.c.id)
    # One statement compiled once, its rows sent as executemany; RETURNING counts
    # what was written (inserted, or raised again).
    values = [dict(zip(_COLUMNS, row), fired_at=now) for row in rows]
    return len(session.connection().execute(statement, values).all())


def _upsert(statement, table):
    return statement.on_conflict_do_update(
        index_elements=[table.c.opportunity_id, table.c.cause],
        set_=dict(cleared_at=None, fired_at=statement.excluded.fired_at, acknowledged_at=None,
                  acknowledged_by_id=None, message=statement.excluded.message, advice=statement.excluded.advice),
        where=table.c.cleared_at.is_not(None))


def _fire_through_copy(session: Session, rows: list[tuple], now: datetime) -> int:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT ... SELECT
    ... ON CONFLICT. A multi-row INSERT's text costs psycopg more to build and the
    server more to parse than the rows themselves (docs/benchmarks.md, the lead
    import); COPY sends them as data."""
    connection = session.connection()
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE found_warnings (opportunity_id integer, rule varchar(40), cause varchar(200), "
        "message text, advice text) ON COMMIT DROP")
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY found_warnings ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    table = DealWarning.__table__
    found = table_clause("found_warnings", *(column(name) for name in _COLUMNS))
    statement = postgresql.insert(table).from_select(
        [*_COLUMNS, "fired_at"],
        select(*(found.c[name] for name in _COLUMNS), literal(now, UtcDateTime())))
    written = len(connection.execute(_upsert(statement, table).returning(table.c.id)).all())  # rowcount: -1
    connection.exec_driver_sql("DROP TABLE found_warnings")  # a second sweep in this transaction makes its own
    return written


def clear(session: Session, warning_ids: Iterable[int], now: datetime) -> int:
    ids = list(warning_ids)
    cleared = 0
    for start in range(0, len(ids), _CHUNK):
        cleared += session.execute(update(DealWarning).where(DealWarning.id.in_(ids[start:start + _CHUNK]),
                                                             DealWarning.cleared_at.is_(None))
                                   .values(cleared_at=now)).rowcount or 0
    return cleared


# --- reading them ----------------------------------------------------------------------

@dataclass(frozen=True)
class WarningRow:
    id: int
    opportunity_id: int
    deal_title: str
    partner_name: str
    owner: str
    owner_name: str
    rule: str
    message: str
    advice: str
    fired_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    cleared_at: datetime | None


def _filtered(query, scope: Scope, include_cleared: bool, include_acknowledged: bool):
    query = where_in_scope(query, scope, Opportunity.owner_id, Opportunity.manager_id, Opportunity.team_id)
    if not include_cleared:
        query = query.where(DealWarning.cleared_at.is_(None))
    if not include_acknowledged:
        query = query.where(DealWarning.acknowledged_at.is_(None))
    return query


def count_visible(session: Session, scope: Scope, *, include_cleared: bool = False,
                  include_acknowledged: bool = True) -> tuple[int, int]:
    """(how many warnings ``scope`` sees, how many of them are unacknowledged)."""
    query = _filtered(select(func.count(), func.count(DealWarning.id).filter(DealWarning.acknowledged_at.is_(None)))
                      .select_from(DealWarning).join(Opportunity, Opportunity.id == DealWarning.opportunity_id),
                      scope, include_cleared, include_acknowledged)
    total, unacknowledged = session.execute(query).one()
    return int(total), int(unacknowledged)


def visible(session: Session, scope: Scope, *, include_cleared: bool = False,
            include_acknowledged: bool = True, opportunity_id: int | None = None, since: datetime | None = None,
            warning_id: int | None = None, limit: int = 1000, offset: int = 0,
            by_owner: bool = False) -> list[WarningRow]:
    """The warnings ``scope`` sees, newest first (``by_owner``: by the deal owner's
    name first, as the board groups them); ``limit`` from ``offset`` (a page)."""
    query = _visible_query(scope, include_cleared, include_acknowledged, opportunity_id, since, warning_id,
                           limit, offset, by_owner)
    return [WarningRow(*row) for row in session.execute(query)]


def visible_page(session: Session, scope: Scope, *, include_cleared: bool = False, include_acknowledged: bool = True,
                 limit: int, offset: int = 0) -> tuple[list[WarningRow], int | None]:
    """A page of ``visible`` and, in the same statement, how many warnings there are in
    all (a window count over the filtered rows); the total is None when the page is
    empty (a page past the end says nothing of the total)."""
    page = _visible_query(scope, include_cleared, include_acknowledged, None, None, None, limit, offset, False)
    rows = session.execute(page.add_columns(func.count().over())).all()
    return [WarningRow(*row[:-1]) for row in rows], (int(rows[0][-1]) if rows else None)


def _visible_query(scope: Scope, include_cleared: bool, include_acknowledged: bool, opportunity_id: int | None,
                   since: datetime | None, warning_id: int | None, limit: int, offset: int, by_owner: bool):
    owner, acker = aliased(User), aliased(User)
    query = (select(DealWarning.id, DealWarning.opportunity_id, Opportunity.title, Opportunity.partner_name,
                    owner.username, owner.display_name, DealWarning.rule, DealWarning.message, DealWarning.advice,
                    DealWarning.fired_at, DealWarning.acknowledged_at, acker.username, DealWarning.cleared_at)
             .join(Opportunity, Opportunity.id == DealWarning.opportunity_id)
             .join(owner, owner.id == Opportunity.owner_id)
             .outerjoin(acker, acker.id == DealWarning.acknowledged_by_id))
    query = _filtered(query, scope, include_cleared, include_acknowledged)
    if opportunity_id is not None:
        query = query.where(DealWarning.opportunity_id == opportunity_id)
    if since is not None:
        query = query.where(DealWarning.fired_at >= since)
    if warning_id is not None:
        query = query.where(DealWarning.id == warning_id)
    owner_order = (func.lower(owner.display_name), owner.username) if by_owner else ()
    return query.order_by(*owner_order, DealWarning.fired_at.desc(), DealWarning.id.desc()).limit(limit).offset(offset)


def lock_warning(session: Session, warning_id: int) -> DealWarning | None:
    return session.scalars(select(DealWarning).where(DealWarning.id == warning_id).with_for_update()).first()


# --- digests ----------------------------------------------------------------------------

def digest_exists(session: Session, user_id: int, day: str) -> bool:
    return session.scalar(select(WarningDigest.id).where(WarningDigest.user_id == user_id,
                                                         WarningDigest.day == day)) is not None


def add_digest(session: Session, user_id: int, day: str, text: str, warning_ids: list[int],
               sent_to: str | None, now: datetime) -> None:
    session.add(WarningDigest(user_id=user_id, day=day, text=text, warning_ids=warning_ids, sent_to=sent_to,
                              created_at=now))
    session.flush()


def latest_digest(session: Session, user_id: int) -> WarningDigest | None:
    return session.scalars(select(WarningDigest).where(WarningDigest.user_id == user_id)
                           .order_by(WarningDigest.day.desc()).limit(1)).first()


def mark_unsent(session: Session, user_id: int, day: str) -> None:
    """The digest could not be mailed: it is the in-app one."""
    session.execute(update(WarningDigest).where(WarningDigest.user_id == user_id, WarningDigest.day == day)
                    .values(sent_to=None))
