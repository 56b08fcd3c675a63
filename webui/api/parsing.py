"""Request bodies in: JSON objects whose numbers stay exact, and the names a route
takes. What the values must look like is the façade's to say."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import request

from engine import shown_name, unstorable

from webui.errors import FORM_MESSAGE, HttpError


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def json_object() -> dict:
    """The request body as a JSON object; an empty body is an empty object. Numbers
    with a fraction become Decimal, so amounts stay exact."""
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise HttpError(422, "the body is not valid JSON",
                        {"body": f"{err.msg} (line {err.lineno}, column {err.colno})"}) from None
    except (ValueError, RecursionError) as err:
        raise HttpError(422, "the body is not valid JSON", {"body": str(err) or "too deeply nested"}) from None
    if not isinstance(body, dict):
        raise HttpError(422, "the body must be a JSON object", {"body": "send a JSON object: {...}"})
    refuse(unstorable_texts(body))
    return body


def unstorable_texts(body: dict) -> dict[str, str]:
    """A message per field holding text that cannot be stored (a NUL, a lone surrogate:
    engine.rules.inputs.unstorable), at any depth, names too. A value is named by the
    name it has in its object, a bad name by the field whose object holds it ("body"
    at the top), as a form names the field it shows the message beside."""
    problems: dict[str, str] = {}
    pending: list[tuple[str, object]] = [("body", body)]
    while pending:  # no recursion: the parser already allowed deep nesting
        field, value = pending.pop()
        if isinstance(value, str):
            message = unstorable(value)
            if message is not None:
                problems.setdefault(shown_name(field), message)
        elif isinstance(value, dict):
            for key, item in value.items():
                message = unstorable(key)
                if message is not None:
                    problems.setdefault(shown_name(field), "a name in it: " + message)
                else:
                    pending.append((key, item))
        elif isinstance(value, list):
            pending.extend((field, item) for item in value)
    return problems


def unknown_fields(body: dict, known: tuple[str, ...], hint: str | None = None) -> dict[str, str]:
    """A message for each key of ``body`` that is not in ``known``."""
    message = "unknown field; " + (hint or "use " + ", ".join(known))
    return {str(key): message for key in body if key not in known}


def only(body: dict, known: tuple[str, ...]) -> dict:
    """``body`` itself, when it has no key but ``known``; a 422 naming the others."""
    refuse(unknown_fields(body, known))
    return body


def no_nulls(values: dict, nullable: tuple[str, ...] = ()) -> None:
    """A 422 naming each field sent as null that the document does not declare
    nullable: null is not a way to leave a field out (the façade would take it as
    absent and apply the default)."""
    refuse({str(name): "send a value, or leave the field out; it may not be null"
            for name, value in values.items() if value is None and name not in nullable})


class _NotAWholeNumber:
    """Stands for a JSON value of another type where the document says integer."""

    def __repr__(self) -> str:
        return "not a whole number"


NOT_A_WHOLE_NUMBER = _NotAWholeNumber()


def whole_numbers(values: dict, names: tuple[str, ...]) -> dict:
    """``values`` with each of ``names`` that is not a JSON integer ("", "4", true)
    replaced by a value no rule of the façade accepts, so that the façade names it
    beside every other problem of the body (all at once). The document says
    integer; the façade's leniency for HTML forms, where "" means the default and
    "3" is 3, is not the API's."""
    return {name: NOT_A_WHOLE_NUMBER
            if name in names and (isinstance(value, bool) or not isinstance(value, int)) else value
            for name, value in values.items()}


def refuse(fields: dict[str, str]) -> None:
    """A 422 with a message per field, when there is any."""
    if fields:
        raise HttpError(422, FORM_MESSAGE, fields)
