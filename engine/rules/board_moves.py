"""The pipeline board's rules (issue 15): its columns and which open task moves a
deal to which stage — both read from the methodology alone, so the board offers
exactly the moves the process allows.

A stage move is a process step. Completing a waiting task sends the token along its
outgoing sequence flows, through everything that does not wait (gateways, script and
business-rule tasks, throw events, into and out of embedded subprocesses), until it
reaches either a node whose stage-table row names it in ``entered_at`` (the deal
enters that stage: a possible move) or a node that waits for someone or something
(another task, a timer, a message: the deal stays where it is for now). Which of the
possible stages a step actually reaches is decided by the task form's answers and the
gateways' conditions when it is completed; the board only opens that task.

Boundary events are not followed: a timer or message on a task fires on its own,
not because someone completed the task."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Iterable, Mapping

from engine.methodology.model import BpmnProcess, Methodology, Stage

# Nodes a token passes through at once when it reaches them (everything else waits).
PASSING = frozenset({
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "complexGateway",
    "scriptTask", "businessRuleTask", "task", "intermediateThrowEvent",
    "startEvent", "endEvent", "subProcess", "transaction",
})
CLOSED_OUTCOMES = ("won", "lost")


def columns(methodology: Methodology) -> tuple[Stage, ...]:
    """The board's columns: the open stages in the stage table's order, then won,
    then lost (each in table order)."""
    rank = {"open": 0, "won": 1, "lost": 2}
    return tuple(sorted(methodology.stages, key=lambda s: (rank.get(s.outcome, 0), s.position)))


def column_of(methodology: Methodology, stage_id: str | None, status: str) -> str | None:
    """The column a deal's card stands in: its stage, except that a closed deal whose
    stage is not of its outcome (closed by hand, not by the process) stands in the first
    stage of that outcome. None: no column fits (the card is shown apart)."""
    stage = methodology.stage(stage_id) if stage_id else None
    if status in CLOSED_OUTCOMES and (stage is None or stage.outcome != status):
        first = next((s for s in columns(methodology) if s.outcome == status), None)
        return first.id if first else None
    return stage.id if stage else None


def stage_targets(methodology: Methodology) -> Mapping[str, tuple[str, ...]]:
    """Per flow node that waits (a user task above all): the stages completing it can
    move a deal into next, in column order. Nodes that lead to no stage are left out."""
    process = methodology.process
    successors = _successors(process)
    order = {s.id: i for i, s in enumerate(columns(methodology))}
    targets: dict[str, tuple[str, ...]] = {}
    for node in process.nodes.values():
        if node.kind in PASSING or node.kind == "boundaryEvent":
            continue
        found: set[str] = set()
        seen: set[str] = set()
        queue = deque(successors[node.id])
        while queue:
            current = queue.popleft()
            if current in seen:
                continue
            seen.add(current)
            stage = methodology.stage_of_node(current)
            if stage is not None:
                found.add(stage.id)
                continue
            if process.nodes[current].kind in PASSING:
                queue.extend(successors[current])
        if found:
            targets[node.id] = tuple(sorted(found, key=lambda s: order.get(s, len(order))))
    return targets


def _successors(process: BpmnProcess) -> dict[str, list[str]]:
    """Where a token goes next from each node: its outgoing flows; a subprocess into
    its start events (its outgoing flows are taken from its end events); an end event
    inside a subprocess out of the subprocess."""
    nodes = process.nodes
    out: dict[str, list[str]] = defaultdict(list)
    for flow in process.flows:
        if flow.source in nodes and flow.target in nodes:
            out[flow.source].append(flow.target)
    successors: dict[str, list[str]] = defaultdict(list)
    for node in nodes.values():
        if node.kind in ("subProcess", "transaction"):
            starts = [n.id for n in nodes.values() if n.parent == node.id and n.kind == "startEvent"]
            successors[node.id] = starts or list(out[node.id])
        elif node.kind == "endEvent" and node.parent in nodes:
            successors[node.id] = list(out[node.parent])
        else:
            successors[node.id] = list(out[node.id])
    return successors


@dataclass(frozen=True)
class OpenTask:
    """One of a deal's open process tasks, as far as the board needs it."""

    task_id: str
    node_id: str
    name: str
    workable: bool  # whether the viewer may complete it (engine.rules.policy.may_work)


@dataclass(frozen=True)
class Move:
    """Completing ``task_id`` can move the deal into ``stage_id``."""

    stage_id: str
    task_id: str
    task_name: str


def moves(targets: Mapping[str, tuple[str, ...]], stage_id: str | None, open_tasks: Iterable[OpenTask],
          order: Mapping[str, int]) -> tuple[Move, ...]:
    """The moves the board offers a deal now standing in ``stage_id``: for each stage
    other than its own that an open task the viewer may complete leads to, the first
    such task (by name, then id). In column order (``order``: stage id -> column)."""
    best: dict[str, OpenTask] = {}
    for task in sorted(open_tasks, key=lambda t: (t.name, t.task_id)):
        if not task.workable:
            continue
        for target in targets.get(task.node_id, ()):
            if target != stage_id and target not in best:
                best[target] = task
    return tuple(Move(s, best[s].task_id, best[s].name)
                 for s in sorted(best, key=lambda s: (order.get(s, len(order)), s)))
