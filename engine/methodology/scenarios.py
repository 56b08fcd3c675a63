"""Scenario files: a named path of one deal through a methodology, and what must
hold along it (``methodologies/scenarios/*.yaml``, run by ``dealflow test``).

Pure: text in, frozen values out, each step and each expected value with the line
it was written on, so a failed expectation can be reported as ``path:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from engine.errors import FormError
from engine.methodology.problems import Problem
from engine.methodology.schemas import check_against_schema
from engine.methodology.timers import fixed_length
from engine.methodology.yaml_source import YamlDocument, read_yaml
from engine.rules.time_zones import zone_name

DEFAULT_AMOUNT = Decimal("10000")
EXPECTED_FIELDS = ("stage", "status", "probability", "open_tasks", "events", "warnings")


@dataclass(frozen=True)
class Expectation:
    line: int
    values: dict  # field (one of EXPECTED_FIELDS) -> expected value
    lines: dict  # field -> the line it was written on


@dataclass(frozen=True)
class Step:
    line: int
    kind: str  # answer, advance, messages or expect
    task: str | None = None
    values: dict = field(default_factory=dict)
    duration: timedelta | None = None
    duration_text: str | None = None
    expectation: Expectation | None = None
    messages: tuple[tuple[str, dict], ...] = ()  # (name, values) of each message sent, in order


@dataclass(frozen=True)
class Scenario:
    path: str
    line: int
    name: str
    methodology: str
    segment: str | None
    amount: Decimal
    attributes: dict
    steps: tuple[Step, ...]
    time_zone: str | None = None  # the simulated company's (IANA name), whose day today() is; None: UTC


def read_scenario(path: str, text: str) -> tuple[Scenario | None, list[Problem]]:
    """The scenario in ``text``, or None and every problem found, each at its line."""
    doc, problems = read_yaml(path, text)
    if doc is None or problems:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [Problem(path, doc.line_of(()), "expected a mapping of 'key: value' lines")]
    problems = check_against_schema("scenarios", doc)
    if problems:
        return None, problems
    return scenario_of(doc)


def scenario_of(doc: YamlDocument) -> tuple[Scenario | None, list[Problem]]:
    """The scenario of a document its schema accepts, or None and every problem its
    values have (an unknown time zone, a month-long advance, a negative amount).
    ``dealflow validate`` and ``dealflow test`` both ask this, so the two report the
    same problems at the same lines."""
    data = doc.data
    steps, problems = [], []
    for index, raw in enumerate(data["steps"]):
        step, problem = _step(doc, ("steps", index), raw)
        steps.append(step)
        problems += problem
    if "expect" in data:
        steps.append(Step(doc.key_line_of(("expect",)), "expect", expectation=_expectation(doc, ("expect",))))
    amount, problem = _amount(doc, data.get("amount", DEFAULT_AMOUNT))
    problems += problem
    zone, problem = _time_zone(doc, data.get("time_zone"))
    problems += problem
    if problems:
        return None, problems
    return Scenario(doc.path, doc.line_of(()), data["scenario"], data["methodology"], data.get("segment"), amount,
                    dict(data.get("attributes", {})), tuple(steps), zone), []


def _step(doc: YamlDocument, where: tuple, raw: dict) -> tuple[Step, list[Problem]]:
    kind, value = next(iter(raw.items()))
    line = doc.key_line_of(where + (kind,))
    if kind == "answer":
        return Step(line, "answer", task=str(value["task"]), values=dict(value.get("values", {}))), []
    if kind == "messages":
        sent = value if isinstance(value, list) else [value]
        return Step(line, "messages", messages=tuple((str(m["name"]), dict(m.get("values", {}))) for m in sent)), []
    if kind == "advance":
        length = fixed_length(value)
        if length is None:
            return Step(line, "advance"), [Problem(doc.path, line, f"advance {value!r}: give days, weeks or hours "
                                                                 "(P3D, P2W, PT4H); months and years vary in length")]
        return Step(line, "advance", duration=length, duration_text=value), []
    return Step(line, "expect", expectation=_expectation(doc, where + (kind,))), []


def _expectation(doc: YamlDocument, where: tuple) -> Expectation:
    values = dict(_at(doc.data, where))
    return Expectation(doc.key_line_of(where), values, {name: doc.key_line_of(where + (name,)) for name in values})


def _at(data, path: tuple):
    for key in path:
        data = data[key]
    return data


def _amount(doc: YamlDocument, value: object) -> tuple[Decimal, list[Problem]]:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        return DEFAULT_AMOUNT, [Problem(doc.path, doc.line_of(("amount",)),
                                        f"'amount' must be a number of at least 0; got {value!r}")]
    return amount, []


def _time_zone(doc: YamlDocument, value: object) -> tuple[str | None, list[Problem]]:
    """The zone the scenario's company keeps (the same names ``dealflow time-zone``
    accepts), None when the file gives none."""
    if value is None:
        return None, []
    try:
        return zone_name(value), []
    except FormError as err:
        return None, [Problem(doc.path, doc.line_of(("time_zone",)), f"time_zone: {err.fields['time_zone']}")]
