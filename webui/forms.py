"""A task's fields (FieldView) as HTML form controls, and the fields a form sent. Pure: no
request, no engine (the caller hands the request's form in).

The browser gets the same limits the server enforces (required, min/max, length) as
HTML attributes; the server still checks everything (``Engine.complete_task``), so
a request that skips the browser's checks gets the same messages beside each field."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.views import FieldView

_LONG_TEXT_HINTS = ("note", "summary", "requirement", "comment", "feedback", "changes", "description")
_YES_NO = (("true", "Yes"), ("false", "No"))


@dataclass(frozen=True)
class Control:
    """One form control: ``kind`` is text, textarea, number, date or select."""

    id: str
    label: str
    kind: str
    value: str
    required: bool
    attrs: dict = field(default_factory=dict)  # extra HTML attributes (min, max, step, ...)
    options: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    help: str = ""
    unit: str = ""  # shown after the input: an amount's currency


def controls(fields: tuple[FieldView, ...], values: dict[str, str] | None = None,
             errors: dict[str, str] | None = None, *, currency: str = "") -> list[Control]:
    """A control per field, showing ``values`` (what the user sent) or else the
    field's default, with the server's message for each field in ``errors``. An
    amount's control names ``currency``, the deal's: a methodology's labels cannot
    know it, since one process serves deals in several currencies."""
    values, errors = values or {}, errors or {}
    return [_control(f, values.get(f.id, f.default or ""), errors.get(f.id), currency) for f in fields]


def as_text(fields: tuple[FieldView, ...], answers: dict) -> dict[str, str]:
    """Stored answers (typed JSON values) as the form's controls take them back: a
    yes/no as true/false, a number or amount as its digits; a field not answered is
    empty (not its default: the person left it so)."""
    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    return {f.id: text(answers.get(f.id)) for f in fields}


def submitted(fields: tuple[FieldView, ...], form) -> dict[str, str]:
    """The form's own fields from the request (nothing else, not the CSRF token)."""
    return sent(tuple(f.id for f in fields), form)


def sent(names: tuple[str, ...], form) -> dict[str, str]:
    """The fields ``names`` that ``form`` (a request's form) carries, nothing else
    (not the CSRF token). A field left out of the form is left out here, so that an
    update leaves it as it is."""
    return {name: form[name] for name in names if name in form}


def _control(f: FieldView, value: str, error: str | None, currency: str) -> Control:
    kind = f.type.lower()
    common = dict(id=f.id, label=f.label, value=str(value), required=f.required, error=error, help=f.help)
    if kind == "boolean":
        return Control(kind="select", options=_blank(f) + _YES_NO, **common)
    if kind == "enum":
        return Control(kind="select", options=_blank(f) + tuple(f.choices), **common)
    if kind in ("long", "integer", "int"):
        return Control(kind="number", attrs=_limits(f, "min", "max", step="1"), **common)
    if kind in ("money", "decimal"):
        # Text, not a number input: an amount is typed as the app shows it ("12 500,50",
        # "12 500.00"), which a browser's number input refuses; the server reads it (issue 15).
        return Control(kind="text", attrs={"inputmode": "decimal", "autocomplete": "off"}, unit=currency, **common)
    if kind == "date":
        return Control(kind="date", **common)
    text_kind = "textarea" if _long_text(f) else "text"
    return Control(kind=text_kind, attrs=_limits(f, "minlength", "maxlength"), **common)


def _blank(f: FieldView) -> tuple[tuple[str, str], ...]:
    """An empty first choice unless the field has a default to preselect."""
    return () if f.default else (("", "— choose —" if f.required else "—"),)


def _limits(f: FieldView, low: str, high: str, **extra: str) -> dict:
    attrs = dict(extra)
    if f.minimum not in (None, ""):
        attrs[low] = f.minimum
    if f.maximum not in (None, ""):
        attrs[high] = f.maximum
    return attrs


def _long_text(f: FieldView) -> bool:
    try:
        if f.maximum and int(f.maximum) > 200:
            return True
    except ValueError:
        pass
    name = f"{f.id} {f.label}".lower()
    return any(hint in name for hint in _LONG_TEXT_HINTS)
