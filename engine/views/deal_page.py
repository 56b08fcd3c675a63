"""What the deal page shows beyond the deal itself (issue 15): the data captured in its
task forms as labelled fields, grouped by the stage they were given in; its history
in people's words (names, stage names, methodology names; no internal ids); and its
deployed BPMN with the nodes to mark, for the browser's diagram viewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CapturedField:
    """One answer of a task's form under its form label. ``kind`` says how ``value``
    reads: money (a Decimal in the deal's currency), date (a date), boolean (a bool),
    number (an int or Decimal) or text (a str: typed text, or a choice's label)."""

    label: str
    kind: str
    value: object


@dataclass(frozen=True)
class CapturedTask:
    task_id: str
    name: str
    completed_by: str | None  # the person's display name
    completed_at: datetime
    fields: tuple[CapturedField, ...]
    revised: bool = False  # the answers shown replace the ones first given


@dataclass(frozen=True)
class CapturedStage:
    """The tasks completed while the deal stood in one stage (in order; a stage entered
    twice is two groups)."""

    stage_name: str | None
    tasks: tuple[CapturedTask, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One event of the deal's log as people read it: ``what`` is a sentence, ``details``
    (label, text) pairs with names in place of ids."""

    at: datetime
    actor: str  # the person's display name, or "system"
    kind: str
    what: str
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DealRecordView:
    captured: tuple[CapturedStage, ...]
    history: tuple[HistoryEntry, ...]
    revisable: frozenset[str] = frozenset()  # tasks whose answers the viewer may revise now


@dataclass(frozen=True)
class ProcessModelView:
    """The deployed BPMN file of the methodology version the deal follows, and the
    nodes a viewer marks: ``current`` (open tasks) and ``done`` (completed ones)."""

    xml: str
    process_id: str
    current: tuple[str, ...]
    done: tuple[str, ...]
