"""Whether an opportunity may leave its stage (M4): the stage's required
activities are done and its exit criteria hold. Pure: the caller gathers the facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from engine.methodology.model import Methodology, Stage
from engine.rules.forms import value_at


@dataclass(frozen=True)
class Criterion:
    kind: str  # activity, field, answered, buying_center
    name: str  # activity id, field id, questionnaire[/group], role id
    label: str  # what a rep reads: "required activity 'Call the CFO' is done"
    met: bool
    to_do: str = ""  # what to do while it is not met: "do the activity 'Call the CFO'"


def evaluate(stage: Stage, methodology: Methodology, *, values: Mapping[str, object],
             scores: Mapping[str, dict], roles: Iterable[str], open_required: Iterable[str]) -> tuple[Criterion, ...]:
    """Every criterion of ``stage``, met or not.

    ``values``: field id -> value (opportunity fields, attributes, workflow data);
    ``scores``: the opportunity's questionnaire records; ``roles``: buying-center
    roles someone holds; ``open_required``: ids of this stage's required
    activities that are not done."""
    roles, open_required = set(roles), set(open_required)
    result = []
    for activity in stage.activities:
        if activity.required:
            result.append(Criterion("activity", activity.id, f"activity '{activity.title}' is done",
                                    activity.id not in open_required, f"do the activity '{activity.title}'"))
    criteria = stage.exit_criteria
    for name in criteria.fields:
        label = _field_label(methodology, name)
        result.append(Criterion("field", name, f"'{label}' is filled in", _has_value(value_at(values, name)),
                                f"fill in '{label}'"))
    for name in criteria.answered:
        questionnaire_id, _, group = name.partition("/")
        questionnaire = methodology.questionnaire(questionnaire_id)
        what = f"questionnaire '{questionnaire.name if questionnaire else questionnaire_id}'"
        if group:
            what = f"the '{group.replace('_', ' ').capitalize()}' questions of " + what  # a name, not the id
        result.append(Criterion("answered", name, f"{what} answered",
                                _answered(scores.get(questionnaire_id), group or None), f"answer {what}"))
    role_names = {r.id: r.name for r in methodology.buying_center_roles}
    for role in criteria.buying_center:
        role_name = role_names.get(role, role).lower()
        result.append(Criterion("buying_center", role, f"someone in the buying center is the {role_name}",
                                role in roles, f"name the {role_name} in the buying center"))
    return tuple(result)


def refusal(stage: Stage, criteria: Iterable[Criterion]) -> str | None:
    """The message that refuses leaving ``stage``, or None when every criterion is met."""
    missing = [c.to_do or c.label for c in criteria if not c.met]
    if not missing:
        return None
    # Imperatives, not "not yet: 'X' is filled in", which reads as if X were filled in.
    return f"the opportunity cannot leave stage '{stage.name}' yet; still to do: " + "; ".join(missing)


def _has_value(value) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    return True


def _answered(record: dict | None, group: str | None) -> bool:
    if record is None:
        return False
    return all(q.get("answer") is not None for q in record.get("questions", ())
               if group is None or q.get("group") == group)


def _field_label(methodology: Methodology, field_id: str) -> str:
    for node in methodology.process.nodes.values():
        for f in node.form:
            if f.id == field_id:
                return f.label or f.id
    for questionnaire in methodology.questionnaires:
        for q in questionnaire.questions:
            if q.id == field_id:
                return q.text
    return field_id.replace("_", " ")
