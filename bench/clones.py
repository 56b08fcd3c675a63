"""Many open deals, fast, for the benchmarks that need deals a use case can work on
(bench/load.py, bench/timers.py).

A deal is opened and walked through the façade (``Engine.create_opportunity``,
``Engine.complete_task``, the demo's answers); after each step its rows — the
opportunity and every row of every table with an ``opportunity_id`` column (tasks,
stage history, events, message waits, ...) — are read back as a *template*. A clone
is a template's rows written again (one COPY per table and batch on PostgreSQL) under
a new opportunity id, with every UUID in them (the workflow's task ids, which are the
inbox rows' ids, in the state JSON, the task rows and the events) replaced by a fresh
one, consistently within the clone, and with the template owner's id replaced by the
clone's owner wherever a column refers to a user. So each clone holds the rows the
use cases would have written for it (its timestamps are the template's, its JSON
columns the template's stored text byte for byte but for the UUIDs), and the next
step runs on it as on the template. Each template is compiled once into its rows'
driver values with the places of its UUIDs marked, so a clone costs a join per text
holding UUIDs (renewing them value by value took ~3 ms of CPU a deal: 10,000 deals
took 51 s). The kept report figures (``deal_report_facts`` and ``deal_stage_facts``
with their sums) are not copied but rebuilt from the deals afterwards, by the store's
own rebuilds, as a deployment upgraded to them has them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from sqlalchemy import JSON, Table, Text, cast, create_engine, func, select, text
from sqlalchemy.orm import Session

from engine.demo import ANSWERS, WALKS
from engine.store import deal_totals, stage_totals
from engine.store.schema import metadata

# The demo's northern wholesaler: the seed-002 funnel, 13 of its 14 steps the owner's.
WALK = next(w for w in WALKS if w.attributes.get("channel") == "wholesale" and w.attributes.get("territory") == "PL-PM")
UUID_TEXT = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
DERIVED = ("deal_report_facts", "deal_stage_facts")  # rebuilt from the deals, never copied


@dataclass(frozen=True)
class Template:
    """A deal's rows as the use cases left them: table name -> rows (opportunities: one);
    ``texts``: the same rows' JSON columns as the database holds them (column -> text),
    which clones copy byte for byte."""

    owner_id: int
    rows: dict[str, list[dict]]
    texts: dict[str, list[dict[str, str | None]]] = field(default_factory=dict)


def deal_tables() -> list[Table]:
    """The opportunities table, then every table with a column ``opportunity_id``,
    in the order foreign keys allow inserting them."""
    tables = [t for t in metadata.sorted_tables
              if t.name == "opportunities" or ("opportunity_id" in t.c and t.name not in DERIVED)]
    return tables


def _json_columns(table: Table) -> list[str]:
    return [c.name for c in table.c if isinstance(c.type, JSON)]


def snapshot(connection, opportunity_id: int) -> Template:
    rows: dict[str, list[dict]] = {}
    texts: dict[str, list[dict[str, str | None]]] = {}
    for table in deal_tables():
        key = table.c.id if table.name == "opportunities" else table.c.opportunity_id
        json_columns = _json_columns(table)
        found = connection.execute(select(table, *(cast(table.c[name], Text) for name in json_columns))
                                   .where(key == opportunity_id)).all()
        if found:
            width = len(table.c)
            rows[table.name] = [dict(zip(table.c.keys(), r[:width])) for r in found]
            texts[table.name] = [dict(zip(json_columns, r[width:])) for r in found]
    return Template(rows["opportunities"][0]["owner_id"], rows, texts)


def _uuids_in(value) -> set[str]:
    """The UUIDs in a JSON value's strings, names included."""
    if isinstance(value, str):
        return set(UUID_TEXT.findall(value))
    if isinstance(value, dict):
        return set().union(*(_uuids_in(k) | _uuids_in(v) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(_uuids_in(v) for v in value))
    return set()


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


class _Text:
    """A text of a template with UUIDs in it: ``parts`` alternates the text between
    them and each UUID's number among the template's distinct UUIDs."""

    __slots__ = ("parts",)

    def __init__(self, value: str, numbers: dict[str, int]):
        pieces = UUID_TEXT.split(value)  # the capturing group keeps the UUIDs at odd places
        self.parts = tuple(piece if n % 2 == 0 else numbers.setdefault(piece, len(numbers))
                           for n, piece in enumerate(pieces))

    def fill(self, fresh: list[str]) -> str:
        return "".join([part if part.__class__ is str else fresh[part] for part in self.parts])


class _Own:
    """Stands, in a compiled row, for a value each clone has of its own."""

    __slots__ = ("key",)

    def __init__(self, key: str):
        self.key = key


OPPORTUNITY, OWNER, TITLE = _Own("opportunity"), _Own("owner"), _Own("title")


@dataclass(frozen=True)
class Compiled:
    """A template as the values each row's columns get, for any clone: the database's
    own values (JSON as its stored text), a ``_Text`` where UUIDs are to be renewed,
    or OPPORTUNITY, OWNER, TITLE."""

    tables: list[tuple[str, list[str], list[list]]]  # table name, columns, rows
    uuids: int  # distinct UUIDs in the template's rows


def fresh_uuids(count: int) -> list[str]:
    """``count`` random version-4 UUIDs as text, as ``str(uuid.uuid4())`` writes them
    (a tenth of its time: the clones of 10,000 deals need a million)."""
    data = os.urandom(16 * count).hex()
    return [f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{VARIANT[int(h[16], 16)]}{h[17:20]}-{h[20:]}"
            for h in (data[n:n + 32] for n in range(0, 32 * count, 32))]


VARIANT = "89ab89ab89ab89ab"  # RFC 4122: the variant bits 10


class Cloner:
    """Writes clones of templates, ``batch`` deals per transaction: per table one COPY
    on PostgreSQL (one executemany on SQLite) of rows compiled once per template."""

    def __init__(self, url: str, batch: int = 1000):
        self.database = create_engine(url)
        self.dialect = self.database.dialect
        self.batch = batch
        self.tables = deal_tables()
        self.users = {t.name: _user_columns(t) for t in self.tables}
        self.drop_id = {t.name for t in self.tables if t.name != "opportunities" and _integer_id(t)}
        self._compiled: dict[int, Compiled] = {}

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
        if self.dialect.name == "postgresql":
            with self.database.begin() as connection:
                # the ids were chosen here: move the sequence past them
                connection.execute(text("SELECT setval(pg_get_serial_sequence('opportunities', 'id'), "
                                        "(SELECT max(id) FROM opportunities))"))
        yield written

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def compile(self, template: Template) -> Compiled:
        """What ``_add`` writes for ``template``: each column's value as the database
        driver takes it (through the column's type, as an INSERT binds it), JSON as
        the text the database holds, the clone's own values marked."""
        numbers: dict[str, int] = {}
        tables = []
        for table in self.tables:
            rows = template.rows.get(table.name)
            if not rows:
                continue
            users, json_columns = self.users[table.name], set(_json_columns(table))
            columns = [c for c in table.c.keys() if not (c == "id" and table.name in self.drop_id)]
            processors = {c: table.c[c].type.dialect_impl(self.dialect).bind_processor(self.dialect)
                          for c in columns if c not in json_columns}
            compiled = []
            for row, texts in zip(rows, template.texts[table.name]):
                values = []
                for column in columns:
                    value = row[column]
                    if table.name == "opportunities" and column in ("id", "title"):
                        values.append(OPPORTUNITY if column == "id" else TITLE)
                        continue
                    if column in users and value == template.owner_id:
                        values.append(OWNER)
                        continue
                    if column == "opportunity_id":
                        values.append(OPPORTUNITY)
                        continue
                    if column in json_columns:
                        stored = texts[column]
                        if stored is not None and set(UUID_TEXT.findall(stored)) != _uuids_in(value):
                            raise ValueError(f"{table.name}.{column}: its stored text and its value hold "
                                             "different UUIDs; the text cannot be renewed as the value")
                        value = stored
                    else:
                        process = processors[column]
                        value = process(value) if process else value
                    values.append(_Text(value, numbers) if isinstance(value, str) and UUID_TEXT.search(value)
                                  else value)
                compiled.append(values)
            tables.append((table.name, columns, compiled))
        return Compiled(tables, len(numbers))

    def _add(self, pending: dict, template: Template, opportunity_id: int, owner_id: int, title: str) -> None:
        compiled = self._compiled.get(id(template))
        if compiled is None:
            compiled = self._compiled[id(template)] = self.compile(template)
        fresh = fresh_uuids(compiled.uuids)  # one per distinct UUID of the template, the same in every row
        own = {"opportunity": opportunity_id, "owner": owner_id, "title": title}
        for name, _, rows in compiled.tables:
            into = pending[name]
            for row in rows:
                into.append([value.fill(fresh) if value.__class__ is _Text else
                             own[value.key] if value.__class__ is _Own else value for value in row])

    def _flush(self, pending: dict) -> None:
        columns = {}
        for template in self._compiled.values():
            columns.update((name, names) for name, names, _ in template.tables)
        with self.database.begin() as connection:
            for table in self.tables:
                if pending[table.name]:
                    write(connection, table.name, columns[table.name], pending[table.name])
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


def write(connection, table: str, columns: list[str], rows: list[list]) -> None:
    """``rows`` (values as the driver takes them) into ``table``: on PostgreSQL one COPY
    (SQLAlchemy's multi-row INSERT text made psycopg parse ~40 rows a deal: 10,000
    deals took minutes), on SQLite one executemany."""
    names = ", ".join(f'"{name}"' for name in columns)
    if connection.dialect.name != "postgresql":
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [tuple(r) for r in rows])
        return
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()
