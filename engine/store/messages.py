"""Messages' rows: the deals waiting for a message (by deal, by business key — the
deal's ``business_key`` attribute), a deal's waits, and buffered messages still
waiting for a deal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, select, text
from sqlalchemy.orm import Session

from engine.store.db import hold_sqlite_writes
from engine.store.message_models import BufferedMessage, MessageWait
from engine.store.models import Opportunity


def business_key_of(attributes: dict | None) -> str | None:
    value = (attributes or {}).get("business_key")
    return None if value is None else str(value)


def waiting(session: Session, message: str, opportunity_id: int | None = None,
            business_key: str | None = None, correlation_key: str | None = None) -> list[MessageWait]:
    """The waits for ``message`` of open deals (of one deal, of the deals whose
    business key is ``business_key``, or the waits with ``correlation_key``), oldest
    deal first."""
    query = (select(MessageWait).join(Opportunity, Opportunity.id == MessageWait.opportunity_id)
             .where(MessageWait.message == message, Opportunity.status == "open"))
    if opportunity_id is not None:
        query = query.where(MessageWait.opportunity_id == opportunity_id)
    if correlation_key is not None:
        query = query.where(MessageWait.correlation_key == correlation_key)
    if business_key is not None:
        # as text on both databases: SQLite's json_extract gives a number for a numeric key
        query = query.where(cast(Opportunity.attributes["business_key"].as_string(), String) == business_key)
    return list(session.scalars(query.order_by(MessageWait.opportunity_id, MessageWait.id)))


def waits_of(session: Session, opportunity_id: int) -> list[MessageWait]:
    """A deal's waits as stored now."""
    return list(session.scalars(select(MessageWait).where(MessageWait.opportunity_id == opportunity_id)
                                .order_by(MessageWait.id).execution_options(populate_existing=True)))


def replace_waits(session: Session, opportunity_id: int, rows: list[MessageWait]) -> None:
    session.execute(delete(MessageWait).where(MessageWait.opportunity_id == opportunity_id))
    session.add_all(rows)


def hold_name(session: Session, message: str) -> None:
    """Hold a message name for this transaction, so that a sender buffering it and a
    deal beginning to wait for it run one after the other: else each could look before
    the other committed, and the message sit buffered beside the deal waiting for it.
    PostgreSQL: an advisory lock on the schema and the name; SQLite: the one write lock.
    Take it holding no deal a sender could want next (a sender holding it locks no deal)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema()), hashtext(:name))"),
                        {"name": f"dealflow message {message}"})
    hold_sqlite_writes(session)


def live_buffered(session: Session, messages: set[str], now: datetime) -> list[BufferedMessage]:
    """Undelivered, unexpired buffered messages of these names, oldest first, locked:
    waiting for a deal that takes one of them meanwhile (never skipping it: the row
    may be the only one for this deal), then read as that deal left it."""
    if not messages:
        return []
    for message in sorted(messages):
        hold_name(session, message)
    return list(session.scalars(
        select(BufferedMessage).where(BufferedMessage.message.in_(sorted(messages)),
                                      BufferedMessage.delivered_at.is_(None), BufferedMessage.expires_at > now)
        .order_by(BufferedMessage.id).with_for_update()))


def buffered(session: Session, message_id: int) -> BufferedMessage | None:
    return session.get(BufferedMessage, message_id)


def expired(session: Session, now: datetime) -> int:
    """Drop the buffered messages whose time ran out undelivered; how many."""
    return session.execute(delete(BufferedMessage).where(BufferedMessage.delivered_at.is_(None),
                                                         BufferedMessage.expires_at <= now)).rowcount
