"""The customer side of every deal, as SQLAlchemy models (M9-M13): business partners
and their contact persons, the partner's history, activities, calendar feeds, lead
imports with what each changed, saved partner lists and bulk archivals.

These share ``models.Base`` (one schema, one migration chain); ``models`` holds the
deals, tasks and methodologies. A partner's history (``partner_events``) is
append-only, like the deals' event log.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import Money, UtcDateTime

TAX_ID_INDEX = "ux_partners_active_tax_id"
TAX_ID_UNIQUE_WHERE = "status = 'active' AND tax_id IS NOT NULL AND NOT tax_id_clash"


class Partner(Base):
    """A business partner's card (M10): a prospect, customer, reseller or supplier.

    ``name_city_key``, ``tax_id`` and ``email_domain`` are the duplicate keys of
    ``engine.rules.leads.duplicates.keys`` (the same text, so a lead file and the
    database compare alike); the main address is in columns for filters, further
    addresses in ``addresses``."""

    __tablename__ = "partners"
    __table_args__ = (
        Index("ix_partners_kind_status", "kind", "status"),
        Index("ix_partners_owner_status", "owner_id", "status"),
        # One active partner per tax id, whoever writes at the same time (the service
        # checks first for a clear message; this is what makes it race-proof). Partners
        # that shared a tax id before migration 0013 keep it, flagged tax_id_clash.
        Index(TAX_ID_INDEX, "tax_id", unique=True,
              postgresql_where=text(TAX_ID_UNIQUE_WHERE), sqlite_where=text(TAX_ID_UNIQUE_WHERE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="prospect")  # prospect, customer, reseller, supplier
    name: Mapped[str] = mapped_column(String(300))
    name_city_key: Mapped[str] = mapped_column(String(500), index=True)  # "acme | lodz"
    tax_id: Mapped[str | None] = mapped_column(String(40), index=True)  # normalised: PL1234563218
    regon: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    email_domain: Mapped[str | None] = mapped_column(String(254), index=True)  # None for free-mail domains
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    street: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2
    addresses: Mapped[list] = mapped_column(JSON, default=list)  # further ones: {kind, street, postal_code, city, country}
    territory: Mapped[str | None] = mapped_column(String(120), index=True)
    channel: Mapped[str | None] = mapped_column(String(120))
    industry: Mapped[str | None] = mapped_column(String(120))
    source: Mapped[str | None] = mapped_column(String(120))  # campaign, fair, cold call, web, ...
    campaign: Mapped[str | None] = mapped_column(String(120))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    balance: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    credit_limit: Mapped[Decimal | None] = mapped_column(Money)  # None: no limit
    currency: Mapped[str] = mapped_column(String(3), default="PLN")  # of balance and credit limit
    status: Mapped[str] = mapped_column(String(10), default="active")  # active, archived
    # Shared its tax id with an older active partner when migration 0013 made tax ids
    # unique: left out of the index until its tax id is changed (never set otherwise).
    tax_id_clash: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    archive_batch_id: Mapped[int | None] = mapped_column(ForeignKey("partner_archivals.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)  # anything else routing may read
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A prospect becomes a customer with its first won deal: who, when, which deal.
    became_customer_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    became_customer_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    became_customer_opportunity_id: Mapped[int | None] = mapped_column(Integer)
    lead_import_id: Mapped[int | None] = mapped_column(ForeignKey("lead_imports.id"))  # the import that created it
    row_version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": row_version}


class PartnerContact(Base):
    """A contact person of a partner; a deal's buying center can name them."""

    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PartnerEvent(Base):
    """A partner's append-only history: created, updated, became_customer, handed_over,
    archived, restored, imported, contact_added, ..."""

    __tablename__ = "partner_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class Activity(Base):
    """A call, meeting, e-mail, visit or task with a partner (and maybe one of its
    deals), planned or done (M9). ``sequence`` counts the moves of a planned one, for
    the calendar feed (RFC 5545 SEQUENCE)."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_owner_starts", "owner_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # call, meeting, email, visit, task
    subject: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who does it
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned, done, cancelled
    outcome: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    row_version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": row_version}


class CalendarFeed(Base):
    """A user's iCalendar feed, found by the SHA-256 of its secret URL token; a revoked
    feed answers 404. The token itself is kept too, for its owner to see and copy again
    (a feed reads only the owner's calendar, which the database holds anyway); NULL for
    feeds made before migration 0012."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LeadImport(Base):
    """One run of a lead file (M11): its counts, its progress while it runs, where its
    rejects went, and whether it was reverted."""

    __tablename__ = "lead_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)  # column -> field, as applied
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10), default="running")  # running, done, failed, reverted
    # (a view shows a running import whose heartbeat is stale as "interrupted")
    total_rows: Mapped[int | None] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    # When its worker last reported (each batch, and while the file is read): a running
    # import not heard of for long is interrupted (its worker died), to resume or revert.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # created, updated, unchanged, duplicates, rejected
    rejects_path: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    reverted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reverted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LeadImportChange(Base):
    """What one import did to one partner: created it, or updated it (with the fields
    as they were before, so that a revert can put them back)."""

    __tablename__ = "lead_import_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("lead_imports.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)  # the file's row number
    action: Mapped[str] = mapped_column(String(10))  # created, updated
    before: Mapped[dict] = mapped_column(JSON, default=dict)


class SavedPartnerList(Base):
    """A saved partner filter (a call or mailing list), exported as CSV or XLSX."""

    __tablename__ = "saved_partner_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(10), default="call")  # call, mailing
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)  # the partner list's filters
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PartnerArchival(Base):
    """One bulk archival of inactive prospects: the criteria, the partners it archived,
    and its undo."""

    __tablename__ = "partner_archivals"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    partner_ids: Mapped[list] = mapped_column(JSON, default=list)
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
