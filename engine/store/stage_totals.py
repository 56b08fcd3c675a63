"""The kept stage figures of the pipeline analysis (``analysis_models``
DealStageFact and StageHistoryTotal): each deal's part, replaced whenever the deal's
history, version, owner, manager or team changes, and the sums the reports read.

Writers do not compute anything: they ``mark`` the deals they changed (a stage
change, a swap's moves, a hand-over, a reassignment, a version upgrade), and the
unit of work replaces the marked deals' parts in the same transaction, just before
it commits (``engine.service.stage_totals``). Replacing a part subtracts the old one
from the sums and adds the new one, so it is right however often it runs.

A step's stage move is marked with the move itself (``mark_move``). The part a
transaction wrote is kept in the process once it commits, with the deal row's
``row_version``; when the deal's next step in this process finds the row as it was
then, the kept part is moved on by the step's moves (``engine.rules.stage_facts.
facts_after``) without reading anything. Any other mark, a deal not kept or written
by another transaction since, and moves a rolled-back savepoint may have taken,
recompute the part from the deal's whole history (which is read for it)."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

from datetime import datetime

from sqlalchemy import (Connection, Integer, bindparam, delete, func, insert, inspect, literal_column, null,
                        select, type_coerce, union_all)
from sqlalchemy.orm import Session

from engine.methodology import build
from engine.methodology.yaml_source import read_yaml
from engine.rules.stage_facts import Fact, Move, facts, facts_after
from engine.store import events, upserts
from engine.store.kept_parts import KeptParts
from engine.store.analysis_models import DealStageFact, StageHistoryTotal
from engine.store.models import MethodologyVersion, Opportunity, StageChange
from engine.store.versions import version_files

MARKED = "dealflow.stage_totals.marked"  # the session.info key of the deals to replace
CHUNK = 2000
SUMMED = ("reached", "stays", "stay_us", "advanced")
KEY = ("owner_id", "manager_id", "team_id", "segment_id", "methodology_version_id", "stage_id")
Positions = Callable[[int], Mapping[tuple[int, str], tuple[int, str]]]


MOVED = "dealflow.stage_totals.moved"  # session.info: deal id -> _Noted, its stage moves noted by ``mark_move``
WHOLE = "dealflow.stage_totals.whole"  # session.info: deals whose part is recomputed from their whole history
STAGED = "dealflow.stage_totals.staged"  # session.info: deal id -> _Kept (None: forget) once this commits
KEPT_DEALS = 10_000  # the parts kept per database in a process (the oldest are dropped)


class _Kept(NamedTuple):
    """A deal's part as this process last committed it, with what identifies the deal
    row it was made from: its ``row_version`` (every writer of the deal moves it) and
    keys, and the deal's newest move (the stay still open)."""

    row_version: int
    keys: tuple  # (version, owner, manager or 0, team or 0, segment)
    last: Move
    parts: dict[tuple, tuple]  # part key -> ``_fact_tuple``


class _Noted(NamedTuple):
    """A deal's moves in this transaction, with the deal as loaded before the first."""

    deal: Opportunity  # held here: the session's identity map holds it weakly
    row_version: int | None
    keys: tuple
    previous: tuple  # (stage, entered at) before the first move
    moves: list[Move]


# The parts kept, per database (its SQLAlchemy engine): deal id -> _Kept.
_KEPT: KeptParts[_Kept] = KeptParts(KEPT_DEALS, staged=STAGED, noted=MOVED, whole=WHOLE)


def mark(session: Session, opportunity_ids: Iterable[int]) -> None:
    """The deals whose part must be replaced, from their whole history, before this
    transaction commits (their version, owner, manager, team or segment may have
    changed, or history rows other than ``mark_move``'s)."""
    ids = set(opportunity_ids)
    session.info.setdefault(MARKED, set()).update(ids)
    session.info.setdefault(WHOLE, set()).update(ids)


def mark_move(session: Session, opportunity: Opportunity, previous: str | None, at: datetime) -> None:
    """The deal (loaded) moved from stage ``previous`` into its current stage at
    ``at``, and its history gains that row, its newest: its part is moved on by it
    before this transaction commits."""
    session.info.setdefault(MARKED, set()).add(opportunity.id)
    moved = session.info.setdefault(MOVED, {})
    noted = moved.get(opportunity.id)
    if noted is None:
        state = inspect(opportunity)
        entered = state.attrs.stage_entered_at.history  # change_stage set it to ``at`` already
        noted = moved[opportunity.id] = _Noted(
            opportunity, state.dict.get("row_version"), _keys(opportunity),
            (previous, entered.deleted[0] if entered.deleted else opportunity.stage_entered_at), [])
    noted.moves.append(Move(opportunity.methodology_version_id, opportunity.stage_id, at))


def _keys(opportunity: Opportunity) -> tuple:
    return (opportunity.methodology_version_id, opportunity.owner_id, opportunity.manager_id or 0,
            opportunity.team_id or 0, opportunity.segment_id)


def take_marked(session: Session) -> tuple[list[int], dict[int, _Noted]]:
    """(the marked deals, the noted moves of those marked by ``mark_move`` alone)."""
    whole = session.info.pop(WHOLE, set())
    moved = session.info.pop(MOVED, {})
    return sorted(session.info.pop(MARKED, ())), {i: m for i, m in moved.items() if i not in whole}


def replace(session: Session, opportunity_ids: Sequence[int], positions_of: Positions,
            moved: Mapping[int, _Noted] | None = None) -> None:
    """Replace these deals' parts and move the sums by the difference (in key order,
    so that two transactions lock shared rows in one order): a deal of ``moved``
    whose part this process kept from its last commit, and whose row nobody changed
    since, has that part moved on by its noted moves, without a read; the others'
    parts are recomputed from their history and current row."""
    session.flush()
    events.write_pending(session)  # the history rows (within the unit of work's ``pipelined``, read or not)
    moved = moved or {}
    staged = session.info.setdefault(STAGED, {})
    for start in range(0, len(opportunity_ids), CHUNK):
        chunk = list(opportunity_ids[start:start + CHUNK])
        stored, fresh, whole = _moved_on(session, [i for i in chunk if i in moved], moved, positions_of, staged)
        whole = sorted(whole + [i for i in chunk if i not in moved])
        if whole:
            old, moves = _old_parts_and_moves(session, whole)
            stored.update(old)
            fresh_rows = _parts_of(moves, positions_of, _fact_tuple)
            fresh.update((_part_key_of(row), row) for row in fresh_rows)
            _stage(staged, whole, moves, fresh_rows, moved)
        # Only the parts that differ count and are written: a step adds the new stage's
        # part and changes the left one's; the rest of the deal's history stays as stored.
        for part_key in [k for k, row in fresh.items() if stored.get(k) == row]:
            del stored[part_key], fresh[part_key]
        delta: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for parts, sign in ((stored, -1), (fresh, 1)):
            for row in parts.values():
                sums = delta[row[3:9]]
                sums[0] += sign
                sums[1] += sign * row[9]
                sums[2] += sign * row[10]
                sums[3] += sign * row[11]
        connection = session.connection()
        for part_key in sorted(stored.keys() - fresh.keys()):
            connection.execute(_DELETE_PART, dict(zip(PART_KEY, part_key)))
        if fresh:
            connection.execute(upserts.upsert(session, DealStageFact.__table__, PART_KEY),
                               [dict(zip(_TUPLE_NAMES, row)) for row in fresh.values()])
        changed = [dict(zip(KEY, key), **dict(zip(SUMMED, sums))) for key, sums in sorted(delta.items())
                   if any(sums)]
        if changed:
            connection.execute(upserts.upsert(session, StageHistoryTotal.__table__, KEY, add=SUMMED), changed)


PART_KEY = ("opportunity_id", "methodology_version_id", "stage_id")
_DELETE_PART = delete(DealStageFact.__table__).where(*(DealStageFact.__table__.c[k] == bindparam(k) for k in PART_KEY))


# A part as a tuple (cheaper to build and compare than a dict, a step compares a
# deal's whole history of them): the part's key (opportunity, version, stage), the
# sums' key (``KEY``), then the figures (stays, stay_us, advanced).
_TUPLE_NAMES = (*PART_KEY, *KEY, "stays", "stay_us", "advanced")


def _part_key_of(row: tuple) -> tuple:
    return row[:3]


# Each move with its deal's keys (read with the moves: a deal without any has no part).
_MOVES = (select(StageChange.opportunity_id,
                 func.coalesce(StageChange.methodology_version_id, Opportunity.methodology_version_id),
                 StageChange.to_stage, StageChange.changed_at, Opportunity.owner_id, Opportunity.manager_id,
                 Opportunity.team_id, Opportunity.segment_id)
          .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
          .where(StageChange.opportunity_id.in_(bindparam("ids", expanding=True)))
          .order_by(StageChange.opportunity_id, StageChange.id))


# The stored parts and the moves (``_MOVES``) in one read, one round trip: the parts'
# rows first (``source`` 0), then the moves in order. A column one side lacks is NULL.
_FACT = DealStageFact.__table__.c
_PARTS_THEN_MOVES = union_all(
    select(literal_column("0", Integer).label("source"), *(_FACT[c] for c in ("opportunity_id", "methodology_version_id", "stage_id")),
           type_coerce(null(), StageChange.changed_at.type).label("changed_at"),
           *(_FACT[c] for c in ("owner_id", "manager_id", "team_id", "segment_id", "stays", "stay_us", "advanced")),
           literal_column("0", Integer).label("seq"))
    .where(_FACT.opportunity_id.in_(bindparam("ids", expanding=True))),
    _MOVES.with_only_columns(literal_column("1", Integer), *_MOVES.selected_columns, null(), null(), null(), StageChange.id)
    .order_by(None))
_PARTS_THEN_MOVES = _PARTS_THEN_MOVES.order_by(*(_PARTS_THEN_MOVES.selected_columns[c]
                                                 for c in ("source", "opportunity_id", "seq")))


def _old_parts_and_moves(session: Session, chunk: list[int]) -> tuple[dict[tuple, tuple], list[tuple]]:
    """(the deals' parts as stored, as tuples by their part key; their moves as
    ``_MOVES`` reads them)."""
    # On the connection (the ORM's execute costs more Python than the read), once the
    # history rows noted in the session are written: the moves include this step's.
    events.write_pending(session)
    old, moves = {}, []
    for source, deal_id, version_id, stage_id, at, owner, manager, team, segment, stays, stay_us, advanced, _ \
            in session.connection().execute(_PARTS_THEN_MOVES, {"ids": chunk}):
        if source == 0:
            old[(deal_id, version_id, stage_id)] = (deal_id, version_id, stage_id, owner, manager, team, segment,
                                                    version_id, stage_id, stays, stay_us, advanced)
        else:
            moves.append((deal_id, version_id, stage_id, at, owner, manager, team, segment))
    return old, moves


def _moved_on(session: Session, chunk: list[int], moved: Mapping[int, _Noted], positions_of: Positions,
              staged: dict) -> tuple[dict[tuple, tuple], dict[tuple, tuple], list[int]]:
    """(the kept parts, the new parts — each kept part moved on by the deal's noted
    moves —, the deals whose part must be recomputed from their whole history: none
    kept, or not safely — see ``_moved_part``)."""
    kept = _KEPT.of(session.get_bind())
    old, fresh, whole = {}, {}, []
    for deal_id in chunk:
        entry, noted = kept.get(deal_id), moved[deal_id]
        deal = noted.deal
        parts = None if entry is None else _moved_part(entry, noted, deal, positions_of)
        if parts is None:
            whole.append(deal_id)
            continue
        old.update(entry.parts)
        new = {_part_key_of(row): row for row in parts}
        fresh.update(new)
        staged[deal_id] = _Kept(deal.__dict__["row_version"], entry.keys, noted.moves[-1], new)
    return old, fresh, whole


def _moved_part(entry: _Kept, noted: _Noted, deal: Opportunity, positions_of: Positions) -> list[tuple] | None:
    """The deal's new part (``_fact_tuple``s) from the part kept, or None where that
    part may not be the deal's as stored now, so its whole history is read instead:
    the deal row was written by another transaction since (its ``row_version``), its
    version, owner, manager, team or segment is not the one kept (changed since, or in
    this transaction), or the stay the kept part leaves open is not the one the deal
    left (its stage and since when). Noted moves a rolled-back savepoint took are
    never here (``_rolled_back``)."""
    state = deal.__dict__
    if ("row_version" not in state or noted.row_version != entry.row_version or noted.keys != entry.keys
            or any(c not in state for c in _KEY_COLUMNS) or _keys(deal) != entry.keys
            or noted.previous != (entry.last.stage_id, entry.last.at)):
        return None
    positions: dict[tuple[int, str], tuple[int, str]] = {}
    for version_id in {key[1] for key in entry.parts} | {m.version_id for m in noted.moves}:
        positions.update(positions_of(version_id))
    before = [Fact(row[1], row[2], row[9], row[10], bool(row[11])) for row in entry.parts.values()]
    after = facts_after(before, entry.last, noted.moves, positions)
    owner = _Deal(deal.id, *entry.keys[1:])
    return None if after is None else [_fact_tuple(owner, fact) for fact in after]


_KEY_COLUMNS = ("methodology_version_id", "owner_id", "manager_id", "team_id", "segment_id")


def _stage(staged: dict, ids: list[int], moves: list[tuple], rows: list[tuple], moved: Mapping[int, _Noted]) -> None:
    """Keep the recomputed parts of these deals once this transaction commits, with
    their rows' ``row_version`` after it (deals not moved by a step here, whose rows
    this transaction may not have loaded, are forgotten)."""
    last = {move[0]: move for move in moves}  # the moves come oldest first
    parts: dict[int, dict[tuple, tuple]] = defaultdict(dict)
    for row in rows:
        parts[row[0]][_part_key_of(row)] = row
    for deal_id in ids:
        state = moved[deal_id].deal.__dict__ if deal_id in moved else {}
        move = last.get(deal_id)
        if move is None or "row_version" not in state or any(c not in state for c in _KEY_COLUMNS):
            staged[deal_id] = None
            continue
        _, version_id, stage_id, at, owner, manager, team, segment = move
        staged[deal_id] = _Kept(state["row_version"], (state["methodology_version_id"], owner, manager or 0,
                                                        team or 0, segment), Move(version_id, stage_id, at),
                                parts[deal_id])


def _parts(session: Session, chunk: list[int], positions_of: Positions) -> list[dict]:
    """The deals' parts as DealStageFact rows."""
    events.write_pending(session)
    return _parts_of(session.connection().execute(_MOVES, {"ids": chunk}), positions_of)


def _parts_of(moves_read, positions_of: Positions, row: Callable[[_Deal, Fact], object] = None) -> list:
    """The parts as DealStageFact rows (or as ``row`` makes them) from the deals'
    moves (rows of ``_MOVES``)."""
    row = row or _row
    deals: dict[int, _Deal] = {}
    moves: dict[int, list[Move]] = defaultdict(list)
    for deal_id, version_id, stage_id, at, *keys in moves_read:
        moves[deal_id].append(Move(version_id, stage_id, at))
        deals[deal_id] = _Deal(deal_id, *keys)
    positions: dict[tuple[int, str], tuple[int, str]] = {}
    for version_id in {m.version_id for its in moves.values() for m in its}:
        positions.update(positions_of(version_id))
    rows = []
    for deal_id, its in moves.items():
        deal = deals[deal_id]
        for fact in facts(its, positions):
            rows.append(row(deal, fact))
    return rows


class _Deal(NamedTuple):
    id: int
    owner_id: int
    manager_id: int | None
    team_id: int | None
    segment_id: str


def _row(deal: _Deal, fact: Fact) -> dict:
    return dict(opportunity_id=deal.id, methodology_version_id=fact.version_id, stage_id=fact.stage_id,
                owner_id=deal.owner_id, manager_id=deal.manager_id or 0, team_id=deal.team_id or 0,
                segment_id=deal.segment_id, stays=fact.stays, stay_us=fact.stay_us, advanced=int(fact.advanced))


def _fact_tuple(deal: _Deal, fact: Fact) -> tuple:
    """``_row`` as a tuple in ``_TUPLE_NAMES``' order."""
    return (deal.id, fact.version_id, fact.stage_id, deal.owner_id, deal.manager_id or 0, deal.team_id or 0,
            deal.segment_id, fact.version_id, fact.stage_id, fact.stays, fact.stay_us, int(fact.advanced))


def rebuild_on(connection: Connection) -> int:
    """``rebuild`` over ``connection`` (in its transaction), with the stage tables
    stored with each version (the migration that adds the tables, bench/reports.py
    after its Core inserts); how many parts."""
    with Session(bind=connection) as session:
        return rebuild(session, stored_positions(session))


def stored_positions(session: Session) -> Positions:
    """(version id, stage id) -> (position, outcome) read from the stage table
    stored with the version (the catalog's parse, without the rest of the
    methodology the catalog checks and builds)."""
    def of(version_id: int) -> dict[tuple[int, str], tuple[int, str]]:
        methodology_id = session.scalar(select(MethodologyVersion.methodology_id)
                                        .where(MethodologyVersion.id == version_id))
        for path, text in sorted(version_files(session, version_id).items()):
            if not path.endswith((".yaml", ".yml")):
                continue
            doc, _ = read_yaml(path, text)
            if (doc is None or not isinstance(doc.data, dict) or doc.data.get("methodology") != methodology_id
                    or "stages" not in doc.data):  # the stage table, not a questionnaire of the methodology
                continue
            stages, _ = build.stage_table(doc)
            return {(version_id, s.id): (s.position, s.outcome) for s in stages}
        return {}
    return of


def rebuild(session: Session, positions_of: Positions, *, batch: int = 5000) -> int:
    """Every deal's part and the sums, anew, ``batch`` deals at a time; how many
    parts."""
    connection = session.connection()
    connection.execute(delete(StageHistoryTotal.__table__))
    connection.execute(delete(DealStageFact.__table__))
    last, parts = 0, 0
    while True:
        ids = list(session.scalars(select(Opportunity.id).where(Opportunity.id > last)
                                   .order_by(Opportunity.id).limit(batch)))
        if not ids:
            break
        rows = _parts(session, ids, positions_of)
        if rows:
            connection.execute(insert(DealStageFact.__table__), rows)
        parts += len(rows)
        last = ids[-1]
    fact = DealStageFact
    keys = [getattr(fact, k) for k in KEY]
    connection.execute(insert(StageHistoryTotal.__table__).from_select(
        [*KEY, *SUMMED], select(*keys, func.count(), func.sum(fact.stays), func.sum(fact.stay_us),
                                func.sum(fact.advanced)).group_by(*keys)))
    return parts


def kept(session) -> dict[tuple, tuple[int, ...]]:
    """The sums as stored, rows of zero deals left out (tests compare them with
    ``summed_parts`` and the reports with a recomputation from the history)."""
    t = StageHistoryTotal.__table__
    return {tuple(r[k] for k in KEY): tuple(r[k] for k in SUMMED)
            for r in (row._mapping for row in session.execute(select(t))) if r["reached"]}


def summed_parts(session) -> dict[tuple, tuple[int, ...]]:
    fact = DealStageFact
    keys = [getattr(fact, k) for k in KEY]
    return {tuple(row[:6]): tuple(int(v) for v in row[6:]) for row in session.execute(
        select(*keys, func.count(), func.sum(fact.stays), func.sum(fact.stay_us), func.sum(fact.advanced))
        .group_by(*keys))}
