"""Writing what a workflow step changed on a locked deal and its inbox rows with Core
UPDATEs instead of the ORM's flush.

The step changes one deal (its state, stage, next action, …) and a few of the rows
it read with the lock (the completed task, withdrawn ones). The ORM's flush of those
two or three objects costs more than the statements it sends: the unit of work's
sorting and bookkeeping around each. Here each object's changed columns
(those set since it was loaded: its ``committed_state``) go out in one UPDATE per
table and set of columns, and the objects are then marked as written, so the ORM
has nothing left to flush for them.

The deal's UPDATE checks and moves its version counter exactly as the ORM's does
(``WHERE row_version = :old``, ``row_version + 1``): a step that finds another
transaction moved it first raises ``RowsChangedError``, which the unit of work runs
again, as it does the ORM's own error. Objects this module does not know (a new deal,
new rows, anything else the use case changed) are left to the ORM's flush, which
follows."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import and_, bindparam, inspect, update
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
    if state.key is not None and not state.deleted:
        _write_deal(session, deal, state)
    _write_rows(session, rows)
    session.flush()  # what is left: nothing, unless the use case added or changed other objects


def _write_deal(session: Session, deal: Opportunity, state) -> None:
    values = state.dict
    changed = _changed(state, _DEAL_COLUMNS)
    if not changed:
        _written(session, state)  # set to what they were: nothing to write, as the ORM would find
        return
    if _PART_COLUMNS.intersection(changed):
        deal_totals.mark(session, [deal.id])  # its part in the kept report totals (the ORM's flush notes it)
    old = values["row_version"]
    params = {c: values[c] for c in changed}
    params.update(_id=deal.id, _old=old, row_version=old + 1)
    key = ("deal", *changed)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = (
            update(_DEAL).where(and_(_DEAL.c.id == bindparam("_id"), _DEAL.c.row_version == bindparam("_old")))
            .values({c: bindparam(c, type_=_DEAL.c[c].type) for c in (*changed, "row_version")}))
    if session.connection().execute(statement, params).rowcount != 1:
        raise RowsChangedError(f"opportunity {deal.id} changed (version {old}) while this step ran")
    values["row_version"] = old + 1
    _written(session, state)


def _write_rows(session: Session, rows: Iterable[InboxTask]) -> None:
    shapes: dict[tuple, list[dict]] = {}
    states = []
    for row in rows:
        state = inspect(row)
        if state.key is None or state.deleted:
            continue  # a new row: the ORM's flush inserts it
        values = state.dict
        changed = _changed(state, _TASK_COLUMNS)
        states.append(state)
        if not changed:
            continue
        shapes.setdefault(changed, []).append({"_id": values["id"], **{c: values[c] for c in changed}})
    connection = session.connection() if shapes else None
    for changed, params in shapes.items():
        key = ("task", *changed)
        statement = _STATEMENTS.get(key)
        if statement is None:
            statement = _STATEMENTS[key] = (update(_TASKS).where(_TASKS.c.id == bindparam("_id"))
                                            .values({c: bindparam(c, type_=_TASKS.c[c].type) for c in changed}))
        result = connection.execute(statement, params[0] if len(params) == 1 else params)
        if (len(params) == 1 or connection.dialect.supports_sane_multi_rowcount) and result.rowcount != len(params):
            raise RowsChangedError(f"{len(params) - result.rowcount} inbox rows were deleted while this step ran")
    for state in states:
        _written(session, state)


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
