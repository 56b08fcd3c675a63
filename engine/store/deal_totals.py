"""The kept grouped totals of the pipeline analysis (``analysis_models``
DealReportFact and DealReportTotal): each deal's part — its keys (owner, manager,
team, status, currency, version, stage, segment, territory, industry, lead source,
campaign) and its figures (amount in cents, amount cents x probability, cycle in
microseconds) — and the sums per grouping kind, key, owner, manager, team, status
and currency that the reports read instead of scanning the deals.

Nothing has to be remembered by the writers: ``watch`` makes the unit of work's
session note every deal it inserts, changes or deletes through the ORM, and every
partner card whose industry or campaign changes (all its deals); the bulk writers
that update deals in Core mark them for the stage figures
(``engine.store.stage_totals.mark``) and those are taken too. Just before the
transaction commits, ``replace_marked`` recomputes the noted deals' parts, moves the
sums by the difference (exact integers: cents, hundredths of a cent, microseconds)
and stores the new parts. Money stays per currency: currency is a key.

A deal a step changed (noted by the flush or ``mark_deal`` with the deal itself) has
its part moved on in place when this process kept the part it last committed: the
new part is computed from the deal's columns as the session holds them (its card's
attributes from the kept part, ``engine.rules.deal_parts``), and written by one
UPDATE that only matches if the stored part is still the kept one and the deal's row
is the one the session holds (its ``row_version``), instead of the read of the old and
new parts and an upsert. Where the UPDATE matches nothing (another engine wrote the
deal or its card since), where nothing was kept, the deal is new or deleted, a Core
writer changed it (``stage_totals.mark``), or a savepoint rolled back, the part is
recomputed from the deal as stored, as above; either way the part written is kept
once the transaction commits.

``recount`` sums the parts anew from the deals themselves (the definition the tests
compare the kept sums with)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple, Sequence

from sqlalchemy import (BigInteger, bindparam, cast, delete, event, exists, func, insert, inspect, literal, select,
                        type_coerce, update)
from sqlalchemy.orm import Session

from engine.rules.deal_parts import UNKNOWN, attributes_after, own_attributes
from engine.rules.pipeline_analysis import Total
from engine.store import stage_totals, upserts
from engine.store.kept_parts import KeptParts
from engine.store.analysis_models import DealReportFact, DealReportTotal
from engine.store.models import Opportunity, Team, User
from engine.store.partner_models import Partner
from engine.store.report_scope import where_in_scope

MARKED = "dealflow.deal_totals.marked"  # session.info: deal ids to replace
LOCKED = "dealflow.deal_totals.locked"  # session.info: deal ids this transaction holds locked already
PARTNERS = "dealflow.deal_totals.partners"  # session.info: partner ids whose cards' groupings changed
NOTED = "dealflow.deal_totals.noted"  # session.info: deal id -> the deal, changed by this transaction
WHOLE = "dealflow.deal_totals.whole"  # session.info: deal ids whose part is recomputed from the deal as stored
STAGED = "dealflow.deal_totals.staged"  # session.info: deal id -> _Kept (None: forget) once this commits
KEPT_DEALS = 10_000  # the parts kept per database in a process (the oldest are dropped)
CHUNK = 2000
CENT = Decimal("0.01")
US = timedelta(microseconds=1)
US_PER_DAY = 86_400_000_000
ATTRIBUTES = ("territory", "industry", "source", "campaign")
PARTNER_COLUMNS = ("industry", "campaign", "territory", "source")  # card columns a grouping falls back to
SCOPE = ("owner_id", "manager_id", "team_id", "status", "currency")
SUMMED = ("deals", "amount_cents", "weighted_units", "cycle_us")
KEY = ("kind", "k1", "k2", "k3", *SCOPE)
# The deal's columns its part is made of (``parts``): a deal written with none of them
# changed (its workflow state, next action, scores) keeps its part, and is not noted.
PART_COLUMNS = ("owner_id", "manager_id", "team_id", "status", "currency", "methodology_version_id", "stage_id",
                "segment_id", "attributes", "partner_id", "amount", "probability", "opened_at", "closed_at")


# --- keeping ---------------------------------------------------------------------------

class _Kept(NamedTuple):
    """A deal's part as this process last committed it, with what its card-derived
    attributes were taken from: the deal's card and its own values (None: the card's)."""

    partner_id: int | None
    own: tuple
    part: dict


# The parts kept, per database (its SQLAlchemy engine): deal id -> _Kept.
_KEPT: KeptParts[_Kept] = KeptParts(KEPT_DEALS, staged=STAGED, noted=NOTED, whole=WHOLE)


def watch(session: Session) -> None:
    """Note, at each flush of ``session``, the deals and partner cards it writes
    (``session`` is one unit of work's: one transaction)."""
    session.info[LOCKED] = set()  # what marks it watched (one listener for every session, below)


def note_locked(session: Session, opportunity_id: int) -> None:
    """``opportunity_id`` is row-locked by this watched transaction (until it ends):
    ``replace`` need not lock it again."""
    locked = session.info.get(LOCKED)
    if locked is not None:
        locked.add(opportunity_id)


@event.listens_for(Session, "before_flush")
def _noted(session: Session, _context, _instances) -> None:
    if LOCKED not in session.info:
        return  # not a watched session
    deals = session.info.setdefault(MARKED, set())
    partners = session.info.setdefault(PARTNERS, set())
    for item in (*session.new, *session.dirty, *session.deleted):
        if isinstance(item, Opportunity):
            if item.id is None:
                session.info.setdefault(MARKED + ".new", []).append(item)  # its id comes with the flush
            elif item in session.new or item in session.deleted:
                deals.add(item.id)
                session.info.setdefault(WHOLE, set()).add(item.id)
            elif _changed(item, _PART_SET):
                deals.add(item.id)
                session.info.setdefault(NOTED, {})[item.id] = item
        elif isinstance(item, Partner) and item.id is not None and item not in session.new:
            if _changed(item, _PARTNER_SET):
                partners.add(item.id)


_PART_SET = frozenset(PART_COLUMNS)
_PARTNER_SET = frozenset(c for c in PARTNER_COLUMNS if hasattr(Partner, c))


def _changed(item, columns: frozenset[str]) -> bool:
    """Whether any of ``columns`` of ``item`` changed: only the attributes set since
    the row was loaded (its ``committed_state``) can have, so only those are asked."""
    state = inspect(item)
    return any(state.attrs[c].history.has_changes() for c in columns & state.committed_state.keys())


def mark(session: Session, opportunity_ids: Iterable[int]) -> None:
    """The deals' parts are recomputed from the deals as stored before this commits."""
    ids = set(opportunity_ids)
    session.info.setdefault(MARKED, set()).update(ids)
    session.info.setdefault(WHOLE, set()).update(ids)


def mark_deal(session: Session, opportunity: Opportunity) -> None:
    """The deal (loaded in ``session``) is written with some of its part's columns
    changed, and not through the ORM's flush (``engine.store.step_writes``): its part
    is moved on from the columns the session holds, where it can be."""
    session.info.setdefault(MARKED, set()).add(opportunity.id)
    session.info.setdefault(NOTED, {})[opportunity.id] = opportunity


def replace_marked(session: Session) -> None:
    """Replace the parts of every deal noted in this transaction (see the module)."""
    session.flush()
    ids = set(session.info.pop(MARKED, ()))
    ids.update(item.id for item in session.info.pop(MARKED + ".new", ()) if item.id is not None)
    ids.update(session.info.get(stage_totals.MARKED, ()))  # the Core writers' deals (taken later by stage_totals)
    partners = session.info.pop(PARTNERS, set())
    if partners:
        ids.update(session.scalars(select(Opportunity.id).where(Opportunity.partner_id.in_(sorted(partners)))))
    # Moved on in place: the deals noted with themselves, unless something else wrote
    # them here (a card, a Core writer — stage_totals' generic mark —, a rolled-back savepoint).
    whole = session.info.pop(WHOLE, set()) | ids.difference(session.info.get(NOTED, ()))
    whole.update(session.info.get(stage_totals.WHOLE, ()))
    noted = {i: deal for i, deal in session.info.pop(NOTED, {}).items() if i not in whole and i in ids}
    if ids:
        replace(session, sorted(ids), noted)


def replace(session: Session, opportunity_ids: Sequence[int], noted: Mapping[int, Opportunity] | None = None) -> None:
    """Replace these deals' parts and move the sums by the difference (in key order,
    so that two transactions lock shared rows in one order): a deal of ``noted``
    whose part this process kept is moved on in place (``_moved_on``); the others'
    parts are recomputed from the deals as stored."""
    connection = session.connection()
    table = DealReportFact.__table__
    noted = noted or {}
    staged = session.info.setdefault(STAGED, {})
    for start in range(0, len(opportunity_ids), CHUNK):
        chunk = list(opportunity_ids[start:start + CHUNK])
        # Hold the deals first (PostgreSQL; SQLite has one writer): a partner's edit marks
        # deals its use case did not lock, and a deal edit committing between this read
        # of the old parts and the write would be subtracted twice. In id order, as the
        # use cases that hold many deals lock them; a deal this transaction holds already
        # is no wait.
        to_lock = [i for i in chunk if i not in session.info.get(LOCKED, ())]
        if to_lock:
            connection.execute(select(Opportunity.id).where(Opportunity.id.in_(to_lock))
                               .order_by(Opportunity.id).with_for_update())
        moved_old, moved_new, whole = _moved_on(session, [i for i in chunk if i in noted], noted, staged)
        whole = sorted(whole + [i for i in chunk if i not in noted])
        old, new = _old_and_new_parts(session, whole, staged) if whole else ([], [])
        current = {row["opportunity_id"]: row for row in new}
        unchanged = {row["opportunity_id"] for row in old if current.get(row["opportunity_id"]) == row}
        old = [row for row in old if row["opportunity_id"] not in unchanged]
        new = [row for row in new if row["opportunity_id"] not in unchanged]
        delta: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for rows, sign in ((old, -1), (new, 1), (moved_old, -1), (moved_new, 1)):
            for row in rows:
                for key in keys_of(row):
                    sums = delta[key]
                    for i, value in enumerate((1, row["amount_cents"], row["weighted_units"], row["cycle_us"])):
                        sums[i] += sign * value
        gone = sorted({r["opportunity_id"] for r in old} - {r["opportunity_id"] for r in new})  # deleted deals
        if gone:
            connection.execute(delete(table).where(table.c.opportunity_id.in_(gone)))
        if new:
            connection.execute(upserts.upsert(session, DealReportFact.__table__, ("opportunity_id",)), new)
        changed = [dict(zip(KEY, key), **dict(zip(SUMMED, sums))) for key, sums in sorted(delta.items())
                   if any(sums)]
        if changed:
            connection.execute(upserts.upsert(session, DealReportTotal.__table__, KEY, add=SUMMED), changed)


def _moved_on(session: Session, chunk: list[int], noted: Mapping[int, Opportunity],
              staged: dict) -> tuple[list[dict], list[dict], list[int]]:
    """(the kept parts, the new parts written in their place, the deals whose part
    must be recomputed from the deal as stored: none kept, not computable from the
    session's deal, or the stored part or deal row not the ones kept and held)."""
    kept = _KEPT.of(session.get_bind())
    old, new, whole = [], [], []
    connection = session.connection()
    for deal_id in chunk:
        entry = kept.get(deal_id)
        part = None if entry is None else _part_after(entry, noted[deal_id])
        if part is None:
            whole.append(deal_id)
            continue
        params = {"_id": deal_id, "_rv": noted[deal_id].__dict__["row_version"]}
        params.update(("o_" + c, entry.part[c]) for c in _FACT_NAMES)
        params.update(("n_" + c, part[c]) for c in _FACT_NAMES)
        if connection.execute(_MOVE_ON, params).rowcount != 1:
            whole.append(deal_id)  # the stored part or the deal is not the one kept and held: read
            continue
        old.append(entry.part)
        new.append(part)
        staged[deal_id] = _Kept(entry.partner_id, _own_of(noted[deal_id]), part)
    return old, new, whole


# The deal's columns its part is computed from in place (every one must be loaded).
_IN_PLACE_COLUMNS = (*PART_COLUMNS, "id", "row_version")
_CARDED = tuple(hasattr(Partner, a) for a in ATTRIBUTES)
_AMOUNT = Opportunity.__table__.c.amount.type


def _own_of(deal: Opportunity) -> tuple:
    return own_attributes(deal.__dict__.get("attributes"), ATTRIBUTES)


def _part_after(entry: _Kept, deal: Opportunity) -> dict | None:
    """The deal's part from its columns as the session holds them and the part kept
    (its card's attributes), or None where they do not say it all."""
    state = deal.__dict__
    if any(c not in state for c in _IN_PLACE_COLUMNS):
        return None  # expired (a rollback, a refresh): as stored, then
    own = own_attributes(state["attributes"], ATTRIBUTES)
    if own is UNKNOWN or entry.own is UNKNOWN:
        return None
    attributes = attributes_after(own, state["partner_id"], entry.own, entry.partner_id,
                                  [entry.part[a] for a in ATTRIBUTES], _CARDED)
    if attributes is None:
        return None
    return _part((state["id"], state["owner_id"], state["manager_id"] or 0, state["team_id"] or 0, state["status"],
                  state["currency"], state["methodology_version_id"], state["stage_id"] or "",
                  state["segment_id"] or "", *attributes, _AMOUNT.process_bind_param(state["amount"], None),
                  state["probability"] or 0, state["opened_at"], state["closed_at"]))


# A part moved on in place: the stored part replaced only if it is the one kept (``o_``
# values) and the deal's row is the one the new part (``n_``) was computed from.
_FACTS = DealReportFact.__table__
_FACT_NAMES = tuple(c.name for c in _FACTS.c if c.name != "opportunity_id")
_MOVE_ON = (update(_FACTS)
            .where(_FACTS.c.opportunity_id == bindparam("_id"),
                   *(_FACTS.c[c].is_not_distinct_from(bindparam("o_" + c, type_=_FACTS.c[c].type))
                     if _FACTS.c[c].nullable else _FACTS.c[c] == bindparam("o_" + c, type_=_FACTS.c[c].type)
                     for c in _FACT_NAMES),
                   exists(select(Opportunity.id).where(Opportunity.id == bindparam("_id"),
                                                       Opportunity.row_version == bindparam("_rv"))))
            .values({c: bindparam("n_" + c, type_=_FACTS.c[c].type) for c in _FACT_NAMES}))


def keys_of(part: dict) -> list[tuple]:
    """The total rows one deal's part counts in: one per grouping kind."""
    scope = tuple(part[c] for c in SCOPE)
    return [("stage", str(part["methodology_version_id"]), part["stage_id"], part["segment_id"], *scope),
            ("source", part["source"], part["campaign"], "", *scope),
            ("territory", part["territory"], "", "", *scope),
            ("industry", part["industry"], "", "", *scope)]


def _attribute(name: str):
    deal_value = func.nullif(Opportunity.attributes[name].as_string(), "")
    card = getattr(Partner, name, None)
    return func.coalesce(deal_value, func.nullif(card, ""), "") if card is not None else func.coalesce(deal_value, "")


# Built once (statements are compiled and cached by SQLAlchemy; building them is not).
_PARTS = (select(Opportunity.id, Opportunity.owner_id, func.coalesce(Opportunity.manager_id, 0),
                 func.coalesce(Opportunity.team_id, 0), Opportunity.status, Opportunity.currency,
                 Opportunity.methodology_version_id, func.coalesce(Opportunity.stage_id, ""),
                 func.coalesce(Opportunity.segment_id, ""), *(_attribute(a) for a in ATTRIBUTES),
                 type_coerce(Opportunity.amount, BigInteger), func.coalesce(Opportunity.probability, 0),
                 Opportunity.opened_at, Opportunity.closed_at)
          .outerjoin(Partner, Partner.id == Opportunity.partner_id)
          .where(Opportunity.id.in_(bindparam("ids", expanding=True))))
_OLD_PARTS = select(DealReportFact.__table__).where(
    DealReportFact.opportunity_id.in_(bindparam("ids", expanding=True)))


# The new parts with the stored ones beside them, in one read (a deal's step replaces one part).
_FACT_COLUMNS = tuple(DealReportFact.__table__.c)
# After the part: what its card-derived attributes were taken from (kept with it).
_OWN = (Opportunity.partner_id, *(func.nullif(Opportunity.attributes[a].as_string(), "") for a in ATTRIBUTES))
_PARTS_AND_OLD = (_PARTS.add_columns(*_OWN, *_FACT_COLUMNS)
                  .outerjoin(DealReportFact, DealReportFact.opportunity_id == Opportunity.id))
_PART_WIDTH = len(_PARTS.selected_columns)
_OWN_END = _PART_WIDTH + len(_OWN)


def parts(session: Session, opportunity_ids: Sequence[int]) -> list[dict]:
    """The deals' parts as DealReportFact rows, from the deals and their partner cards."""
    return [_part(row) for row in session.connection().execute(_PARTS, {"ids": list(opportunity_ids)})]


def _old_and_new_parts(session: Session, chunk: list[int], staged: dict) -> tuple[list[dict], list[dict]]:
    """(the parts stored, the parts now) of these deals; a deleted deal has only the
    first. The parts now are kept (``staged``) once the transaction commits."""
    # On the connection: the ORM's execute costs more Python than the read itself, and
    # the session was flushed by ``replace_marked`` (nothing noted waits for it).
    connection = session.connection()
    old, new = [], []
    for row in connection.execute(_PARTS_AND_OLD, {"ids": chunk}):
        part = _part(row[:_PART_WIDTH])
        new.append(part)
        # A deal attribute that is not a text is read as the database's text of it:
        # not taken in place (UNKNOWN), whatever the stored own value is.
        own = tuple(row[_PART_WIDTH + 1:_OWN_END])
        staged[part["opportunity_id"]] = _Kept(row[_PART_WIDTH], own, part)
        stored = row[_OWN_END:]
        if stored[0] is not None:
            old.append({column.name: value for column, value in zip(_FACT_COLUMNS, stored)})
    gone = sorted(set(chunk) - {row["opportunity_id"] for row in new})
    if gone:
        old += [dict(r._mapping) for r in connection.execute(_OLD_PARTS, {"ids": gone})]
        staged.update(dict.fromkeys(gone))
    return old, new


def _part(row) -> dict:
    (deal_id, owner, manager, team, status, currency, version, stage, segment, territory, industry, source,
     campaign, cents, probability, opened, closed) = row
    return dict(
        opportunity_id=deal_id, owner_id=owner, manager_id=int(manager), team_id=int(team), status=status,
        currency=currency, methodology_version_id=version, stage_id=stage, segment_id=segment,
        territory=territory, industry=industry, source=source, campaign=campaign, amount_cents=int(cents or 0),
        weighted_units=int(cents or 0) * int(probability), cycle_us=_cycle(status, opened, closed),
        closed_cycle_us=None if status == "open" else _cycle(status, opened, closed))


def _cycle(status: str, opened: datetime | None, closed: datetime | None) -> int:
    if status == "open" or opened is None or closed is None:
        return 0
    return (closed - opened) // US


def rebuild(session: Session, *, batch: int = 5000) -> int:
    """Every deal's part and the sums, anew, ``batch`` deals at a time; how many
    parts (bench/reports.py after its Core inserts)."""
    connection = session.connection()
    connection.execute(delete(DealReportTotal.__table__))
    connection.execute(delete(DealReportFact.__table__))
    last, count = 0, 0
    while True:
        ids = list(session.scalars(select(Opportunity.id).where(Opportunity.id > last)
                                   .order_by(Opportunity.id).limit(batch)))
        if not ids:
            break
        rows = parts(session, ids)
        if rows:
            connection.execute(insert(DealReportFact.__table__), rows)
        count += len(rows)
        last = ids[-1]
    sum_parts(session)
    return count


def sum_parts(session: Session) -> None:
    """Fill the sums from the parts on file (one grouped INSERT per kind)."""
    fact = DealReportFact
    scope = [getattr(fact, c) for c in SCOPE]
    sums = [func.count(), func.sum(fact.amount_cents), func.sum(fact.weighted_units), func.sum(fact.cycle_us)]
    kinds = {"stage": (cast(fact.methodology_version_id, DealReportTotal.k1.type), fact.stage_id, fact.segment_id),
             "source": (fact.source, fact.campaign, None),
             "territory": (fact.territory, None, None),
             "industry": (fact.industry, None, None)}
    connection = session.connection()
    for kind, (k1, k2, k3) in kinds.items():
        columns = [func.coalesce(k, "") if k is not None else _empty() for k in (k1, k2, k3)]
        group = [k for k in (k1, k2, k3) if k is not None]
        connection.execute(insert(DealReportTotal.__table__).from_select(
            list(KEY) + list(SUMMED),
            select(_text(kind), *columns, *scope, *sums).group_by(*group, *scope)))


def _text(value: str):
    return literal(value, DealReportTotal.kind.type)


def _empty():
    return literal("", DealReportTotal.k1.type)


# --- reading ---------------------------------------------------------------------------

def _in_scope(query, scope, table):
    return where_in_scope(query, scope, table.c.owner_id, table.c.manager_id, table.c.team_id)


def _none(value: str | None) -> str | None:
    return value or None


# grouping -> (kind, the key columns' readers); rep and team read the owner's name and the team's
READS = {
    "stage": ("stage", ("k1_int", "k2")),
    "methodology": ("stage", ("k1_int",)),
    "segment": ("stage", ("k3",)),
    "version_segment": ("stage", ("k1_int", "k3")),
    "rep": ("stage", ("rep",)),
    "team": ("stage", ("team",)),
    "source_campaign": ("source", ("k1_none", "k2_none")),
    "source": ("source", ("k1_none",)),
    "campaign": ("source", ("k2_none",)),
    "territory": ("territory", ("k1_none",)),
    "industry": ("industry", ("k1_none",)),
}


def totals(session: Session, scope, grouping: str) -> list[Total]:
    """What ``engine.store.pipeline_analysis.totals_from_deals`` gives for
    ``grouping`` (per key, status and currency), read from the kept sums."""
    table = DealReportTotal.__table__
    kind, readers = READS[grouping]
    columns, joins = [], []
    for reader in readers:
        if reader == "rep":
            columns.append(User.username)
            joins.append((User.__table__, User.id == table.c.owner_id, False))
        elif reader == "team":
            columns.append(Team.name)
            joins.append((Team.__table__, Team.id == table.c.team_id, True))
        elif reader == "k1_int":
            columns.append(table.c.k1)
        else:
            columns.append(table.c[reader[:2]])
    query = select(*columns, table.c.status, table.c.currency, func.sum(table.c.deals), func.sum(table.c.amount_cents),
                   func.sum(table.c.weighted_units), func.sum(table.c.cycle_us)).select_from(table)
    for joined, on, outer in joins:
        query = query.join(joined, on, isouter=outer)
    query = _in_scope(query.where(table.c.kind == kind), scope, table)
    query = query.group_by(*columns, table.c.status, table.c.currency).having(func.sum(table.c.deals) > 0)
    n = len(columns)
    result = []
    for row in session.execute(query):
        key = []
        for reader, value in zip(readers, row[:n]):
            if reader == "k1_int":
                key.append(int(value))
            elif reader.endswith("_none") or reader == "k3":
                key.append(_none(value))
            else:
                key.append(value)
        result.append(Total(tuple(key), row[n], row[n + 1], int(row[n + 2]),
                            (Decimal(int(row[n + 3] or 0)) / 100).quantize(CENT), Decimal(int(row[n + 4] or 0)) / 10000,
                            int(row[n + 5] or 0) / US_PER_DAY))
    return result


def cycle_medians(session: Session, scope) -> dict[tuple[int, str | None], float]:
    """The median days from opened to closed of the closed deals in scope, per
    (version, segment): the one or two middle cycles read in order from the index
    (count, then OFFSET), never every closed deal."""
    fact = DealReportFact
    closed = fact.closed_cycle_us.is_not(None)
    counted = _in_scope(select(fact.methodology_version_id, fact.segment_id, func.count())
                        .where(closed).group_by(fact.methodology_version_id, fact.segment_id),
                        scope, fact.__table__)
    result = {}
    for version_id, segment, n in session.execute(counted):
        query = _in_scope(select(fact.closed_cycle_us).where(fact.methodology_version_id == version_id,
                                                             fact.segment_id == segment, closed),
                          scope, fact.__table__)
        middle = list(session.scalars(query.order_by(fact.closed_cycle_us).offset((n - 1) // 2).limit(2 - n % 2)))
        result[(version_id, _none(segment))] = sum(middle) / len(middle) / US_PER_DAY
    return result


def kept(session: Session) -> dict[tuple, tuple[int, ...]]:
    """The sums as stored, rows of zero deals left out."""
    t = DealReportTotal.__table__
    return {tuple(r[k] for k in KEY): tuple(int(r[k]) for k in SUMMED)
            for r in (row._mapping for row in session.execute(select(t))) if r["deals"]}


def recount(session: Session) -> tuple[dict[tuple, tuple[int, ...]], dict[int, dict]]:
    """The sums and the parts computed anew from every deal (what ``kept`` and the
    stored parts must equal)."""
    ids = list(session.scalars(select(Opportunity.id).order_by(Opportunity.id)))
    fresh = [p for start in range(0, len(ids), CHUNK) for p in parts(session, ids[start:start + CHUNK])]
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for part in fresh:
        for key in keys_of(part):
            for i, value in enumerate((1, part["amount_cents"], part["weighted_units"], part["cycle_us"])):
                sums[key][i] += value
    return {k: tuple(v) for k, v in sums.items()}, {p["opportunity_id"]: p for p in fresh}


def stored_parts(session: Session) -> dict[int, dict]:
    t = DealReportFact.__table__
    return {r["opportunity_id"]: dict(r) for r in (row._mapping for row in session.execute(select(t)))}

