"""The buying center (M6), pure: what a person and a relationship may hold.

``clean_contact`` and ``clean_relationship`` turn submitted values (form strings or
JSON values) into typed ones, or give a message per field — every problem at once,
like engine.rules.forms. A reporting line may not go round in a circle (A reports to
B who reports to A), a person does not relate to themselves, and the same
relationship is not recorded twice (for the two-way kinds, in either direction).

The diagram drawn from these records is engine.drawing.buying_center_diagram.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

import networkx as nx

from engine.views.buying_center import RelationshipKindView

__all__ = ["ATTITUDES", "CONTACT_FIELDS", "KINDS", "RELATIONSHIP_FIELDS", "clean_contact",
           "clean_relationship", "kind"]

# --- what may be recorded ----------------------------------------------------------------

ATTITUDES = ("supporter", "neutral", "opponent")
KINDS = (
    RelationshipKindView("reports_to", "reports to", "formal", True),
    RelationshipKindView("listens_to", "listens to", "informal", True),
    RelationshipKindView("friends_with", "friends with", "informal", False),
    RelationshipKindView("former_colleague_at_competitor", "ex-colleagues at a competitor", "informal", False),
)
_KINDS = {k.id: k for k in KINDS}
FORMAL = "reports_to"
LOW, HIGH = 1, 5  # influence and strength
DEFAULT_INFLUENCE = DEFAULT_STRENGTH = 3
MAX_NAME, MAX_JOB_TITLE, MAX_NOTES = 200, 200, 4000
MAX_CONTACTS, MAX_RELATIONSHIPS = 100, 400  # per opportunity: a diagram people can still read

CONTACT_FIELDS = ("name", "job_title", "role", "influence", "attitude", "notes")
RELATIONSHIP_FIELDS = ("from_contact", "to_contact", "kind", "strength")


def kind(kind_id: str) -> RelationshipKindView:
    """The relationship kind; an id no longer known counts as informal and two-way."""
    return _KINDS.get(kind_id) or RelationshipKindView(kind_id, kind_id.replace("_", " "), "informal", False)


def clean_contact(values: Mapping[str, object], role_ids: Collection[str], *,
                  partial: bool = False) -> tuple[dict, dict[str, str]]:
    """(typed values, message per field). Without ``partial`` every field gets a value
    (name is required; no role, influence 3, neutral and empty texts otherwise); with
    it only the fields present are checked, as for a change."""
    clean: dict = {}
    errors: dict[str, str] = {}

    def present(name: str) -> bool:
        return not partial or name in values

    if present("name"):
        text = _text(values.get("name"), MAX_NAME, errors, "name")
        if text == "" and "name" not in errors:
            errors["name"] = "enter the person's name"
        clean["name"] = text
    for name, limit in (("job_title", MAX_JOB_TITLE), ("notes", MAX_NOTES)):
        if present(name):
            clean[name] = _text(values.get(name), limit, errors, name, keep_lines=name == "notes")
    if present("role"):
        role = values.get("role")
        if role is None or (isinstance(role, str) and not role.strip()):
            clean["role"] = None
        elif not isinstance(role, str) or role.strip() not in role_ids:
            errors["role"] = ("choose one of " + ", ".join(role_ids) + ", or none" if role_ids
                              else "this methodology names no buying-center roles; leave it empty")
        else:
            clean["role"] = role.strip()
    if present("influence"):
        clean["influence"] = _level(values.get("influence"), DEFAULT_INFLUENCE, errors, "influence")
    if present("attitude"):
        attitude = values.get("attitude")
        if attitude is None:  # "" is a choice nobody made: refused like any other
            clean["attitude"] = "neutral"
        elif not isinstance(attitude, str) or attitude.strip() not in ATTITUDES:
            errors["attitude"] = "choose supporter, neutral or opponent"
        else:
            clean["attitude"] = attitude.strip()
    return ({} if errors else clean), errors


def clean_relationship(values: Mapping[str, object], contact_ids: Collection[int],
                       existing: Iterable[tuple[int, int, str]]) -> tuple[dict, dict[str, str]]:
    """(typed values, message per field) for a new relationship between two of
    ``contact_ids``, given the ``existing`` (from, to, kind) relationships."""
    clean: dict = {}
    errors: dict[str, str] = {}
    for name in ("from_contact", "to_contact"):
        contact = _whole(values.get(name))
        if contact is None or contact not in contact_ids:
            errors[name] = "choose a person of this buying center"
        clean[name] = contact
    kind_id = values.get("kind")
    if not isinstance(kind_id, str) or kind_id.strip() not in _KINDS:
        errors["kind"] = "choose one of " + ", ".join(_KINDS)
    else:
        clean["kind"] = kind_id.strip()
    clean["strength"] = _level(values.get("strength"), DEFAULT_STRENGTH, errors, "strength")
    if errors:
        return {}, errors
    a, b, chosen = clean["from_contact"], clean["to_contact"], _KINDS[clean["kind"]]
    existing = list(existing)
    if a == b:
        errors["to_contact"] = "choose someone else: a person does not relate to themselves"
    elif any(k == chosen.id and ((f, t) == (a, b) or (not chosen.directed and (f, t) == (b, a)))
             for f, t, k in existing):
        errors["kind"] = f"this relationship ({chosen.label}) is already recorded"
    elif chosen.id == FORMAL and _reports_through(existing, b, a):
        errors["to_contact"] = ("this person already reports to the other one, directly or through "
                                "others; a reporting line cannot go round in a circle")
    return ({} if errors else clean), errors


def _reports_through(existing: list[tuple[int, int, str]], subordinate: int, boss: int) -> bool:
    lines = nx.DiGraph((f, t) for f, t, k in existing if k == FORMAL)
    return subordinate in lines and boss in lines and nx.has_path(lines, subordinate, boss)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: object, limit: int, errors: dict, name: str, *, keep_lines: bool = False) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = "enter text"
        return ""
    text = _CONTROL.sub("", value.replace("\r\n", "\n")).strip()
    if not keep_lines:
        text = " ".join(text.split())
    if len(text) > limit:
        errors[name] = f"enter at most {limit} characters"
    return text


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,12}\s*", value):
        return int(value)
    return None


def _level(value: object, default: int, errors: dict, name: str) -> int:
    if value is None or value == "":
        return default
    level = _whole(value)
    if level is None or not LOW <= level <= HIGH:
        errors[name] = f"choose a whole number from {LOW} to {HIGH}"
        return default
    return level
