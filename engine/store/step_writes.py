"""Writing what a workflow step changed on a locked deal and its inbox rows with Core
UPDATEs instead of the ORM's flush.

The step changes one deal (its state, stage, next action, …) and a few of the rows
it read with the lock (the completed task, withdrawn ones). The ORM's flush of those
two or three objects costs more than the statements it sends: the unit of work's
sorting and bookkeeping around each. Here each object's changed columns
(those set since it was loaded: its ``committed_state``) go out in one UPDATE per
table and set of columns (on PostgreSQL the rows' UPDATEs ride in the deal's as
CTEs: one statement and one round trip), and the objects are then marked as
written, so the ORM has nothing left to flush for them.

The deal's UPDATE checks and moves its version counter exactly as the ORM's does
(``WHERE row_version = :old``, ``row_version + 1``): a step that finds another
transaction moved it first raises ``RowsChangedError``, which the unit of work runs
again, as it does the ORM's own error. Objects this module does not know (a new deal,
new rows, anything else the use case changed) are left to the ORM's flush, which
follows."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import bindparam, exists, inspect, select, update
from sqlalchemy.orm import Session

from engine.store import deal_totals
from engine.store.db import RowsChangedError
from engine.store.models import InboxTask, Opportunity

_DEAL = Opportunity.__table__
_TASKS = InboxTask.__table__
_DEAL_COLUMNS = frozenset(c.key for c in inspect(Opportunity).column_attrs) - {"id", "row_version"}
_TASK_COLUMNS = frozenset(c.key for c in inspect(InboxTask).column_attrs) - {"id"}
_PART_COLUMNS = frozenset(deal_totals.PART_COLUMNS)
# Statements by the columns they set: built once each (a step sets a few shapes of them).
_STATEMENTS: dict[tuple, object] = {}


def write_step(session: Session, deal: Opportunity, rows: Iterable[InboxTask]) -> None:
    """UPDATE ``deal`` (version-checked) and those of ``rows`` that changed, then
    flush whatever else the session holds (new rows, other objects)."""
    state = inspect(deal)
    persistent = state.key is not None and not state.deleted
    deal_changed = _changed(state, _DEAL_COLUMNS) if persistent else ()
    row_states = [s for s in map(inspect, rows) if s.key is not None and not s.deleted]  # new ones: the flush's
    tasks = [(changed, s.dict) for s in row_states if (changed := _changed(s, _TASK_COLUMNS))]
    connection = session.connection() if deal_changed or tasks else None
    if deal_changed and _PART_COLUMNS.intersection(deal_changed):
        deal_totals.mark_deal(session, deal)  # its part in the kept report totals (the ORM's flush does not see it)
    if deal_changed and tasks and len(tasks) <= _TOGETHER and connection.dialect.name == "postgresql":
        _write_together(connection, deal, state.dict, deal_changed, tasks)
    else:
        if deal_changed:
            _write_deal(connection, deal, state.dict, deal_changed)
        if tasks:
            _write_rows(connection, tasks)
    if persistent:
        _written(session, state)
    for row_state in row_states:
        _written(session, row_state)
    session.flush()  # what is left: nothing, unless the use case added or changed other objects


# On PostgreSQL up to this many changed rows ride in the deal's UPDATE, as data-modifying
# CTEs (one statement, one round trip instead of two: a step changes one or two rows).
_TOGETHER = 3


def _deal_statement(changed: tuple[str, ...]):
    return (update(_DEAL).where(_DEAL.c.id == bindparam("_id"), _DEAL.c.row_version == bindparam("_old"))
            .values({c: bindparam("d_" + c, type_=_DEAL.c[c].type) for c in (*changed, "row_version")}))


def _deal_params(deal: Opportunity, values: dict, changed: tuple[str, ...]) -> dict:
    old = values["row_version"]
    # Named apart from every column: a parameter named as a column of a table in a CTE's
    # UPDATE would be taken as a value of that UPDATE too.
    params = {"d_" + c: values[c] for c in changed}
    params.update(_id=deal.id, _old=old, d_row_version=old + 1)
    return params


def _write_deal(connection, deal: Opportunity, values: dict, changed: tuple[str, ...]) -> None:
    key = ("deal", changed)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = _deal_statement(changed)
    _check_deal(connection.execute(statement, _deal_params(deal, values, changed)).rowcount, deal, values)


def _check_deal(rowcount: int, deal: Opportunity, values: dict) -> None:
    if rowcount != 1:
        raise RowsChangedError(f"opportunity {deal.id} changed (version {values['row_version']}) while this step ran")
    values["row_version"] += 1


def _task_statement(changed: tuple[str, ...], prefix: str = ""):
    return (update(_TASKS).where(_TASKS.c.id == bindparam(prefix + "_id"))
            .values({c: bindparam(prefix + c, type_=_TASKS.c[c].type) for c in changed}))


def _write_rows(connection, tasks: list[tuple[tuple[str, ...], dict]]) -> None:
    shapes: dict[tuple, list[dict]] = {}
    for changed, values in tasks:
        shapes.setdefault(changed, []).append({"_id": values["id"], **{c: values[c] for c in changed}})
    for changed, params in shapes.items():
        key = ("task", changed)
        statement = _STATEMENTS.get(key)
        if statement is None:
            statement = _STATEMENTS[key] = _task_statement(changed)
        result = connection.execute(statement, params[0] if len(params) == 1 else params)
        if (len(params) == 1 or connection.dialect.supports_sane_multi_rowcount) and result.rowcount != len(params):
            raise RowsChangedError(f"{len(params) - result.rowcount} inbox rows were deleted while this step ran")


def _write_together(connection, deal: Opportunity, values: dict, changed: tuple[str, ...],
                    tasks: list[tuple[tuple[str, ...], dict]]) -> None:
    """The deal's UPDATE with each row's UPDATE in a CTE; the deal's row matches only if
    every row's did too, so one row count says whether all were written."""
    key = ("together", changed, tuple(c for c, _ in tasks))
    statement = _STATEMENTS.get(key)
    if statement is None:
        moved = [_task_statement(c, f"t{i}").returning(_TASKS.c.id).cte(f"t{i}") for i, (c, _) in enumerate(tasks)]
        statement = _STATEMENTS[key] = _deal_statement(changed).where(*(exists(select(m.c.id)) for m in moved))
    params = _deal_params(deal, values, changed)
    for i, (columns, row) in enumerate(tasks):
        params[f"t{i}_id"] = row["id"]
        params.update((f"t{i}{c}", row[c]) for c in columns)
    _check_deal(connection.execute(statement, params).rowcount, deal, values)


def _changed(state, columns: frozenset[str]) -> tuple[str, ...]:
    """The columns whose values differ from those loaded, as the ORM's flush decides it
    (a column set to the value it had is not written: a JSON column's None would be
    written as JSON 'null', not SQL NULL)."""
    values, committed, manager = state.dict, state.committed_state, state.manager
    return tuple(sorted(c for c in columns & committed.keys()
                        if c in values and manager[c].impl.is_equal(values[c], committed[c]) is not True))


def _written(session: Session, state) -> None:
    # What the ORM does to an object it has just flushed: its current values become
    # its committed ones, and it is no longer among the session's modified objects.
    state._commit_all(state.dict, session.identity_map)
