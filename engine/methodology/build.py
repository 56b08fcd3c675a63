"""Schema-valid YAML documents -> the frozen dataclasses of ``model``.

Runs only on documents that passed their JSON Schema, so the shapes are known;
what is checked here is what a schema cannot say (unique ids, ordering)."""

from __future__ import annotations

import re
from decimal import Decimal

from engine.errors import ExpressionError
from engine.expressions import Unpinned, unpinned_reads
from engine.methodology.model import (DEFAULT_BUYING_CENTER_ROLES, DEFAULT_FORECAST_RANGES, DEFAULT_LOST_REASONS,
                                      Activity, AmountBand, Answer, BuyingCenterRole, ForecastRanges, ExitCriteria, LaneRole, LostReason, Question, Questionnaire, Routing,
                                      ScoreClass, Segment, Stage, frozen_map)
from engine.methodology.problems import Problem, did_you_mean
from engine.methodology.yaml_source import YamlDocument


def _number(value) -> Decimal:
    # YAML gives floats for 0.5; str() first keeps the digits the designer wrote.
    return Decimal(str(value))


def _duplicates(doc: YamlDocument, items: list[dict], base: tuple, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        line = doc.line_of(base + (i, "id"))
        if item["id"] in seen:
            problems.append(Problem(doc.path, line, f"duplicate {what} id '{item['id']}' "
                                                    f"(first used on line {seen[item['id']]})"))
        else:
            seen[item["id"]] = line
    return problems


def stage_table(doc: YamlDocument) -> tuple[tuple[Stage, ...], list[Problem]]:
    data = doc.data
    problems = _duplicates(doc, data["stages"], ("stages",), "stage")
    stages = []
    for i, s in enumerate(data["stages"]):
        problems += _duplicates(doc, s.get("activities", []), ("stages", i, "activities"), "activity")
        activities = tuple(Activity(a["id"], a["title"], a["role"], a.get("guidance", ""), a.get("due"),
                                    a.get("required", False)) for a in s.get("activities", []))
        criteria = s.get("exit_criteria", {})
        exit_criteria = ExitCriteria(tuple(criteria.get("fields", ())), tuple(criteria.get("answered", ())),
                                     tuple(criteria.get("buying_center", ())))
        stages.append(Stage(id=s["id"], name=s["name"], probability=s["probability"], outcome=s["outcome"],
                            description=s.get("description", ""), entered_at=tuple(s["entered_at"]),
                            position=i, activities=activities, exit_criteria=exit_criteria,
                            max_days_in_stage=s.get("max_days_in_stage"), lost_reason=s.get("lost_reason"),
                            sets=tuple(s.get("sets", {}).items())))
    stages = tuple(stages)
    for i, stage in enumerate(stages):
        if stage.max_days_in_stage is not None and stage.outcome != "open":
            problems.append(Problem(doc.path, doc.key_line_of(("stages", i, "max_days_in_stage")),
                                    f"stage '{stage.id}' is {stage.outcome}, which closes the deal: it cannot "
                                    "stay too long there; remove 'max_days_in_stage' or put it on an open stage"))
    for i, stage in enumerate(stages):
        if stage.lost_reason is not None and stage.outcome != "lost":
            problems.append(Problem(doc.path, doc.key_line_of(("stages", i, "lost_reason")),
                                    f"stage '{stage.id}' is {stage.outcome}: only a lost stage has a lost "
                                    "reason; remove 'lost_reason' or set 'outcome: lost'"))
    for i, stage in enumerate(stages):
        if not stage.entered_at and stage.outcome != "lost":
            problems.append(Problem(doc.path, doc.key_line_of(("stages", i, "entered_at")),
                                    f"stage '{stage.id}' is entered at no BPMN node; only a lost stage may be "
                                    "(deals enter it when someone closes them as lost by hand)"))
    for outcome in ("won", "lost"):
        if not any(s.outcome == outcome for s in stages):
            problems.append(Problem(doc.path, doc.key_line_of(("stages",)),
                                    f"no stage has outcome '{outcome}': every methodology needs at least "
                                    f"one won and one lost stage; add a stage with 'outcome: {outcome}'"))
    return stages, problems


def buying_center_roles(doc: YamlDocument) -> tuple[tuple[BuyingCenterRole, ...], list[Problem]]:
    if "buying_center" not in doc.data:
        return DEFAULT_BUYING_CENTER_ROLES, []
    roles = doc.data["buying_center"]["roles"]
    problems = _duplicates(doc, roles, ("buying_center", "roles"), "buying-center role")
    return tuple(BuyingCenterRole(r["id"], r["name"], r.get("description", "")) for r in roles), problems


def stage_lost_reasons(doc: YamlDocument, stages: tuple[Stage, ...],
                       reasons: tuple[LostReason, ...]) -> list[Problem]:
    """A lost stage's ``lost_reason`` must be a code of the methodology's list."""
    codes = [r.id for r in reasons]
    return [Problem(doc.path, doc.line_of(("stages", i, "lost_reason")),
                    f"stage '{stage.id}': lost reason '{stage.lost_reason}' is not in 'lost_reasons'"
                    f"{did_you_mean(stage.lost_reason, codes)}; the codes are: {', '.join(codes)}")
            for i, stage in enumerate(stages)
            if stage.lost_reason is not None and stage.lost_reason not in codes]


def lost_reasons(doc: YamlDocument) -> tuple[tuple[LostReason, ...], list[Problem]]:
    if "lost_reasons" not in doc.data:
        return DEFAULT_LOST_REASONS, []
    reasons = doc.data["lost_reasons"]
    problems = _duplicates(doc, reasons, ("lost_reasons",), "lost reason")
    return tuple(LostReason(r["id"], r["label"], r.get("needs_note", False)) for r in reasons), problems


def forecast(doc: YamlDocument) -> tuple[ForecastRanges, list[Problem]]:
    """The ``forecast:`` block; the schema has checked each value's range, this
    checks that the thresholds make every bucket reachable."""
    if "forecast" not in doc.data:
        return DEFAULT_FORECAST_RANGES, []
    block = doc.data["forecast"]
    problems = []
    mode, commit = block["ranges"], block["commit"]
    cycle = block.get("typical_cycle_days")
    if mode == "binary":
        for key in ("best_case", "pipeline"):
            if key in block:
                problems.append(Problem(doc.path, doc.key_line_of(("forecast", key)),
                                        f"binary ranges only have 'commit' (include) and pipeline "
                                        f"(exclude); remove '{key}' or write 'ranges: buckets'"))
        return ForecastRanges("binary", commit, None, 0, cycle), problems
    best_case, pipeline = block.get("best_case"), block.get("pipeline", 0)
    below, below_name = commit, "commit"
    if best_case is not None:
        if best_case >= commit:
            problems.append(Problem(doc.path, doc.line_of(("forecast", "best_case")),
                                    f"best_case {best_case} must be below commit {commit}, "
                                    "or no deal could ever be best case"))
        below, below_name = best_case, "best_case"
    if "pipeline" in block and pipeline >= below:
        problems.append(Problem(doc.path, doc.line_of(("forecast", "pipeline")),
                                f"pipeline {pipeline} must be below {below_name} {below}, "
                                "or no deal could ever be pipeline"))
    return ForecastRanges("buckets", commit, best_case, pipeline, cycle), problems


def readable_stages(doc: YamlDocument) -> tuple[Stage, ...]:
    """The stages of a table that failed its schema, as far as their id and
    entered_at can be read — enough to check them against the BPMN as well, so
    that one wrong probability does not hide a wrong node id."""
    stages = []
    entries = doc.data.get("stages") if isinstance(doc.data, dict) else None
    for i, s in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(s, dict) or not isinstance(s.get("id"), str):
            continue
        nodes = s.get("entered_at")
        if not isinstance(nodes, list) or not all(isinstance(n, str) for n in nodes):
            continue
        stages.append(Stage(id=s["id"], name=str(s.get("name", "")), probability=0,
                            outcome=str(s.get("outcome", "open")), description="",
                            entered_at=tuple(nodes), position=i))
    return tuple(stages)


def questionnaire(doc: YamlDocument) -> tuple[Questionnaire, list[Problem]]:
    data = doc.data
    problems = _duplicates(doc, data["questions"], ("questions",), "question")
    questions = []
    for qi, q in enumerate(data["questions"]):
        problems += _duplicates(doc, q["answers"], ("questions", qi, "answers"), "answer")
        answers = tuple(Answer(a["id"], a["text"], _number(a["points"])) for a in q["answers"])
        if all(a.points == 0 for a in answers):
            problems.append(Problem(doc.path, doc.line_of(("questions", qi, "answers")),
                                    f"every answer of question '{q['id']}' gives 0 points, "
                                    "so it cannot change the score"))
        questions.append(Question(q["id"], q["text"], _number(q["weight"]), answers, q.get("help", ""),
                                  q.get("group")))
    problems += _duplicates(doc, data["classes"], ("classes",), "class")
    classes = []
    seen_scores: dict[Decimal, str] = {}
    for ci, c in enumerate(data["classes"]):
        score = _number(c["min_score"])
        if score in seen_scores:
            problems.append(Problem(doc.path, doc.line_of(("classes", ci, "min_score")),
                                    f"classes '{seen_scores[score]}' and '{c['id']}' both start at "
                                    f"min_score {c['min_score']}"))
        seen_scores[score] = c["id"]
        classes.append(ScoreClass(c["id"], c["name"], score, c.get("probability"),
                                  c.get("probability_adjustment")))
    if classes and min(c.min_score for c in classes) != 0:
        lowest = min(range(len(classes)), key=lambda i: classes[i].min_score)
        problems.append(Problem(doc.path, doc.line_of(("classes", lowest, "min_score")),
                                "no class starts at min_score 0, so a low score would have no class; "
                                "give the lowest class min_score: 0"))
    attached = data["attached_to"]
    result = Questionnaire(
        id=data["questionnaire"], methodology=data["methodology"], name=data["name"], path=doc.path,
        task=attached.get("task"), stage=attached.get("stage"), questions=tuple(questions),
        classes=tuple(sorted(classes, key=lambda c: c.min_score, reverse=True)),
        description=data.get("description", ""))
    return result, problems


def routing(doc: YamlDocument) -> tuple[Routing, list[Problem]]:
    data = doc.data
    problems = _duplicates(doc, data["segments"], ("segments",), "segment")
    segments = []
    catch_all_line = None
    for si, s in enumerate(data["segments"]):
        line = doc.line_of(("segments", si))
        if catch_all_line is not None:
            problems.append(Problem(doc.path, line,
                                    f"segment '{s['id']}' can never match: the segment without 'when' or 'amount' "
                                    f"on line {catch_all_line} matches every opportunity first; "
                                    "move the catch-all segment to the end"))
        if "when" not in s and "amount" not in s:
            catch_all_line = catch_all_line or line
        problems += _currency_problems(doc, si, s)
        if s["assignment"] == "territory_map" and "territory_map" not in s:
            problems.append(Problem(doc.path, doc.line_of(("segments", si, "assignment")),
                                    f"segment '{s['id']}' uses assignment territory_map but has no "
                                    "'territory_map' (territory: username)"))
        if "territory_map" in s and s["assignment"] != "territory_map":
            problems.append(Problem(doc.path, doc.key_line_of(("segments", si, "territory_map")),
                                    f"segment '{s['id']}' has a territory_map but its assignment is "
                                    f"'{s['assignment']}'; set assignment: territory_map or remove the map"))
        methodology, _, version = s["methodology"].partition("@")
        segments.append(Segment(
            id=s["id"], name=s["name"], when=s.get("when"), methodology=methodology,
            methodology_version=version or None, team=s["team"], assignment=s["assignment"],
            territory_map=frozen_map(s.get("territory_map")), description=s.get("description", ""),
            amount=_amount_band(s.get("amount"))))
    lanes = {
        methodology: frozen_map({lane: _role(role) for lane, role in roles.items()})
        for methodology, roles in data["lanes"].items()}
    groups, users = ({methodology: frozen_map({name: _role(role) for name, role in roles.items()})
                      for methodology, roles in data.get(key, {}).items()} for key in ("groups", "users"))
    return Routing(id=data["routing"], path=doc.path, lanes=frozen_map(lanes),
                   segments=tuple(segments), description=data.get("description", ""),
                   groups=frozen_map(groups), users=frozen_map(users),
                   topics=frozen_map({mid: frozen_map(part["topics"])
                                      for mid, part in data.get("integration", {}).items()})), problems


def _amount_band(value: dict | None) -> AmountBand | None:
    if value is None:
        return None
    return AmountBand(value["currency"], *(_number(value[k]) if k in value else None for k in ("at_least", "below")))


def _currency_problems(doc: YamlDocument, si: int, s: dict) -> list[Problem]:
    """A segment's amount compared without its currency (100000 JPY would pass like
    100000 EUR: Dealflow keeps no exchange rates), and an empty amount band."""
    problems = []
    band = s.get("amount")
    if band and "at_least" not in band and "below" not in band:
        problems.append(Problem(doc.path, doc.line_of(("segments", si, "amount")),
                                f"segment '{s['id']}': 'amount' names a currency but no threshold; give "
                                "'at_least', 'below' or both, or leave 'amount' out to take any amount"))
    if band and "at_least" in band and "below" in band and _number(band["below"]) <= _number(band["at_least"]):
        problems.append(Problem(doc.path, doc.line_of(("segments", si, "amount", "below")),
                                f"segment '{s['id']}': no amount is at least {band['at_least']} and below "
                                f"{band['below']}; make 'below' the larger"))
    if "when" in s:
        # At the part's own line: in a long 'when: |' block the 'when' line says little.
        problems += [Problem(doc.path, doc.line_in_text(("segments", si, "when"), part.line),
                             f"segment '{s['id']}' compares amount without naming its currency "
                             f"({' '.join(part.text.split())}): 100000 JPY would pass like 100000 EUR, and Dealflow "
                             "converts no currencies; give the threshold its currency with "
                             "'amount: {currency: PLN, at_least: 100000}' (or in the condition, in the same "
                             "'and' as the comparison: currency == 'PLN' and amount >= 100000)")
                     for part in _amount_without_currency(s["when"])]
    return problems


def _amount_without_currency(condition: str) -> tuple[Unpinned, ...]:
    """The parts of a segment's condition that read amount where no 'and' around
    them pins currency to one code (engine.expressions.pins says what pins)."""
    try:
        return unpinned_reads(condition, "amount", "currency", _is_currency_code)
    except ExpressionError:
        return ()  # what is wrong with it is reported where routing conditions are checked


def _is_currency_code(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value) is not None


def _role(value) -> LaneRole:
    if isinstance(value, str):
        return LaneRole(value)
    kind, name = next(iter(value.items()))
    return LaneRole(kind, name)
