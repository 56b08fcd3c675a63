"""Camunda Forms (the ``.form`` JSON files Camunda 8's modeler saves beside a process)
read into Dealflow's form model. Pure: bytes in, form fields and problems out.

A user task names its form with ``zeebe:formDefinition formId="…"``; the form's
input components become ``FormField``s, so the inbox renders them and the server
checks them like any other task form:

    textfield, textarea  -> string (minLength / maxLength / pattern)
    number               -> decimal, or long when decimalDigits is 0 (min / max)
    checkbox             -> boolean
    radio, select        -> enum with the component's static values
    datetime (date)      -> date
    group                -> its components, in order; its ``path`` (``applicant.address``)
                            goes before its children's keys

A key may be a path (``customer.name``): the value fills a field of a record in the
deal's data (engine.methodology.field_paths), as in Camunda 8.

``validate.required`` is kept for every kind. ``conditional.hide`` (FEEL) is
translated into Dealflow's expression language; the server ignores a hidden field.
Display-only components (text, spacer, separator, button, html, image, iframe) and read-only
or disabled fields (they show process data) contribute no field. Everything else is
refused at its line, saying what to use instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from engine.errors import ExpressionError
from engine.expressions import feel
from engine.methodology import field_paths
from engine.methodology.model import ExpressionSite, FormField
from engine.methodology.problems import Problem

__all__ = ["CamundaForm", "read_form", "read_forms"]

# An iframe shows a page inside the form: display-only too. Dealflow never frames an
# arbitrary address (its Content-Security-Policy forbids it); the task shows no field for it.
_DISPLAY_ONLY = frozenset({"text", "spacer", "separator", "button", "html", "image", "iframe"})
_TEXT = frozenset({"textfield", "textarea"})
_MAX_GROUP_DEPTH = 10
# A key, or a group's path: a name, or names joined by dots (nested data, as Camunda Forms bind it).
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*")
_MAX_TEXTAREA = "10000"  # a textarea without maxLength: the server's own limit for text


@dataclass
class CamundaForm:
    """One ``.form`` file: its id and the fields it asks for."""

    path: str
    id: str | None
    fields: tuple[FormField, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    expressions: list[ExpressionSite] = field(default_factory=list)  # conditional.hide, for the checks


def read_form(path: str, data: bytes) -> CamundaForm:
    text = data.decode("utf-8", errors="replace")
    try:
        document = json.loads(text)
    except RecursionError:
        return CamundaForm(path, None, problems=[Problem(path, 1, "the form nests too deeply to read")])
    except ValueError as err:
        line = getattr(err, "lineno", 1)
        return CamundaForm(path, None, problems=[Problem(path, line, f"not a Camunda Forms file: {err}")])
    if not isinstance(document, dict) or not isinstance(document.get("components"), list):
        return CamundaForm(path, None, problems=[Problem(path, 1, "not a Camunda Forms file: expected a JSON "
                                                                   "object with \"components\"")])
    form = CamundaForm(path, document.get("id") if isinstance(document.get("id"), str) else None)
    if form.id is None:
        form.problems.append(Problem(path, 1, "the form has no \"id\": a user task names it by "
                                              "zeebe:formDefinition formId"))
    fields: list[FormField] = []
    _components(form, text, document["components"], fields)
    seen: dict[str, int] = {}
    for f in fields:
        if f.id in seen:
            form.problems.append(Problem(path, f.line, f"the key '{f.id}' is used twice in the form (first on "
                                                       f"line {seen[f.id]}); give each field its own key"))
        seen.setdefault(f.id, f.line)
    form.fields = tuple(fields)
    return form


def read_forms(files: dict[str, bytes]) -> tuple[dict[str, CamundaForm], list[Problem]]:
    """The Camunda Forms of a methodology folder (path -> bytes) by their id, and
    their problems (a form id used by two files among them)."""
    forms: dict[str, CamundaForm] = {}
    problems: list[Problem] = []
    for path, data in sorted(files.items()):
        form = read_form(path, data)
        problems += form.problems
        if form.id is None:
            continue
        if form.id in forms:
            problems.append(Problem(path, 1, f"form id '{form.id}' is also the id of {forms[form.id].path}; "
                                             "give each form its own id"))
            continue
        forms[form.id] = form
    return forms, problems


def _line_of(text: str, component: dict) -> int:
    """The line of the component's ``"id"`` (or ``"key"``) in the file as written."""
    for name in ("id", "key"):
        value = component.get(name)
        if isinstance(value, str):
            found = re.search(r'"' + name + r'"\s*:\s*' + re.escape(json.dumps(value)), text)
            if found:
                return text.count("\n", 0, found.start()) + 1
    return 1


def _components(form: CamundaForm, text: str, components: list, fields: list[FormField], depth: int = 0,
                prefix: str = "") -> None:
    """The fields of ``components``; ``prefix``: the paths of the groups around them
    (a group's path is put before its children's keys, as Camunda Forms do)."""
    if depth > _MAX_GROUP_DEPTH:
        form.problems.append(Problem(form.path, 1, f"groups nest more than {_MAX_GROUP_DEPTH} deep in the form; "
                                                   "flatten them"))
        return
    for component in components:
        if not isinstance(component, dict):
            continue
        kind = component.get("type")
        line = _line_of(text, component)
        if kind in _DISPLAY_ONLY or component.get("readonly") is True or component.get("disabled") is True:
            continue
        if kind == "group":
            path = component.get("path")
            if path not in (None, "") and not (isinstance(path, str) and _KEY.fullmatch(path)):
                form.problems.append(Problem(form.path, line, (
                    f"group '{component.get('label', '')}' has the path {path!r}: write names of letters, digits "
                    "and '_' joined by dots (e.g. applicant.address), or clear it")))
                continue
            inner = component.get("components")
            _components(form, text, inner if isinstance(inner, list) else [], fields, depth + 1,
                        f"{prefix}{path}." if path else prefix)
            continue
        converted = _field(form, component, kind, line, prefix)
        if converted is not None:
            fields.append(converted)


def _field(form: CamundaForm, component: dict, kind, line: int, prefix: str = "") -> FormField | None:
    key = component.get("key")
    label = str(component.get("label") or (field_paths.label_of(prefix + key) if isinstance(key, str) else key) or "")
    refuse = lambda message: form.problems.append(Problem(form.path, line, message))  # noqa: E731
    if kind not in (*_TEXT, "number", "checkbox", "radio", "select", "datetime"):
        refuse(f"form component '{component.get('id', '')}' of type {kind!r} is not supported: use a textfield, "
               "textarea, number, checkbox, radio, select or datetime (date) field")
        return None
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        refuse(f"form field '{label}' has the key {key!r}: Dealflow stores a field under a name (letters, "
               "digits and '_'), or a path of them joined by dots for a field of a record; rename the key, "
               "e.g. 'customerName' or 'customer.name'")
        return None
    key = prefix + key
    if field_paths.path_problem(key):
        refuse(f"form field '{label}': {field_paths.path_problem(key)}")
        return None
    rules = component.get("validate") if isinstance(component.get("validate"), dict) else {}
    required = rules.get("required") is True
    minimum = maximum = pattern = None
    choices: tuple[tuple[str, str], ...] = ()
    if kind in _TEXT:
        field_type = "string"
        minimum, maximum = _limit(rules.get("minLength")), _limit(rules.get("maxLength"))
        pattern = rules.get("pattern") if isinstance(rules.get("pattern"), str) and rules.get("pattern") else None
        if pattern is not None and _bad_pattern(pattern):
            refuse(f"form field '{key}': the pattern {pattern!r} is not a regular expression Dealflow can check (nested repetition such as (a+)+ is refused: it can take "
               "the server minutes to check); simplify it")
            return None
        if kind == "textarea" and maximum is None:
            maximum = _MAX_TEXTAREA
    elif kind == "number":
        field_type = "long" if component.get("decimalDigits") == 0 else "decimal"
        minimum, maximum = _limit(rules.get("min")), _limit(rules.get("max"))
    elif kind == "checkbox":
        field_type = "boolean"
    elif kind == "datetime":
        if component.get("subtype", "date") != "date":
            refuse(f"form field '{key}' asks for a {component.get('subtype')}; Dealflow's forms ask for dates: "
                   "set the datetime field's subtype to date")
            return None
        field_type = "date"
    else:
        field_type = "enum"
        values = component.get("values")
        if not isinstance(values, list) or not values:
            refuse(f"form field '{key}' takes its options from process data (valuesKey or valuesExpression); "
                   "Dealflow's forms list their options: write them as static values in the form")
            return None
        choices = tuple((str(v.get("value")), str(v.get("label") or v.get("value")))
                        for v in values if isinstance(v, dict) and v.get("value") not in (None, ""))
    default = component.get("defaultValue")
    if isinstance(default, bool):
        default = "true" if default else "false"
    hidden_when = _hidden_when(form, component, key, line)
    return FormField(id=key, label=label, type=field_type, line=line,
                     default=None if default in (None, "") else str(default), required=required,
                     minimum=minimum, maximum=maximum, choices=choices, help=str(component.get("description") or ""),
                     pattern=pattern, hidden_when=hidden_when)


def _hidden_when(form: CamundaForm, component: dict, key: str, line: int) -> str | None:
    conditional = component.get("conditional")
    hide = conditional.get("hide") if isinstance(conditional, dict) else None
    if not isinstance(hide, str) or not hide.strip():
        return None
    where = f"condition hiding form field '{key}'"
    if not feel.is_feel(hide):
        form.problems.append(Problem(form.path, line, f"{where} is {hide!r}: write it in FEEL, starting with '='"))
        return None
    try:
        translated = feel.translate(hide, "conditions")
    except ExpressionError as err:
        form.problems.append(Problem(form.path, line, f"{where}: {err.message}"))
        return None
    form.expressions.append(ExpressionSite(form.path, line, where, hide))
    return translated


def _limit(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)) or value == "":
        return None
    return str(value)


# A quantified group that itself holds a quantifier, (a+)+: backtracking on it can take
# exponential time, and a methodology file must not be able to stall the server.
_NESTED_QUANTIFIER = re.compile(r"\([^)]*[+*{][^)]*\)\s*[+*{]")


def _bad_pattern(pattern: str) -> bool:
    if _NESTED_QUANTIFIER.search(pattern):
        return True
    try:
        re.compile(pattern)
    except (re.error, RecursionError):
        return True
    return len(pattern) > 500
