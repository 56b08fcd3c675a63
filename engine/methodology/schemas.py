"""The JSON Schemas of the YAML kinds, and schema errors a designer can act on.

The schemas ship inside the package (``schemas/*.schema.json``) so that
``dealflow schema KIND`` can print them for editors. jsonschema's own messages are
written for programmers ("Additional properties are not allowed"); here each kind
of error becomes a sentence that names the field, the bad value and the fix.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import jsonschema
import jsonschema_rs

from engine.methodology.problems import Problem, did_you_mean, one_of
from engine.methodology.yaml_source import YamlDocument

#: kind name -> schema file; the kind names are also the folder names.
KINDS = {
    "stages": "stages.schema.json",
    "questionnaires": "questionnaire.schema.json",
    "routing": "routing.schema.json",
    "scenarios": "scenario.schema.json",
}

_PATTERN_MEANING = {
    "^[a-z][a-z0-9_-]{0,62}$": "lowercase letters, digits, '-' and '_', starting with a letter",
    "^[a-z][a-z0-9_]{0,62}$": "lowercase letters, digits and '_', starting with a letter",
    "^[A-Za-z][A-Za-z0-9_]{0,30}$": "letters, digits and '_', starting with a letter",
    "^[a-z][a-z0-9_-]{0,62}(@[^@\\s]+)?$": "a methodology id, optionally followed by @version",
    '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$': "an ISO 8601 duration such as P3D (3 days) or PT4H (4 hours)",
    "^[a-z][a-z0-9_]{0,39}$": "lowercase letters, digits and '_', starting with a letter",
}

_TYPE_NAMES = {
    "string": "text", "integer": "a whole number", "number": "a number",
    "object": "a mapping of 'key: value' lines", "array": "a list ('- item' lines)",
    "boolean": "true or false",
}


def schema_text(kind: str) -> str:
    """The JSON Schema of ``kind`` as shipped, for ``dealflow schema``."""
    return resources.files(__package__).joinpath("schemas", KINDS[kind]).read_text("utf-8")


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_text(kind))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


@lru_cache(maxsize=None)
def _quick_validator(kind: str):
    """The same schema compiled by jsonschema-rs: it only says whether a file is valid,
    about 100x faster than walking it with jsonschema, which is left to explain the
    invalid ones (its errors carry what the messages below are written from)."""
    return jsonschema_rs.validator_for(json.loads(schema_text(kind)))


def check_against_schema(kind: str, doc: YamlDocument) -> list[Problem]:
    """Every schema violation in ``doc``, each at the line of the offending value."""
    if _quick_validator(kind).is_valid(doc.data):
        return []
    errors = _validator(kind).iter_errors(doc.data)
    problems = {_problem(doc, err) for err in errors if not _missing_because_misspelled(err)}
    return sorted(problems)


def _missing_because_misspelled(err: jsonschema.ValidationError) -> bool:
    """A required field that is only missing because it is misspelled ('probabilty'):
    the unknown-field message already says 'did you mean', so this one is noise."""
    if err.validator != "required" or not isinstance(err.instance, dict):
        return False
    missing = err.message.split("'")[1]
    known = err.schema.get("properties", {})
    return any(did_you_mean(key, [missing]) for key in err.instance if key not in known)


def _field_name(path) -> str:
    names = [p for p in path if isinstance(p, str)]
    return f"'{names[-1]}'" if names else "the file"


def _shown(doc: YamlDocument, path, value) -> str:
    raw = doc.raw_scalars.get(tuple(path))
    if raw is not None and isinstance(value, (bool, int, float)) and not isinstance(value, str):
        return repr(raw) if raw != str(value).lower() else raw
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def _problem(doc: YamlDocument, err: jsonschema.ValidationError) -> Problem:
    path = tuple(err.absolute_path)
    line = doc.line_of(path)
    name = _field_name(path)
    value = err.instance
    kind = err.validator

    if kind == "required":
        missing = err.message.split("'")[1]
        message = f"missing required field '{missing}'"
        where = err.schema.get("properties", {}).get(missing, {}).get("description")
        if where:
            message += f" ({where})"
    elif kind == "additionalProperties" and isinstance(value, dict):
        known = list(err.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in known)[0]
        line = doc.key_line_of(path + (extra,))
        hint = did_you_mean(extra, known) or f"; allowed here: {one_of(known)}"
        message = f"unknown field '{extra}'{hint}"
    elif kind == "type":
        expected = err.validator_value
        wanted = _TYPE_NAMES.get(expected, expected) if isinstance(expected, str) else expected
        message = f"{name} must be {wanted}; got {_shown(doc, path, value)}"
        raw = doc.raw_scalars.get(path)
        if expected == "string" and raw is not None:
            message += f" — put it in quotes: '{raw}'"
        elif expected in ("integer", "number") and raw and raw.rstrip().endswith("%"):
            message += f" — write the number without '%': {raw.rstrip()[:-1].strip()}"
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bounds = _bounds(err.schema)
        message = f"{name} must be {bounds}; got {_shown(doc, path, value)}"
    elif kind == "enum":
        allowed = [str(v) for v in err.validator_value]
        message = (f"{name} must be {one_of(allowed)}; got {_shown(doc, path, value)}"
                   f"{did_you_mean(str(value), allowed)}")
    elif kind == "pattern":
        meaning = _PATTERN_MEANING.get(err.validator_value, f"match {err.validator_value}")
        message = f"{name} {value!r} must use {meaning}"
    elif kind == "minItems":
        message = f"{name} needs at least {err.validator_value} item{'s' if err.validator_value > 1 else ''}"
    elif kind == "uniqueItems":
        message = f"{name} lists the same value twice"
    elif kind == "minLength":
        message = f"{name} must not be empty"
    elif kind == "maxLength":
        message = f"{name} is too long (at most {err.validator_value} characters)"
    elif kind in ("minProperties", "maxProperties") and path and path[-1] == "attached_to":
        message = "'attached_to' needs exactly one of 'task: TASK_ID' or 'stage: STAGE_ID'"
    elif kind == "minProperties":
        message = f"{name} must not be empty"
    elif kind == "oneOf" and "team_queue" in json.dumps(err.schema):
        shown = _shown(doc, path, value)
        roles = ["owner", "owner_manager", "team_queue"]
        hint = did_you_mean(str(value), roles) if isinstance(value, str) else ""
        message = (f"lane {name} must be owner, owner_manager, team_queue, "
                   f"{{user: NAME}} or {{team: NAME}}; got {shown}{hint}")
    elif kind == "not" and isinstance(value, dict) and "probability" in value:
        message = "give either 'probability' or 'probability_adjustment', not both"
    else:  # a schema construct without a tailored message yet
        message = f"{name}: {err.message}"
    return Problem(doc.path, line, message)


def _bounds(schema: dict) -> str:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if "exclusiveMinimum" in schema and high is not None:
        return f"greater than {low} and at most {high}"
    if low is not None and high is not None:
        return f"between {low} and {high}"
    return f"at least {low}" if low is not None else f"at most {high}"
