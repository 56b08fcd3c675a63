"""Use cases of the deal page beyond the deal's own view (issue 15): what its task forms
captured, as labelled fields per stage; its history in people's words; and its
deployed BPMN with the nodes to mark, for the browser's diagram viewer. Each reads
only a deal the viewer may see (NotFoundError otherwise, as for the deal itself)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from engine.rules import revision
from engine.service import task_revision, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import deal_page as rows
from engine.store import opportunities as opportunity_store
from engine.store import versions
from engine.store.models import Event, InboxTask, Opportunity
from engine.views.deal_page import (CapturedField, CapturedStage, CapturedTask, DealRecordView, HistoryEntry,
                                    ProcessModelView)

_MONEY_TYPES = frozenset({"money", "decimal"})
# Keys of an event's data that are internal references, never shown.
_HIDDEN = frozenset({"task", "node", "contact", "partner_contact", "from_state", "to_state", "state", "activity",
                     "partner_id", "with_partner", "from_version", "to_version", "relationship", "from_contact",
                     "to_contact", "swap", "incident", "data"})
_PEOPLE = frozenset({"owner", "from_owner", "to_owner", "from_assignee", "to_assignee", "assignee", "by", "to",
                     "from", "manager", "from_manager", "to_manager"})
_STAGES = frozenset({"stage", "from_stage", "to_stage"})
_METHODOLOGIES = frozenset({"methodology", "from_methodology", "to_methodology"})
_LABELS = {"to_owner": "new owner", "from_owner": "previous owner", "to_assignee": "given to",
           "from_assignee": "before", "reason_code": "reason", "score_class": "class",
           "probability_before": "probability before", "expected_close_date": "expected close date"}
_WHAT = {"opened": "Opened the deal", "stage_changed": "Stage changed", "task_completed": "Completed a task",
         "activity_completed": "Did a suggested activity",
         "task_revised": "Revised the answers of a task", "questionnaire_answered": "Answered a questionnaire",
         "closed": "Closed the deal", "closed_by_hand": "Closed the deal by hand", "reassigned": "Handed over",
         "contact_added": "Added a person to the buying center", "contact_updated": "Changed a person",
         "contact_removed": "Removed a person from the buying center", "deal_edited": "Edited the deal",
         "relationship_added": "Added a relationship", "relationship_removed": "Removed a relationship",
         "timer_fired": "A timer fired", "process_finished": "The process ended", "version_changed":
         "Moved to a newer version of the methodology", "lost_reason_recorded": "Recorded why it was lost",
         "close_date_changed": "Moved the expected close date", "claimed": "Claimed a task",
         "released": "Put a task back into its queue", "error": "A step failed", "retried": "Retried a step"}


def deal_record(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> DealRecordView:
    """The deal's captured form data (per stage, in order) and its readable history."""
    with unit_of_work.read(ctx) as session:
        actor, opportunity = visibility.visible_opportunity(session, viewer, opportunity_id)
        events = rows.events(session, opportunity.id)
        tasks = rows.tasks_by_id(session, opportunity.id)
        names = _Names(ctx, session, opportunity)
        names.need_users(events)
        triples = [(e.id, e.kind, e.data or {}) for e in events]
        revisable = task_revision.revisable_task_ids(tasks.values(), opportunity, triples,
                                                     visibility.actor_of(session, actor))
        return DealRecordView(captured=_captured(events, tasks, names, revision.latest(triples)),
                              history=tuple(_entry(e, names, tasks) for e in reversed(events)),
                              revisable=revisable)


def process_model(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> ProcessModelView | None:
    """The deployed BPMN of the deal's methodology version with its open tasks' nodes
    (current) and completed ones (done); None when the version has no process file."""
    with unit_of_work.read(ctx) as session:
        _, opportunity = visibility.visible_opportunity(session, viewer, opportunity_id)
        _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        files = versions.version_files(session, opportunity.methodology_version_id)
        tasks = opportunity_store.task_states(session, opportunity.id)
    xml = (files or {}).get(methodology.process.path)
    if xml is None:
        return None
    current = {node for node, status in tasks if status == "ready"}
    done = {node for node, status in tasks if status == "completed"} - current
    return ProcessModelView(xml=xml, process_id=methodology.process.id, current=tuple(sorted(current)),
                            done=tuple(sorted(done)))


class _Names:
    """People's display names, stage, methodology and questionnaire names for one deal's
    events, each looked up once."""

    def __init__(self, ctx: ServiceContext, session: Session, opportunity: Opportunity):
        self.ctx, self.session, self.opportunity = ctx, session, opportunity
        self.version_ids = [opportunity.methodology_version_id, *rows.stage_version_ids(session, opportunity.id)]
        self.by_id: dict[int, str] = {}
        self.by_username: dict[str, str] = {}

    def need_users(self, events: list[Event]) -> None:
        ids = {e.actor_id for e in events if e.actor_id is not None}
        usernames = {str(v) for e in events for k, v in (e.data or {}).items() if k in _PEOPLE and v}
        for id_, username, display_name in rows.display_names(self.session, ids, usernames):
            self.by_id[id_] = self.by_username[username] = display_name

    def user(self, username: object) -> str:
        return self.by_username.get(str(username), str(username))

    def _methodologies(self):
        for version_id in dict.fromkeys(self.version_ids):
            yield self.ctx.catalog.version(self.session, version_id)[1]

    def stage(self, stage_id: object) -> str:
        return self._named("stages", stage_id)

    def questionnaire(self, questionnaire_id: object) -> str:
        return self._named("questionnaires", questionnaire_id)

    def _named(self, part: str, item_id: object) -> str:
        """The name of the stage or questionnaire ``item_id`` in the deal's methodology
        versions (the current first), else the id itself."""
        for methodology in self._methodologies():
            found = next((item.name for item in getattr(methodology, part) if item.id == item_id), None)
            if found:
                return found
        return str(item_id)

    def methodology(self, methodology_id: object) -> str:
        version_id = versions.current_version_id(self.session, str(methodology_id))
        if version_id is None:
            return str(methodology_id)
        return self.ctx.catalog.version(self.session, version_id)[1].name


def _captured(events: list[Event], tasks: dict[str, InboxTask], names: _Names,
              answers: dict[str, tuple[int, dict]]) -> tuple[CapturedStage, ...]:
    """Each completed task's answers as last given (a revision replaces them), grouped
    by the stage it was completed in."""
    groups: list[tuple[str | None, list[CapturedTask]]] = []
    stage = names.stage(names.opportunity.stage_id) if not events else None
    for event in events:
        data = event.data or {}
        if event.kind == "stage_changed":
            stage = names.stage(data.get("to_stage"))
        elif event.kind == "task_completed" and data.get("task") in tasks:
            row = tasks[data["task"]]
            given = answers.get(row.id, (None, data.get("data") or {}))[1]
            fields = tuple(_fields(row.form, given, names.opportunity.currency))
            if not fields:
                continue
            if not groups or groups[-1][0] != stage:
                groups.append((stage, []))
            groups[-1][1].append(CapturedTask(row.id, row.name, names.by_id.get(event.actor_id), event.at, fields,
                                              revised=given != (data.get("data") or {})))
    return tuple(CapturedStage(name, tuple(done)) for name, done in groups)


def _fields(form: list[dict], values: dict, currency: str):
    """The form's filled-in fields in the form's order, under their labels, typed."""
    for field in form:
        value = values.get(field["id"])
        if value is None or value == "":
            continue
        yield CapturedField(field["label"], *_typed(field, value, currency))


def _typed(field: dict, value: object, currency: str) -> tuple[str, object]:
    kind = field["type"]
    try:
        if kind in _MONEY_TYPES:
            return "money", Decimal(str(value))
        if kind == "long":
            return "number", int(value)
        if kind == "date":
            return "date", value if isinstance(value, date) else date.fromisoformat(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return "text", str(value)  # stored before the field's type changed: shown as it was
    if kind == "boolean":
        return "boolean", bool(value)
    choices = dict(tuple(c) for c in field.get("choices") or ())
    return "text", choices.get(value, str(value))


def _entry(event: Event, names: _Names, tasks: dict[str, InboxTask]) -> HistoryEntry:
    data = dict(event.data or {})
    what = _WHAT.get(event.kind, event.kind.replace("_", " ").capitalize())
    if event.kind == "stage_changed":
        what = (f"Stage changed from {names.stage(data.pop('from_stage'))} to {names.stage(data.pop('to_stage'))}"
                if data.get("from_stage") else f"Entered the stage {names.stage(data.pop('to_stage', None))}")
        data.pop("from_stage", None)
    elif event.kind in ("task_completed", "activity_completed", "claimed", "released") and data.get("name"):
        what = f"{what}: “{data.pop('name')}”"
    elif event.kind == "task_revised" and data.get("name"):
        what = f"{what}: “{data.pop('name')}”"
        row = tasks.get(str(data.get("task")))
        labels = {f["id"]: f["label"] for f in (row.form if row is not None else [])}
        data["changes"] = {labels.get(k, k): v for k, v in (data.get("changes") or {}).items()}
    elif event.kind == "questionnaire_answered" and data.get("questionnaire"):
        what = f"Answered {names.questionnaire(data.pop('questionnaire'))}"
    elif event.kind in ("contact_added", "contact_removed", "contact_updated") and data.get("name"):
        what = f"{what}: {data.pop('name')}"
    elif event.kind == "closed" and data.get("outcome"):
        what = f"Closed as {data.pop('outcome')}"
        data.pop("stage", None)
    elif event.kind == "reassigned" and data.get("name"):
        what = f"Gave the task “{data.pop('name')}” to {names.user(data.pop('to_assignee', '—'))}"
    return HistoryEntry(at=event.at, actor=names.by_id.get(event.actor_id, "system") if event.actor_id else "system",
                        kind=event.kind, what=what, details=tuple(_details(data, names)))


def _details(data: dict, names: _Names):
    for key, value in data.items():
        if key in _HIDDEN or value is None or value == "" or value == [] or value == {}:
            continue
        label = _LABELS.get(key, key.replace("_", " "))
        if key == "changes" and isinstance(value, dict):
            for name, change in value.items():
                if name.endswith("_id"):
                    continue
                before, after = (change + [None, None])[:2] if isinstance(change, list) else (None, change)
                yield name.replace("_", " "), f"{_shown(before)} → {_shown(after)}"
            continue
        if isinstance(value, (dict, list)):
            continue  # structured internals (e.g. the process's end nodes)
        if key in _PEOPLE:
            yield label, names.user(value)
        elif key in _STAGES:
            yield label, names.stage(value)
        elif key in _METHODOLOGIES:
            yield label, names.methodology(value)
        elif key == "questionnaire":
            yield label, names.questionnaire(value)
        elif isinstance(value, bool):
            yield label, "Yes" if value else "No"
        elif key.startswith("probability"):
            yield label, f"{value} %"
        else:
            yield label, str(value).replace("_", " ") if key in ("reason_code", "role", "attitude", "source") \
                else str(value)


def _shown(value: object) -> str:
    """One side of an old → new change: a yes/no answer in words, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
