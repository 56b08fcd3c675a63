"""What changed between two versions of a methodology (``dealflow diff``). Pure: two
``Methodology`` models in, a list of changes out, each one readable line.

    + stage 'closing' (Closing, 90 %, open)
    ~ stage 'negotiation': probability 40 % -> 50 %
    - task 'Task_Negotiate2' (Negotiate again, lane rep)
    ~ field 'discount' of task 'Task_Quote': type string -> long

Things are matched by id; a stage whose id changed but which is entered at the same
BPMN nodes is reported as one rename rather than a removal and an addition."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Sequence, TypeVar

from engine.methodology.model import (Activity, BpmnProcess, BuyingCenterRole, FlowNode, FormField, LostReason, Methodology,
                    Question, Questionnaire, ScoreClass, Stage)

ADDED, REMOVED, CHANGED = "+", "-", "~"
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One difference: ``op`` is +, - or ~; ``subject`` says what ("stage 'x'"),
    ``detail`` how (for ~) or what it is (for + and -)."""

    op: str
    subject: str
    detail: str = ""

    def __str__(self) -> str:
        if self.op == CHANGED:
            return f"~ {self.subject}: {self.detail}"
        return f"{self.op} {self.subject}" + (f" ({self.detail})" if self.detail else "")


def diff_methodologies(old: Methodology, new: Methodology) -> list[Change]:
    """Every difference from ``old`` to ``new``, in reading order: the methodology,
    its stages (with activities and exit criteria), buying-center roles, lanes,
    user tasks and their forms, gateway conditions, questionnaires."""
    changes = _methodology(old, new)
    changes += _stages(old.stages, new.stages)
    changes += _keyed(old.buying_center_roles, new.buying_center_roles, _role_subject, _role_summary,
                      _role_changes)
    changes += _keyed(old.lost_reasons, new.lost_reasons, _reason_subject, _reason_summary, _reason_changes)
    if old.forecast != new.forecast:
        changes.append(Change(CHANGED, "forecast ranges", f"{_ranges(old.forecast)} -> {_ranges(new.forecast)}"))
    changes += _lanes(old.process, new.process)
    changes += _keyed(_tasks(old.process), _tasks(new.process), _task_subject, _task_summary, _task_changes)
    changes += _conditions(old.process, new.process)
    changes += _keyed(old.questionnaires, new.questionnaires, _questionnaire_subject, _questionnaire_summary,
                      _questionnaire_changes)
    return changes


def _ranges(r) -> str:
    """``buckets: commit 85, best_case 70, pipeline 0`` (the stage table's ``forecast:``)."""
    parts = [f"commit {r.commit}"]
    if r.mode == "buckets":
        parts += ([f"best_case {r.best_case}"] if r.best_case is not None else []) + [f"pipeline {r.pipeline}"]
    if r.typical_cycle_days:
        parts.append(f"typical_cycle_days {r.typical_cycle_days}")
    return f"{r.mode}: " + ", ".join(parts)


def render(changes: Sequence[Change]) -> str:
    return "\n".join(str(c) for c in changes) if changes else "no differences"


# --- generic --------------------------------------------------------------------------

def _keyed(old: Iterable[T], new: Iterable[T], subject: Callable[[T], str], summary: Callable[[T], str],
           changed: Callable[[T, T], list[Change]]) -> list[Change]:
    """Items matched by ``.id``: removed ones, then added and changed ones in the new order."""
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    result = [Change(REMOVED, subject(item), summary(item)) for key, item in before.items() if key not in after]
    for key, item in after.items():
        if key not in before:
            result.append(Change(ADDED, subject(item), summary(item)))
        else:
            result += changed(before[key], item)
    return result


def _field(subject: str, what: str, old, new, show: Callable[[object], str] = repr) -> list[Change]:
    if old == new:
        return []
    return [Change(CHANGED, subject, f"{what} {show(old)} -> {show(new)}")]


def _text(subject: str, what: str, old: str, new: str) -> list[Change]:
    """Long texts (descriptions, guidance) are only said to have changed."""
    if (old or "").split() == (new or "").split():
        return []
    if not old:
        return [Change(CHANGED, subject, f"{what} added")]
    if not new:
        return [Change(CHANGED, subject, f"{what} removed")]
    return [Change(CHANGED, subject, f"{what} changed")]


def _listed(values: Iterable[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return "none"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(value: int | None) -> str:
    return "none" if value is None else f"{value} %"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# --- the methodology and its stages ---------------------------------------------------

def _methodology(old: Methodology, new: Methodology) -> list[Change]:
    subject = f"methodology '{new.id}'"
    return (_field(subject, "id", old.id, new.id)
            + _field(subject, "version", old.version, new.version)
            + _field(subject, "name", old.name, new.name)
            + _text(subject, "description", old.description, new.description)
            + _field(subject, "process", old.process.id, new.process.id))


def _stage_subject(stage: Stage) -> str:
    return f"stage '{stage.id}'"


def _stage_summary(stage: Stage) -> str:
    return f"{stage.name}, {stage.probability} %, {stage.outcome}"


def _stages(old: Sequence[Stage], new: Sequence[Stage]) -> list[Change]:
    before = {s.id: s for s in old}
    after = {s.id: s for s in new}
    removed = [s for s in old if s.id not in after]
    added = [s for s in new if s.id not in before]
    renamed: dict[str, Stage] = {}  # new id -> old stage, for an id change at the same nodes
    for stage in added:
        twin = next((r for r in removed if set(r.entered_at) == set(stage.entered_at)
                     and r not in renamed.values()), None)
        if twin is not None:
            renamed[stage.id] = twin
    result = [Change(REMOVED, _stage_subject(s), _stage_summary(s))
              for s in removed if s not in renamed.values()]
    for stage in new:
        previous = before.get(stage.id) or renamed.get(stage.id)
        if previous is None:
            result.append(Change(ADDED, _stage_subject(stage), _stage_summary(stage)))
            result += [Change(ADDED, _activity_subject(stage, a), _activity_summary(a)) for a in stage.activities]
            result += _criteria(stage, Stage("", "", 0, "open", "", (), 0), stage)
            continue
        if previous.id != stage.id:
            result.append(Change(CHANGED, f"stage '{previous.id}'", f"id is now '{stage.id}'"))
        result += _stage_changes(previous, stage)
    old_order = [s.id for s in old if s.id in after]
    new_order = [s.id for s in new if s.id in before]
    if old_order != new_order:
        result.append(Change(CHANGED, "stage order", f"{', '.join(old_order)} -> {', '.join(new_order)}"))
    return result


def _stage_changes(old: Stage, new: Stage) -> list[Change]:
    subject = _stage_subject(new)
    result = (_field(subject, "name", old.name, new.name)
              + _field(subject, "probability", old.probability, new.probability, _percent)
              + _field(subject, "outcome", old.outcome, new.outcome, str)
              + _field(subject, "entered at", old.entered_at, new.entered_at, _listed)
              + _text(subject, "description", old.description, new.description))
    result += _keyed(old.activities, new.activities, lambda a: _activity_subject(new, a), _activity_summary,
                     lambda a, b: _activity_changes(new, a, b))
    return result + _criteria(new, old, new)


def _activity_subject(stage: Stage, activity: Activity) -> str:
    return f"activity '{activity.id}' of stage '{stage.id}'"


def _activity_summary(activity: Activity) -> str:
    parts = [activity.title, f"lane {activity.role}"]
    if activity.due:
        parts.append(f"due {activity.due}")
    if activity.required:
        parts.append("required")
    return ", ".join(parts)


def _activity_changes(stage: Stage, old: Activity, new: Activity) -> list[Change]:
    subject = _activity_subject(stage, new)
    return (_field(subject, "title", old.title, new.title)
            + _field(subject, "lane", old.role, new.role, str)
            + _field(subject, "due", old.due, new.due, lambda v: v or "none")
            + _field(subject, "required", old.required, new.required, _yes)
            + _text(subject, "guidance", old.guidance, new.guidance))


_CRITERIA = (("fields", "field"), ("answered", "answered"), ("buying_center", "buying-center role"))


def _criteria(stage: Stage, old: Stage, new: Stage) -> list[Change]:
    result = []
    for attribute, what in _CRITERIA:
        before = getattr(old.exit_criteria, attribute)
        after = getattr(new.exit_criteria, attribute)
        subject = f"exit criterion of stage '{stage.id}'"
        result += [Change(REMOVED, subject, f"{what} {name}") for name in before if name not in after]
        result += [Change(ADDED, subject, f"{what} {name}") for name in after if name not in before]
    return result


def _role_subject(role: BuyingCenterRole) -> str:
    return f"buying-center role '{role.id}'"


def _role_summary(role: BuyingCenterRole) -> str:
    return role.name


def _role_changes(old: BuyingCenterRole, new: BuyingCenterRole) -> list[Change]:
    subject = _role_subject(new)
    return (_field(subject, "name", old.name, new.name)
            + _text(subject, "description", old.description, new.description))


def _reason_subject(reason: LostReason) -> str:
    return f"lost reason '{reason.id}'"


def _reason_summary(reason: LostReason) -> str:
    return reason.label + (", needs a note" if reason.needs_note else "")


def _reason_changes(old: LostReason, new: LostReason) -> list[Change]:
    subject = _reason_subject(new)
    return (_field(subject, "label", old.label, new.label)
            + _field(subject, "needs_note", old.needs_note, new.needs_note))


# --- the process ----------------------------------------------------------------------

def _lanes(old: BpmnProcess, new: BpmnProcess) -> list[Change]:
    return ([Change(REMOVED, f"lane '{lane}'") for lane in old.lanes if lane not in new.lanes]
            + [Change(ADDED, f"lane '{lane}'") for lane in new.lanes if lane not in old.lanes])


def _tasks(process: BpmnProcess) -> tuple[FlowNode, ...]:
    return process.user_tasks


def _task_subject(task: FlowNode) -> str:
    return f"task '{task.id}'"


def _task_summary(task: FlowNode) -> str:
    parts = [task.name or task.id, f"lane {task.lane or 'none'}"]
    if task.form:
        parts.append("fields " + ", ".join(f.id for f in task.form))
    return ", ".join(parts)


def _task_changes(old: FlowNode, new: FlowNode) -> list[Change]:
    subject = _task_subject(new)
    result = (_field(subject, "name", old.name, new.name)
              + _field(subject, "lane", old.lane, new.lane, lambda v: v or "none")
              + _field(subject, "due", old.due_date, new.due_date, lambda v: v or "none")
              + _text(subject, "instructions", old.documentation, new.documentation))
    return result + _keyed(old.form, new.form, lambda f: _form_subject(new, f), _form_summary,
                           lambda a, b: _form_changes(new, a, b))


def _form_subject(task: FlowNode, form_field: FormField) -> str:
    return f"field '{form_field.id}' of task '{task.id}'"


def _form_summary(form_field: FormField) -> str:
    parts = [form_field.label or form_field.id, form_field.type]
    if form_field.required:
        parts.append("required")
    return ", ".join(parts)


def _form_changes(task: FlowNode, old: FormField, new: FormField) -> list[Change]:
    subject = _form_subject(task, new)
    result = (_field(subject, "label", old.label, new.label)
              + _field(subject, "type", old.type, new.type, str)
              + _field(subject, "required", old.required, new.required, _yes)
              + _field(subject, "default", old.default, new.default, lambda v: "none" if v is None else repr(v))
              + _field(subject, "minimum", old.minimum, new.minimum, lambda v: v or "none")
              + _field(subject, "maximum", old.maximum, new.maximum, lambda v: v or "none"))
    before, after = dict(old.choices), dict(new.choices)
    removed = [c for c in before if c not in after]
    added = [c for c in after if c not in before]
    relabelled = [c for c in after if c in before and before[c] != after[c]]
    if removed or added or relabelled:
        parts = [f"+{c}" for c in added] + [f"-{c}" for c in removed] + [f"~{c}" for c in relabelled]
        result.append(Change(CHANGED, subject, "choices " + " ".join(parts)))
    return result


def _conditions(old: BpmnProcess, new: BpmnProcess) -> list[Change]:
    """Gateway conditions, matched by sequence-flow id."""
    before = {f.id: f.condition for f in old.flows if f.condition}
    after = {f.id: f.condition for f in new.flows if f.condition}
    result = []
    for flow_id, condition in before.items():
        if flow_id not in after:
            result.append(Change(REMOVED, f"condition of flow '{flow_id}'", condition.strip()))
    for flow_id, condition in after.items():
        if flow_id not in before:
            result.append(Change(ADDED, f"condition of flow '{flow_id}'", condition.strip()))
        elif before[flow_id].strip() != condition.strip():
            result.append(Change(CHANGED, f"condition of flow '{flow_id}'",
                                 f"{before[flow_id].strip()} -> {condition.strip()}"))
    return result


# --- questionnaires -------------------------------------------------------------------

def _questionnaire_subject(questionnaire: Questionnaire) -> str:
    return f"questionnaire '{questionnaire.id}'"


def _attached(questionnaire: Questionnaire) -> str:
    return f"task {questionnaire.task}" if questionnaire.task else f"stage {questionnaire.stage}"


def _questionnaire_summary(questionnaire: Questionnaire) -> str:
    return (f"{questionnaire.name}, at {_attached(questionnaire)}, {len(questionnaire.questions)} questions, "
            f"classes {', '.join(c.id for c in questionnaire.classes)}")


def _questionnaire_changes(old: Questionnaire, new: Questionnaire) -> list[Change]:
    subject = _questionnaire_subject(new)
    result = (_field(subject, "name", old.name, new.name)
              + _field(subject, "attached to", _attached(old), _attached(new), str)
              + _text(subject, "description", old.description, new.description))
    result += _keyed(old.questions, new.questions, lambda q: _question_subject(new, q), _question_summary,
                     lambda a, b: _question_changes(new, a, b))
    old_order = [q.id for q in old.questions if q.id in {n.id for n in new.questions}]
    new_order = [q.id for q in new.questions if q.id in {o.id for o in old.questions}]
    if old_order != new_order:
        result.append(Change(CHANGED, subject, f"question order {', '.join(old_order)} -> {', '.join(new_order)}"))
    result += _keyed(old.classes, new.classes, lambda c: f"class '{c.id}' of {subject}", _class_summary,
                     lambda a, b: _class_changes(f"class '{b.id}' of {subject}", a, b))
    return result


def _question_subject(questionnaire: Questionnaire, question: Question) -> str:
    return f"question '{question.id}' of questionnaire '{questionnaire.id}'"


def _question_summary(question: Question) -> str:
    parts = [f"weight {_number(question.weight)}"]
    if question.group:
        parts.append(f"group {question.group}")
    parts.append("answers " + ", ".join(f"{a.id} {_number(a.points)}" for a in question.answers))
    return ", ".join(parts)


def _question_changes(questionnaire: Questionnaire, old: Question, new: Question) -> list[Change]:
    subject = _question_subject(questionnaire, new)
    result = (_field(subject, "text", old.text, new.text)
              + _field(subject, "weight", old.weight, new.weight, _number)
              + _field(subject, "group", old.group, new.group, lambda v: v or "none")
              + _text(subject, "help", old.help, new.help))
    before = {a.id: a for a in old.answers}
    after = {a.id: a for a in new.answers}
    for answer_id, answer in before.items():
        if answer_id not in after:
            result.append(Change(REMOVED, f"answer '{answer_id}' of {subject}",
                                 f"{answer.text}, {_number(answer.points)} points"))
    for answer_id, answer in after.items():
        answer_subject = f"answer '{answer_id}' of {subject}"
        if answer_id not in before:
            result.append(Change(ADDED, answer_subject, f"{answer.text}, {_number(answer.points)} points"))
            continue
        result += _field(answer_subject, "text", before[answer_id].text, answer.text)
        result += _field(answer_subject, "points", before[answer_id].points, answer.points, _number)
    return result


def _class_summary(score_class: ScoreClass) -> str:
    parts = [score_class.name, f"from {_number(score_class.min_score)}"]
    if score_class.probability is not None:
        parts.append(f"probability {score_class.probability} %")
    if score_class.probability_adjustment is not None:
        parts.append(f"probability {score_class.probability_adjustment:+d} points")
    return ", ".join(parts)


def _class_changes(subject: str, old: ScoreClass, new: ScoreClass) -> list[Change]:
    return (_field(subject, "name", old.name, new.name)
            + _field(subject, "min score", old.min_score, new.min_score, _number)
            + _field(subject, "probability", old.probability, new.probability, _percent)
            + _field(subject, "probability adjustment", old.probability_adjustment, new.probability_adjustment,
                     lambda v: "none" if v is None else f"{v:+d}"))
