"""The database schema, as SQLAlchemy 2.0 models: this module and ``partner_models``
are the only ones that define tables (``schema.metadata`` holds both).

Rows that record history (stage changes, events) are append-only: the code never
updates or deletes them. Opportunities carry a version counter for optimistic
locking: of two transactions that changed the same opportunity, the second to
commit fails instead of silently overwriting the first.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.store.types import Money, UtcDateTime


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # rep, manager, designer, admin
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Part of every login session's id: logging out (or a new password) counts it up,
    # so each cookie issued before stops working on every worker.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Whether the worker mails them their notifications (they stay in the app either way).
    mail_notifications: Mapped[bool] = mapped_column(default=True, server_default=true())



# One account per name whatever its case (issue 15): 'Rep1' logs in as 'rep1' and cannot
# be created beside it (migration 0023).
Index("ux_users_username_lower", func.lower(User.username), unique=True)

class LoginThrottle(Base):
    """Failed logins in a row for one account or one client address (``key``: which,
    hashed), and until when further attempts are refused (engine.rules.throttling).
    A table, not process memory, so every gunicorn worker counts the same failures."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AccessEpoch(Base):
    """One row whose ``epoch`` counts every change that can alter what an API token
    lets its holder do: a token revoked or deleted; a user renamed, given another
    role, disabled or deleted; a team renamed or deleted; a membership added or
    removed. On PostgreSQL triggers count it (migration 0031), in the changing
    transaction, however the change is made; the API's per-process cache of checked
    tokens (engine.service.token_cache) serves a token only while the epoch it
    reads on the request is the one the token was checked at."""

    __tablename__ = "access_epoch"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class MethodologyVersion(Base):
    """An immutable deployed methodology, identified by the hash of its files."""

    __tablename__ = "methodology_versions"
    __table_args__ = (UniqueConstraint("methodology_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[str] = mapped_column(String(80), index=True)
    label: Mapped[str] = mapped_column(String(40))  # the designer's `version:`
    content_hash: Mapped[str] = mapped_column(String(64))
    process_id: Mapped[str] = mapped_column(String(200))
    files: Mapped[dict] = mapped_column(JSON)  # relative path -> text: what was deployed
    spec: Mapped[str] = mapped_column(Text)  # the serialized workflow spec, stored once
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deployed_by: Mapped[str | None] = mapped_column(String(80))
    # New opportunities start on the version deployed last; deploying files equal to
    # an older version makes that version current again (its row is otherwise immutable).
    activation: Mapped[int] = mapped_column(Integer)  # higher = deployed (again) later


class RoutingVersion(Base):
    """A deployed routing file; the newest is in force."""

    __tablename__ = "routing_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    files: Mapped[dict] = mapped_column(JSON)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Opportunity(Base):
    __tablename__ = "opportunities"
    __table_args__ = (
        Index("ix_opportunities_next_timer_at", "next_timer_at"),
        Index("ix_opportunities_owner_status", "owner_id", "status"),
        Index("ix_opportunities_manager_status", "manager_id", "status"),
        # the deals lists (engine.store.deal_search)
        Index("ix_opportunities_status_close", "status", "expected_close_date"),
        Index("ix_opportunities_team_status", "team_id", "status"),
        Index("ix_opportunities_segment_status", "segment_id", "status"),
        # A visible task's deal's stage and version for the inbox's counts, from the index
        # alone (migration 0029; engine.store.inbox_arms).
        Index("ix_opportunities_inbox_stage", "id", "stage_id", "methodology_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # The deal's business partner (engine.store.partner_models). ``partner_name`` and
    # ``partner`` are what routing read when the deal opened, kept as they were.
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    partner_name: Mapped[str] = mapped_column(String(300))
    partner: Mapped[dict] = mapped_column(JSON, default=dict)  # the partner's attributes
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)  # territory, channel, industry, source, ...
    segment_id: Mapped[str] = mapped_column(String(80))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    methodology_version_id: Mapped[int] = mapped_column(ForeignKey("methodology_versions.id"))
    stage_id: Mapped[str | None] = mapped_column(String(80))
    stage_entered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    probability: Mapped[int] = mapped_column(Integer, default=0)  # in force: the override, else automatic
    # What stage and score class make the probability; a manager's override wins over
    # it (and over every later automatic update) until the override is reset.
    probability_auto: Mapped[int] = mapped_column(Integer, default=0)
    probability_override: Mapped[int | None] = mapped_column(Integer)
    probability_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    probability_override_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last questionnaire's score (0-100, rounded) and class; every questionnaire's
    # answers, points and contributions are in ``scores`` (questionnaire id -> details).
    score: Mapped[int | None] = mapped_column(Integer)
    score_class: Mapped[str | None] = mapped_column(String(31))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    expected_revenue: Mapped[Decimal] = mapped_column(Money)  # amount x probability, kept for reports
    next_action_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The day the deal is expected to close: a calendar date in the company's sense, not an
    # instant, so it is stored as a date (forecasts group deals into periods by it).
    expected_close_date: Mapped[date | None] = mapped_column(Date, index=True)
    # The rep's forecast category for this deal when it differs from the one its
    # probability gives (commit, best_case, pipeline, omitted): shown and audited.
    forecast_category_override: Mapped[str | None] = mapped_column(String(20))
    forecast_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    forecast_override_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, won, lost
    lost_reason_code: Mapped[str | None] = mapped_column(String(80))  # one of the methodology's lost reasons
    lost_reason: Mapped[str | None] = mapped_column(Text)  # the free text beside it
    error_message: Mapped[str | None] = mapped_column(Text)  # set while a step failed
    error_node: Mapped[str | None] = mapped_column(String(200))
    # Beside the error, not in it: what the failure displaced (an earlier person's failed
    # step still waiting for its retry; engine.service.step_errors). Migration 0032.
    error_note: Mapped[str | None] = mapped_column(Text)
    failed_step: Mapped[dict | None] = mapped_column(JSON)  # what to run again on retry
    next_timer_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # SpiffWorkflow's state without its spec (kilobytes): loaded only by the steps
    # that run the workflow, never for lists and views.
    workflow_state: Mapped[str] = mapped_column(Text, deferred=True)
    row_version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": row_version}


class InboxTask(Base):
    """What reps see in their inbox: a READY (or once READY) user task of the workflow
    (kind ``workflow``, id = the workflow's task id), or a Sales Assistant activity
    created when the opportunity entered a stage (kind ``activity``)."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_status", "assignee_id", "status"),
        Index("ix_tasks_team_status", "candidate_team_id", "status"),
        # The team queues: READY tasks nobody has claimed, by team (migration 0026). Without it
        # PostgreSQL reads every unclaimed task of every team to find a user's 50 teams' ones.
        # In the inbox's default order, with each task's deal: a rep's queued arm is read
        # from the index alone (migration 0029; engine.store.inbox_arms).
        Index("ix_tasks_queued_team_due", "candidate_team_id", "due_at", "created_at", "id", "opportunity_id",
              postgresql_where=text("status = 'ready' AND assignee_id IS NULL"),
              sqlite_where=text("status = 'ready' AND assignee_id IS NULL")),
        # One holder's READY tasks in the inbox's default order, with each task's deal: their
        # arm of the inbox from the index alone (migration 0029). Only READY rows: a
        # completed task leaves it, and the index stays a fraction of the table.
        Index("ix_tasks_ready_mine", "assignee_id", "due_at", "created_at", "id", "opportunity_id",
              postgresql_where=text("status = 'ready'"), sqlite_where=text("status = 'ready'")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the workflow's task id
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    node_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    instructions: Mapped[str] = mapped_column(Text, default="")
    form: Mapped[list] = mapped_column(JSON, default=list)
    lane: Mapped[str | None] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    candidate_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[str] = mapped_column(String(12), default="ready")  # ready, completed, cancelled
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(10), default="workflow")  # workflow, activity
    stage_id: Mapped[str | None] = mapped_column(String(80))  # activities: the stage that suggested it
    required: Mapped[bool] = mapped_column(default=False)  # activities: needed to leave the stage
    note: Mapped[str | None] = mapped_column(Text)  # activities: what the rep wrote when done
    follow_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when its holder means to look again


class Contact(Base):
    """A person in the customer's buying center for one opportunity (M6)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    # The partner's contact person this is, if the buying center names one.
    partner_contact_id: Mapped[int | None] = mapped_column(ForeignKey("partner_contacts.id"))
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")  # their function
    role: Mapped[str | None] = mapped_column(String(40))  # a buying-center role of the methodology
    influence: Mapped[int] = mapped_column(Integer)  # 1 (little) .. 5 (decisive)
    attitude: Mapped[str] = mapped_column(String(10))  # supporter, neutral, opponent
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ContactRelationship(Base):
    """How two people of a buying center relate: formally (reports to) or informally
    (listens to, friends with, worked together at a competitor), with a strength 1-5."""

    __tablename__ = "contact_relationships"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    from_contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    to_contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    kind: Mapped[str] = mapped_column(String(30))
    strength: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SegmentMethodology(Base):
    """A manager's choice of methodology for a segment, overriding the routing file's
    ``methodology`` line until it is changed again (M7)."""

    __tablename__ = "segment_methodologies"

    segment_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    methodology_version_id: Mapped[int] = mapped_column(ForeignKey("methodology_versions.id"))
    pinned: Mapped[bool] = mapped_column(default=False)  # False: follows the methodology's newest version
    swap_id: Mapped[int | None] = mapped_column(ForeignKey("methodology_swaps.id"))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MethodologySwap(Base):
    """One swap of a segment's methodology, with what it did: the audit record and
    what a reversal needs."""

    __tablename__ = "methodology_swaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[str] = mapped_column(String(80), index=True)
    from_version_id: Mapped[int | None] = mapped_column(ForeignKey("methodology_versions.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("methodology_versions.id"))
    stage_map: Mapped[dict] = mapped_column(JSON, default=dict)  # old stage id -> new stage id
    moved: Mapped[int] = mapped_column(Integer, default=0)
    not_moved: Mapped[dict] = mapped_column(JSON, default=dict)  # reason -> opportunity ids
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("methodology_swaps.id"))
    reversed_by_swap_id: Mapped[int | None] = mapped_column(Integer)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class SwapMove(Base):
    """One opportunity moved by a swap, with the state it had before — so that a
    reversal can put back an opportunity nobody has touched since."""

    __tablename__ = "swap_moves"

    swap_id: Mapped[int] = mapped_column(ForeignKey("methodology_swaps.id"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), primary_key=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("methodology_versions.id"))
    from_stage: Mapped[str | None] = mapped_column(String(80))
    to_stage: Mapped[str | None] = mapped_column(String(80))
    from_state: Mapped[str] = mapped_column(Text, deferred=True)
    row_version_after: Mapped[int] = mapped_column(Integer)  # the opportunity's row_version after the move


class StageChange(Base):
    __tablename__ = "stage_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(80))
    to_stage: Mapped[str] = mapped_column(String(80))
    probability: Mapped[int] = mapped_column(Integer)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the engine (a timer)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The version whose stage table names to_stage: a swap moves a deal to another
    # methodology, and its history keeps the names it had (None: the deal's version).
    methodology_version_id: Mapped[int | None] = mapped_column(ForeignKey("methodology_versions.id"))


class Event(Base):
    """The append-only audit trail: opened, task_completed, stage_changed, reassigned,
    timer_fired, error, retried, closed."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        # the warnings sweep reads events by kind (per deal, recent ones): migration 0022
        Index("ix_events_kind_opportunity_at", "kind", "opportunity_id", "at"),
    )


class AssignmentCursor(Base):
    """Where round-robin assignment stands in each segment."""

    __tablename__ = "assignment_cursors"

    segment_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    row_version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": row_version}
