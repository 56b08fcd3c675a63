"""The inbox's own values beyond its page (engine.views.opportunities.InboxPage):
saved filters, the report of a bulk claim or hand-over, and a task's deal context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class SavedFilterView:
    """One of a user's saved inbox filters: open it as ``/?`` + ``query``."""

    id: int
    name: str
    query: str  # the inbox's query string, url-encoded


@dataclass(frozen=True)
class BulkOutcome:
    task_id: str
    name: str | None  # the task's name, when the actor may see the task
    reason: str | None = None  # why it was refused; None when done


@dataclass(frozen=True)
class BulkReport:
    """What a bulk claim or hand-over did, task by task: each was locked, re-checked
    and decided on its own."""

    action: str  # claim, hand_over
    to: str | None
    done: tuple[BulkOutcome, ...]
    refused: tuple[BulkOutcome, ...]


@dataclass(frozen=True)
class EarlierAnswer:
    label: str
    value: str


@dataclass(frozen=True)
class EarlierStep:
    """A completed step of the deal and what was entered in its form."""

    name: str
    completed_by: str | None
    completed_at: datetime | None
    answers: tuple[EarlierAnswer, ...]


@dataclass(frozen=True)
class TaskContext:
    """The deal around a task, read-only: what a rep wants in view while working it."""

    opportunity_id: int
    title: str
    partner_name: str
    partner_id: int | None
    amount: Decimal
    currency: str
    stage_name: str | None
    probability: int
    owner: str
    status: str
    expected_close_date: object
    earlier: tuple[EarlierStep, ...]
    buying_center: tuple[tuple[str, str], ...]  # (name, role label)


@dataclass(frozen=True)
class TaskRevisionView:
    """A completed task's answers as last given, and whether the viewer may revise
    them now (engine.rules.revision): ``refusal`` says why not, in words."""

    task_id: str
    opportunity_id: int
    answers: dict  # field id -> value, as stored (the form control prefills from it)
    may_revise: bool
    refusal: str | None
    not_yours: bool = False  # the refusal is a permission: someone else completed it
    currency: str = ""  # the deal's: what the form's amounts are in
