"""Swapping a segment's methodology, pure: which stage of the new methodology each
open opportunity goes to, and why some cannot move.

A deal in stage ``s`` goes to ``stage_map[s]`` if the manager mapped it, else to
the new methodology's stage with the same id. It then starts on the new process
just before the first node the target stage is entered at (``ProcessRunner.start_at``),
which must be on the top-level process and outside parallel branches. Nothing here
reads the database or runs a workflow: ``plan`` turns facts into decisions, the
service applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from engine.errors import DealflowError
from engine.methodology.model import BpmnProcess, Methodology
from engine.methodology.problems import did_you_mean_or_known

__all__ = ["Deal", "Move", "Plan", "check_stage_map", "entry_node", "parse_stage_map", "plan"]

_FORKS = ("parallelGateway", "inclusiveGateway")


@dataclass(frozen=True)
class Deal:
    """What planning needs to know of one open opportunity."""

    id: int
    stage_id: str | None
    error: str | None = None  # the message of a failed step, if one is pending


@dataclass(frozen=True)
class Move:
    opportunity_id: int
    from_stage: str | None
    to_stage: str
    node_id: str  # where the new workflow starts


@dataclass(frozen=True)
class Plan:
    moves: tuple[Move, ...]
    not_moved: Mapping[str, tuple[int, ...]]  # reason -> opportunity ids

    def counts(self) -> tuple[tuple[str | None, str, int], ...]:
        """(from stage, to stage, how many), in the order first seen."""
        counted: dict[tuple[str | None, str], int] = {}
        for move in self.moves:
            key = (move.from_stage, move.to_stage)
            counted[key] = counted.get(key, 0) + 1
        return tuple((a, b, n) for (a, b), n in counted.items())


def parse_stage_map(items: Iterable[str]) -> dict[str, str]:
    """``["offer=proposal", ...]`` -> ``{"offer": "proposal"}``; DealflowError on a bad item."""
    result: dict[str, str] = {}
    for item in items:
        old, sep, new = (part.strip() for part in item.partition("="))
        if not sep or not old or not new:
            raise DealflowError(f"stage map '{item}' is not OLD_STAGE=NEW_STAGE")
        if old in result and result[old] != new:
            raise DealflowError(f"the stage map maps stage '{old}' twice ('{result[old]}' and '{new}')")
        result[old] = new
    return result


def check_stage_map(stage_map: Mapping[str, str], old: Iterable[Methodology], new: Methodology) -> None:
    """Every key a stage of an old methodology, every value a stage of the new one:
    one DealflowError naming the first that is not, with a did-you-mean."""
    old = list(old)
    old_ids = {s.id for m in old for s in m.stages}
    new_ids = [s.id for s in new.stages]
    names = "/".join(sorted({m.id for m in old})) or "the segment's methodology"
    for key, value in stage_map.items():
        if key not in old_ids:
            raise DealflowError(f"stage map {key}={value}: '{key}' is not a stage of {names}"
                                + did_you_mean_or_known(key, old_ids, "stages"))
        if value not in new_ids:
            raise DealflowError(f"stage map {key}={value}: '{value}' is not a stage of {new.id}"
                                + did_you_mean_or_known(value, new_ids, "stages"))


def entry_node(methodology: Methodology, stage_id: str) -> tuple[str | None, str | None]:
    """(the node a workflow can start at to enter ``stage_id``, None) or (None, why not)."""
    stage = methodology.stage(stage_id)
    if stage is None:
        return None, f"'{stage_id}' is not a stage of {methodology.id}"
    if stage.outcome != "open":
        return None, (f"stage '{stage_id}' of {methodology.id} closes the deal ({stage.outcome}); "
                      "a swap moves open deals to open stages")
    process = methodology.process
    parallel = parallel_nodes(process)
    reasons = []
    for node_id in stage.entered_at:
        node = process.nodes.get(node_id)
        if node is None:
            reasons.append(f"'{node_id}' is not a node of {process.id}")
        elif node.parent is not None:
            reasons.append(f"{node_id} is inside subprocess {node.parent}")
        elif node_id in parallel:
            reasons.append(f"{node_id} is on a parallel branch")
        elif node.kind == "endEvent":
            reasons.append(f"{node_id} ends the process")
        else:
            return node_id, None
    return None, f"stage '{stage_id}' of {methodology.id} is entered where a swap cannot start: " + \
        "; ".join(reasons)


def parallel_nodes(process: BpmnProcess) -> frozenset[str]:
    """Top-level nodes a token can reach while another token of the same instance is
    alive: after a parallel or inclusive split, before its join."""
    outgoing: dict[str, list[str]] = {}
    incoming: dict[str, int] = {}
    for flow in process.flows:
        outgoing.setdefault(flow.source, []).append(flow.target)
        incoming[flow.target] = incoming.get(flow.target, 0) + 1
    boundary: dict[str, list[str]] = {}
    for node in process.nodes.values():
        if node.attached_to:
            boundary.setdefault(node.attached_to, []).append(node.id)
    starts = [n.id for n in process.nodes.values() if n.kind == "startEvent" and n.parent is None]
    inside: set[str] = set()
    seen: set[tuple[str, int]] = set()
    todo = [(node_id, 0) for node_id in starts]
    while todo:
        node_id, depth = todo.pop()
        if (node_id, depth) in seen or depth > 50:
            continue
        seen.add((node_id, depth))
        node = process.nodes.get(node_id)
        forking = node is not None and node.kind in _FORKS
        if forking and incoming.get(node_id, 0) > 1:
            depth = max(0, depth - 1)
        if depth > 0:
            inside.add(node_id)
        next_depth = depth + 1 if forking and len(outgoing.get(node_id, ())) > 1 else depth
        todo.extend((target, next_depth) for target in outgoing.get(node_id, ()))
        todo.extend((event, depth) for event in boundary.get(node_id, ()))
    return frozenset(inside)


def plan(deals: Iterable[Deal], new: Methodology, stage_map: Mapping[str, str]) -> Plan:
    """Where each deal goes in ``new``, and the deals that cannot move, by reason."""
    moves: list[Move] = []
    not_moved: dict[str, list[int]] = {}
    entries: dict[str, tuple[str | None, str | None]] = {}
    stage_ids = {s.id for s in new.stages}
    for deal in deals:
        if deal.error is not None:
            reason = f"a step failed ({deal.error}); retry or fix it first"
            not_moved.setdefault(reason, []).append(deal.id)
            continue
        target = stage_map.get(deal.stage_id or "")
        if target is None:
            if deal.stage_id in stage_ids:
                target = deal.stage_id
            else:
                reason = (f"no stage '{deal.stage_id}' in {new.id} and the stage map does not say where it goes"
                          if deal.stage_id else "the deal has no stage")
                not_moved.setdefault(reason, []).append(deal.id)
                continue
        if target not in entries:
            entries[target] = entry_node(new, target)
        node_id, reason = entries[target]
        if node_id is None:
            not_moved.setdefault(reason, []).append(deal.id)
            continue
        moves.append(Move(deal.id, deal.stage_id, target, node_id))
    return Plan(tuple(moves), {reason: tuple(ids) for reason, ids in not_moved.items()})
