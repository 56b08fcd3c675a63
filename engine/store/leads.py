"""The lead import in the database (M11): the import's row, the partners a batch of
leads matches by the duplicate keys, what the import wrote (partners, contact persons,
history) and what a revert needs.

The import's JSON columns, as written here:

    LeadImport.mapping   {"columns": {column: field}, "maps": [COLUMN=field, ...],
                          "source": the file's server path, "dry_run": bool,
                          "owner_id": the rep new partners go to, or null}
    LeadImport.counts    {created, updated, unchanged, duplicates, rejected,
                          "matches": [[row, outcome, key, value, kept_row, partner_id], ...]
                          (the first MAX_MATCHES), "more_matches": n,
                          "revert": {deleted, archived, restored, kept}}
    LeadImportChange     action "created": before {"contacts": []};
                         action "updated": before {"fields": {field: value before},
                         "set": {field: value the import wrote}, "contacts": [ids added]}
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterable

from sqlalchemy import delete, exists, func, insert, or_, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.rules.leads.folding import folded
from engine.store.db import hold_sqlite_writes
from engine.store.models import Contact, Opportunity, Team, TeamMember, User
from engine.store.partner_models import (Activity, LeadImport, LeadImportChange, Partner, PartnerContact,
                                         PartnerEvent)
from engine.store.partners import email_domain, name_city_key

MAX_MATCHES = 1000
COUNTS = ("created", "updated", "unchanged", "duplicates", "rejected")
# The partner card's columns a lead fills (the lead field of the same name).
CARD_FIELDS = ("tax_id", "regon", "email", "phone", "street", "postal_code", "city", "country", "territory",
               "channel", "industry", "source", "notes")
# Columns kept in step with the card: the duplicate keys.
KEY_COLUMNS = ("name_city_key", "email_domain")


def sqlite_file(url: str) -> Path | None:
    """The SQLite database file a URL names; None for another database or one in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


# --- the import's row -----------------------------------------------------------------

def add_import(session: Session, *, file_name: str, sha256: str, mapping: dict, actor_id: int | None,
               now: datetime) -> LeadImport:
    row = LeadImport(file_name=file_name, file_sha256=sha256, mapping=mapping, actor_id=actor_id,
                     started_at=now, heartbeat_at=now, status="running", processed_rows=0,
                     counts={name: 0 for name in COUNTS})
    session.add(row)
    session.flush()
    return row


def find_import(session: Session, import_id: int, *, lock: bool = False) -> LeadImport:
    query = select(LeadImport).where(LeadImport.id == import_id)
    if lock:
        hold_sqlite_writes(session)
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.scalar(query)
    if row is None:
        raise NotFoundError(f"no lead import {import_id}")
    return row


def imports(session: Session, actor_id: int | None) -> list[LeadImport]:
    """Every import (of one actor), newest first."""
    query = select(LeadImport).order_by(LeadImport.id.desc())
    if actor_id is not None:
        query = query.where(LeadImport.actor_id == actor_id)
    return list(session.scalars(query))


def usernames(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())


def partner_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(wanted))).all())


# --- matching leads to partners -------------------------------------------------------

def partners_matching(session: Session, tax_ids: set[str], name_keys: set[str],
                      domains: set[str], *, lock: bool = False) -> list[Partner]:
    """Every partner (active or archived) sharing one of these keys, oldest first;
    ``lock``: row-locked (SQLite: the write lock taken first), as stored once held."""
    if lock:
        hold_sqlite_writes(session)
    conditions = []
    if tax_ids:
        conditions.append(Partner.tax_id.in_(tax_ids))
    if name_keys:
        conditions.append(Partner.name_city_key.in_(name_keys))
    if domains:
        conditions.append(Partner.email_domain.in_(domains))
    if not conditions:
        return []
    query = select(Partner).where(or_(*conditions)).order_by(Partner.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(query))


def lock_partners(session: Session, ids: Iterable[int]) -> dict[int, Partner]:
    """The partners, row-locked in id order (SQLite: the write lock), as stored once held."""
    wanted = sorted(set(ids))
    hold_sqlite_writes(session)
    if not wanted:
        return {}
    rows = session.scalars(select(Partner).where(Partner.id.in_(wanted)).order_by(Partner.id)
                           .with_for_update().execution_options(populate_existing=True))
    return {row.id: row for row in rows}


def contact_names(session: Session, partner_ids: Iterable[int]) -> dict[int, set[str]]:
    """partner id -> the folded names of its contact persons."""
    found: dict[int, set[str]] = {}
    wanted = set(partner_ids)
    if wanted:
        for partner_id, name in session.execute(select(PartnerContact.partner_id, PartnerContact.name)
                                                .where(PartnerContact.partner_id.in_(wanted))):
            found.setdefault(partner_id, set()).add(folded(name))
    return found


# --- writing ----------------------------------------------------------------------------

def new_partner(*, name: str, card: dict, owner_id: int | None, actor_id: int | None, import_id: int,
                now: datetime) -> dict:
    """A prospect from a lead, as a row for ``insert_partners`` (every row has every key,
    as one multi-row INSERT needs)."""
    return {"kind": "prospect", "name": name, "name_city_key": name_city_key(name, card.get("city")),
            "email_domain": email_domain(card.get("email")), "addresses": [], "owner_id": owner_id,
            "currency": "PLN", "status": "active", "attributes": {}, "created_at": now, "created_by_id": actor_id,
            "updated_at": now, "lead_import_id": import_id, "row_version": 1,
            **{column: card.get(column) for column in CARD_FIELDS}, "notes": card.get("notes") or ""}


def insert_partners(session: Session, rows: list[dict]) -> list[int]:
    """The new partners' ids, in the order of ``rows``: one Core INSERT of many rows
    (the ORM builds an object per row, several times slower for an import); COPY on
    PostgreSQL."""
    return _insert_returning_ids(session, Partner.__table__, rows)


def insert_contacts(session: Session, rows: list[dict]) -> list[int]:
    return _insert_returning_ids(session, PartnerContact.__table__, rows)


def _insert_returning_ids(session: Session, table, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # The ids drawn from the table's sequence first, then the rows COPYed with them:
        # an INSERT ... RETURNING of 500 rows is a statement psycopg parses anew each
        # time (longer than its cache takes), ≈ 200 ms a batch, where COPY parses none.
        ids = list(connection.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                           "FROM generate_series(1, :n)"), {"table": table.name, "n": len(rows)}))
    elif dialect == "sqlite":
        # The ids SQLite would give (its rowid: the largest plus one, the tables have
        # no AUTOINCREMENT), chosen here: the import holds the database's write lock,
        # so nobody else inserts in between.
        hold_sqlite_writes(session)
        last = connection.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        ids = list(range(last + 1, last + 1 + len(rows)))
    else:
        return list(connection.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
    _bulk_insert(connection, table, [{**row, "id": id_} for row, id_ in zip(rows, ids)])
    return ids


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """History entries or import changes, many at once."""
    if rows:
        _bulk_insert(session.connection(), model.__table__, rows)


def _bulk_insert(connection, table, rows: list[dict]) -> None:
    """``rows`` into ``table`` straight through the driver, in the transaction of
    ``connection``: COPY on PostgreSQL, the driver's ``executemany`` on SQLite (the
    profile of a 100,000-row import put SQLAlchemy's statement building and
    per-parameter handling above the databases' own time). Each value still goes
    through its column's type as an INSERT would send it (JSON serialised, aware
    datetimes in UTC, Money in cents); a column the rows leave out gets its scalar
    default, as an INSERT gives it."""
    dialect = connection.dialect
    if dialect.name not in ("postgresql", "sqlite"):
        connection.execute(insert(table), rows)
        return
    given = list(rows[0])
    columns = [table.c[name] for name in given]
    missing = [column for column in table.c if column.name not in rows[0] and column.default is not None
               and column.default.is_scalar]
    processors = [column.type._cached_bind_processor(dialect) for column in columns]
    extra = []
    for column in missing:
        process = column.type._cached_bind_processor(dialect)
        extra.append(process(column.default.arg) if process else column.default.arg)
    extra = tuple(extra)
    processed = [(i, process) for i, process in enumerate(processors) if process is not None]

    def values(row: dict) -> tuple:
        found = [row[name] for name in given]
        for i, process in processed:
            found[i] = process(found[i])
        return (*found, *extra)

    names = ", ".join(f'"{column.name}"' for column in (*columns, *missing))
    cursor = connection.connection.cursor()
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            marks = ", ".join("?" * (len(columns) + len(missing)))
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', [values(r) for r in rows])
    finally:
        cursor.close()


def fill(partner: Partner, values: dict, now: datetime) -> dict:
    """Write ``values`` into the partner's columns and keep its keys in step; the
    columns' values before (keys included)."""
    before = {column: getattr(partner, column) for column in (*values, *KEY_COLUMNS)}
    for column, value in values.items():
        setattr(partner, column, value)
    partner.name_city_key = name_city_key(partner.name, partner.city)
    partner.email_domain = email_domain(partner.email)
    partner.updated_at = now
    return before


def new_contact(*, partner_id: int, name: str, email: str | None, phone: str | None, now: datetime) -> dict:
    return {"partner_id": partner_id, "name": name, "function": "", "email": email, "phone": phone, "active": True,
            "created_at": now, "updated_at": now}


def new_event(*, partner_id: int, kind: str, actor_id: int | None, now: datetime, **data) -> dict:
    return {"partner_id": partner_id, "kind": kind, "actor_id": actor_id, "at": now, "opportunity_id": None,
            "data": data}


def new_change(*, import_id: int, partner_id: int, row: int, action: str, before: dict) -> dict:
    return {"import_id": import_id, "partner_id": partner_id, "row": row, "action": action, "before": before}


def set_progress(session: Session, import_id: int, processed: int, counts: dict, *, beat: datetime,
                 last_beat: datetime | None, total: int | None = None) -> bool:
    """The import's progress and heartbeat, if its runner still holds it: it is still
    running and its heartbeat is the one this runner wrote last (a resume writes its
    own, a revert ends it). False, changing nothing, otherwise."""
    values = {"processed_rows": processed, "counts": counts}
    if total is not None:
        values["total_rows"] = total
    return heartbeat(session, import_id, beat=beat, last_beat=last_beat, **values)


def heartbeat(session: Session, import_id: int, *, beat: datetime, last_beat: datetime | None, **values) -> bool:
    """``heartbeat_at`` (and ``values``) written if the runner still holds the import
    (see ``set_progress``); whether it did."""
    result = session.execute(update(LeadImport).where(LeadImport.id == import_id, LeadImport.status == "running",
                                                      LeadImport.heartbeat_at == last_beat)
                             .values(heartbeat_at=beat, **values))
    return result.rowcount == 1


def running_sources(session: Session) -> set[str]:
    """The files running imports (interrupted ones included) read from."""
    return {(mapping or {}).get("source") for mapping in
            session.scalars(select(LeadImport.mapping).where(LeadImport.status == "running"))} - {None}


# --- reverting --------------------------------------------------------------------------

def changes(session: Session, import_id: int) -> list[LeadImportChange]:
    """The import's changes, the last first (a revert undoes them in that order)."""
    return list(session.scalars(select(LeadImportChange).where(LeadImportChange.import_id == import_id)
                                .order_by(LeadImportChange.id.desc())))


def referenced(session: Session, partner_ids: Iterable[int]) -> set[int]:
    """Those of the partners something beyond the import's own rows points at: a deal,
    an activity, a buying center naming one of its contacts, history after the import."""
    wanted = set(partner_ids)
    if not wanted:
        return set()
    named = (select(PartnerContact.partner_id).join(Contact, Contact.partner_contact_id == PartnerContact.id)
             .where(PartnerContact.partner_id.in_(wanted)))
    found = set(session.scalars(select(Opportunity.partner_id).where(Opportunity.partner_id.in_(wanted))))
    found |= set(session.scalars(select(Activity.partner_id).where(Activity.partner_id.in_(wanted))))
    found |= set(session.scalars(named))
    found |= set(session.scalars(select(PartnerEvent.partner_id).where(PartnerEvent.partner_id.in_(wanted),
                                                                       PartnerEvent.kind != "imported")))
    return found


def delete_partners(session: Session, partner_ids: Iterable[int]) -> None:
    """Partners nothing else refers to, gone with their contacts, history and import changes."""
    wanted = set(partner_ids)
    if not wanted:
        return
    session.execute(delete(PartnerContact).where(PartnerContact.partner_id.in_(wanted)))
    session.execute(delete(PartnerEvent).where(PartnerEvent.partner_id.in_(wanted)))
    session.execute(delete(LeadImportChange).where(LeadImportChange.partner_id.in_(wanted)))
    session.execute(delete(Partner).where(Partner.id.in_(wanted)), execution_options={"synchronize_session": False})


def delete_contacts(session: Session, contact_ids: Iterable[int]) -> int:
    """The contact persons no buying center names; how many went."""
    wanted = set(contact_ids)
    if not wanted:
        return 0
    named = select(Contact.partner_contact_id).where(Contact.partner_contact_id.in_(wanted))
    result = session.execute(delete(PartnerContact).where(PartnerContact.id.in_(wanted),
                                                          PartnerContact.id.not_in(named)))
    return result.rowcount or 0


def shares_team(session: Session, manager_id: int, user_id: int) -> bool:
    """Whether the user is in a team the manager leads or belongs to."""
    teams = select(TeamMember.team_id).where(TeamMember.user_id == manager_id).union(
        select(Team.id).where(Team.manager_id == manager_id))
    return bool(session.scalar(select(exists().where(TeamMember.user_id == user_id, TeamMember.team_id.in_(teams)))))
