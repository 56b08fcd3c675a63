"""Many open deals, fast, for the benchmarks that need deals a use case can work on
(bench/load.py, bench/timers.py).

A deal is opened and walked through the façade (``Engine.create_opportunity``,
``Engine.complete_task``, the demo's answers); after each step its rows — the
opportunity and every row of every table with an ``opportunity_id`` column (tasks,
stage history, events, message waits, ...) — are read back as a *template*. A clone
is a template's rows written again with Core inserts under a new opportunity id,
with every UUID in them (the workflow's task ids, which are the inbox rows' ids, in
the state JSON, the task rows and the events) replaced by a fresh one, consistently
within the clone, and with the template owner's id replaced by the clone's owner
wherever a column refers to a user. So each clone holds the rows the use cases
would have written for it (its timestamps are the template's), and the next step
runs on it as on the template. The kept report figures (``deal_report_facts`` and
``deal_stage_facts`` with their sums) are not copied but rebuilt from the deals
afterwards, by the store's own rebuilds, as a deployment upgraded to them has them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Iterable, Iterator

from sqlalchemy import Table, create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from engine.demo import ANSWERS, WALKS
from engine.store import deal_totals, stage_totals
from engine.store.schema import metadata

# The demo's northern wholesaler: the seed-002 funnel, 13 of its 14 steps the owner's.
WALK = next(w for w in WALKS if w.attributes.get("channel") == "wholesale" and w.attributes.get("territory") == "PL-PM")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DERIVED = ("deal_report_facts", "deal_stage_facts")  # rebuilt from the deals, never copied


@dataclass(frozen=True)
class Template:
    """A deal's rows as the use cases left them: table name -> rows (opportunities: one)."""

    owner_id: int
    rows: dict[str, list[dict]]


def deal_tables() -> list[Table]:
    """The opportunities table, then every table with a column ``opportunity_id``,
    in the order foreign keys allow inserting them."""
    tables = [t for t in metadata.sorted_tables
              if t.name == "opportunities" or ("opportunity_id" in t.c and t.name not in DERIVED)]
    return tables


def snapshot(connection, opportunity_id: int) -> Template:
    rows: dict[str, list[dict]] = {}
    for table in deal_tables():
        key = table.c.id if table.name == "opportunities" else table.c.opportunity_id
        found = [dict(r) for r in connection.execute(select(table).where(key == opportunity_id)).mappings()]
        if found:
            rows[table.name] = found
    return Template(rows["opportunities"][0]["owner_id"], rows)


def _user_columns(table: Table) -> set[str]:
    return {c.name for c in table.c if any(fk.column.table.name == "users" for fk in c.foreign_keys)}


def _integer_id(table: Table) -> bool:
    return "id" in table.c and table.c.id.primary_key and table.c.id.type.python_type is int


def walked_templates(engine) -> tuple[list[Template], str]:
    """The WALK deal walked to won through the façade; its rows after each step whose
    next step is the owner's; and its team's name."""
    deal = engine.create_opportunity(title=WALK.title, amount=WALK.amount, currency="PLN", partner=WALK.partner,
                                     attributes=WALK.attributes, actor="manager")
    if deal.methodology_id != "seed002-funnel":
        raise SystemExit(f"the walk follows {deal.methodology_id}, not seed002-funnel")
    database = create_engine(engine.url)
    found = []
    with database.connect() as connection:
        team = connection.execute(text("SELECT t.name FROM teams t JOIN opportunities o ON o.team_id = t.id "
                                       "WHERE o.id = :id"), {"id": deal.id}).scalar_one()
    while deal.open_tasks:
        steps = [t for t in deal.open_tasks if t.kind == "workflow"]
        if steps and all(t.assignee == deal.owner for t in steps):
            with database.connect() as connection:
                found.append(snapshot(connection, deal.id))
        task = steps[0]
        deal = engine.complete_task(task.id, actor=task.assignee or "manager", data=dict(ANSWERS.get(task.node_id, {})))
    database.dispose()
    if deal.status != "won":
        raise SystemExit(f"the template walk ended {deal.status}, not won")
    return found, team


class Cloner:
    """Writes clones of templates, ``batch`` deals per transaction."""

    def __init__(self, url: str, batch: int = 500):
        self.database = create_engine(url)
        self.batch = batch
        self.tables = deal_tables()
        self.users = {t.name: _user_columns(t) for t in self.tables}
        self.drop_id = {t.name for t in self.tables if t.name != "opportunities" and _integer_id(t)}

    def clone(self, plan: Iterable[tuple[Template, int, str]]) -> Iterator[int]:
        """Clone (template, owner id, title) after (template, owner id, title); yields
        the number written after each batch."""
        with self.database.connect() as connection:
            next_id = (connection.execute(select(func.max(self.table("opportunities").c.id))).scalar() or 0) + 1
        written, pending = 0, {t.name: [] for t in self.tables}
        for template, owner_id, title in plan:
            self._add(pending, template, next_id + written, owner_id, title)
            written += 1
            if written % self.batch == 0:
                self._flush(pending)
                yield written
        self._flush(pending)
        if self.database.dialect.name == "postgresql":
            with self.database.begin() as connection:
                # the ids were chosen here: move the sequence past them
                connection.execute(text("SELECT setval(pg_get_serial_sequence('opportunities', 'id'), "
                                        "(SELECT max(id) FROM opportunities))"))
        yield written

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def _add(self, pending: dict, template: Template, opportunity_id: int, owner_id: int, title: str) -> None:
        fresh: dict[str, str] = {}

        def renew(value):
            if isinstance(value, str):
                return UUID_TEXT.sub(lambda m: fresh.setdefault(m.group(0), str(uuid.uuid4())), value)
            if isinstance(value, dict):
                return {renew(k): renew(v) for k, v in value.items()}
            if isinstance(value, list):
                return [renew(v) for v in value]
            return value

        for name, rows in template.rows.items():
            users = self.users[name]
            for row in rows:
                copy = {}
                for column, value in row.items():
                    if column in users and value == template.owner_id:
                        copy[column] = owner_id
                    elif column == "opportunity_id":
                        copy[column] = opportunity_id
                    elif column == "id" and name in self.drop_id:
                        continue
                    else:
                        copy[column] = renew(value)
                if name == "opportunities":
                    copy.update(id=opportunity_id, title=title)
                pending[name].append(copy)

    def _flush(self, pending: dict) -> None:
        with self.database.begin() as connection:
            for table in self.tables:
                if pending[table.name]:
                    write(connection, table, pending[table.name])
                    pending[table.name] = []

    def finish(self) -> None:
        """The kept report figures rebuilt from the deals; fresh statistics."""
        with self.database.begin() as connection:
            stage_totals.rebuild_on(connection)
        with self.database.begin() as connection, Session(bind=connection) as session:
            deal_totals.rebuild(session)
        if self.database.dialect.name == "postgresql":
            with self.database.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        self.database.dispose()


def write(connection, table: Table, rows: list[dict]) -> None:
    """Core INSERT; on PostgreSQL COPY, each value through its column's type as an
    INSERT would bind it (SQLAlchemy's multi-row INSERT text made psycopg parse ~40
    rows a deal: 10,000 deals took minutes)."""
    dialect = connection.dialect
    if dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([process(row[name]) if process else row[name]
                                for name, process in zip(names, processors)])
    finally:
        cursor.close()
