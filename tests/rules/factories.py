"""Small methodologies built in code, for the pure rules' unit tests (no files read)."""

from __future__ import annotations

from decimal import Decimal

from engine.methodology.model import (Activity, Answer, BpmnProcess, ExitCriteria, FlowNode, FormField, Methodology,
                                      Question, Questionnaire, SequenceFlow, Stage, frozen_map)


def process(nodes: list[FlowNode], flows: list[tuple[str, str]], pid: str = "deal") -> BpmnProcess:
    return BpmnProcess(pid, pid.title(), f"bpmn/{pid}.bpmn", 1, True, frozen_map({n.id: n for n in nodes}),
                       tuple(SequenceFlow(f"F_{a}_{b}", a, b, 1) for a, b in flows), ("rep",))


def node(node_id: str, kind: str = "userTask", **more) -> FlowNode:
    return FlowNode(node_id, kind, node_id, 1, **more)


def stage(stage_id: str, position: int, entered_at: tuple[str, ...], outcome: str = "open", **more) -> Stage:
    return Stage(stage_id, stage_id.replace("_", " ").title(), 10 * (position + 1), outcome, "", entered_at,
                 position, **more)


def question(qid: str, group: str | None = None) -> Question:
    return Question(qid, f"What about {qid}?", Decimal(1), (Answer("yes", "Yes", Decimal(10)),), group=group)


def methodology(mid: str, proc: BpmnProcess, stages: list[Stage], questionnaires=()) -> Methodology:
    return Methodology(mid, "1", mid.title(), "", proc, tuple(stages), tuple(questionnaires), f"stages/{mid}.yaml",
                       "0" * 64)

