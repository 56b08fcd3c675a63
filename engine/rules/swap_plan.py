"""Swapping a segment's methodology, pure: which stage of the new methodology each
open opportunity goes to, and why some cannot move.

A deal in stage ``s`` goes to ``stage_map[s]`` if the manager mapped it, else to
the new methodology's stage with the same id. It then starts on the new process
just before the first node the target stage is entered at (``ProcessRunner.start_at``),
which must be on the top-level process and outside parallel branches. Nothing here
reads the database or runs a workflow: ``plan`` turns facts into decisions, the
service applies them.

Each reason a deal stays is said twice: with ids (the command line, where a stage map
is typed, and the swap's record) and with names (the page a manager previews on, and
the message after a swap or its reversal): ``plan`` for the reasons known before
anything runs, ``entry`` and ``ends_at_once`` for those only a real swap or a
reversal meets.
``suggested_targets`` is the stage a manager is offered for each old stage.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from engine.errors import DealflowError
from engine.methodology.model import BpmnProcess, Methodology
from engine.methodology.problems import did_you_mean_or_known

__all__ = ["Deal", "Move", "Plan", "Reason", "check_stage_map", "ends_at_once", "entry", "entry_node",
           "parse_stage_map", "plan", "suggested_targets"]

_FORKS = ("parallelGateway", "inclusiveGateway")


@dataclass(frozen=True)
class Deal:
    """What planning needs to know of one open opportunity."""

    id: int
    stage_id: str | None
    error: str | None = None  # the message of a failed step, if one is pending
    stage_name: str | None = None  # its stage as its own methodology names it


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
    # reason -> the same said with the names of the methodology and its stages
    explained: Mapping[str, str] = field(default_factory=dict)

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


@dataclass(frozen=True)
class Reason:
    """Why a deal stays, with ids (``text``: the command line, the swap's record) and
    with names (``named``: a page)."""

    text: str
    named: str


def entry_node(methodology: Methodology, stage_id: str) -> tuple[str | None, str | None]:
    """(the node a workflow can start at to enter ``stage_id``, None) or (None, why not)."""
    node_id, why = _entry(methodology, stage_id)
    return node_id, why and why.said(named=False)


def entry(methodology: Methodology, stage_id: str, *, shown_as: str | None = None) -> tuple[str | None, Reason | None]:
    """``entry_node`` with the reason said both ways (``methodology`` named ``shown_as``
    if given, else by its name)."""
    node_id, why = _entry(methodology, stage_id)
    return node_id, why and why.both(shown_as)


def ends_at_once(methodology: Methodology, stage_id: str, *, shown_as: str | None = None) -> Reason:
    """Why a deal started at ``stage_id`` cannot stay there: its process ran on to the
    end (or to a stage that closes the deal) before anyone could act."""
    return _Why("stage '{stage}' of {methodology} runs on to the end of the process at once", methodology,
                stage_id).both(shown_as)


@dataclass(frozen=True)
class _Why:
    """A reason a deal stays, to be said with ids or with names. ``template`` has
    {stage} and {methodology}; ``detail`` follows as it is (node ids, a step's
    message: text that may hold braces, never formatted)."""

    template: str
    methodology: Methodology
    stage_id: str | None = None
    stage_name: str | None = None  # a stage of another methodology (the deal's): its name there
    detail: str = ""
    shown_as: str | None = None  # the methodology as people call it, e.g. "Quick deal 1.0"

    def said(self, *, named: bool) -> str:
        if not named:
            return self.template.format(stage=self.stage_id, methodology=self.methodology.id) + self.detail
        own = self.methodology.stage(self.stage_id or "")
        stage = self.stage_name or (own.name if own else self.stage_id)
        return self.template.format(stage=stage, methodology=self.shown_as or self.methodology.name) + self.detail

    def both(self, shown_as: str | None = None) -> Reason:
        why = replace(self, shown_as=shown_as) if shown_as else self
        return Reason(why.said(named=False), why.said(named=True))


def _entry(methodology: Methodology, stage_id: str) -> tuple[str | None, _Why | None]:
    stage = methodology.stage(stage_id)
    if stage is None:
        return None, _Why("'{stage}' is not a stage of {methodology}", methodology, stage_id)
    if stage.outcome != "open":
        return None, _Why("stage '{stage}' of {methodology} closes the deal", methodology, stage_id,
                          detail=f" ({stage.outcome}); a swap moves open deals to open stages")
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
    return None, _Why("stage '{stage}' of {methodology} is entered where a swap cannot start", methodology,
                      stage_id, detail=": " + "; ".join(reasons))


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


def plan(deals: Iterable[Deal], new: Methodology, stage_map: Mapping[str, str], *,
         shown_as: str | None = None) -> Plan:
    """Where each deal goes in ``new``, and the deals that cannot move, by reason (and
    each reason with names, ``new`` called ``shown_as`` if given, else by its name)."""
    moves: list[Move] = []
    not_moved: dict[str, list[int]] = {}
    explained: dict[str, str] = {}
    entries: dict[str, tuple[str | None, _Why | None]] = {}
    stage_ids = {s.id for s in new.stages}

    def stays(deal: Deal, why: _Why | str) -> None:
        if isinstance(why, str):  # nothing in it has a name
            reason = named = why
        else:
            both = why.both(shown_as)
            reason, named = both.text, both.named
        not_moved.setdefault(reason, []).append(deal.id)
        explained[reason] = named

    for deal in deals:
        if deal.error is not None:
            stays(deal, f"a step failed ({deal.error}); retry or fix it first")
            continue
        target = stage_map.get(deal.stage_id or "")
        if target is None:
            if deal.stage_id in stage_ids:
                target = deal.stage_id
            elif deal.stage_id:
                stays(deal, _Why("no stage '{stage}' in {methodology} and the stage map does not say where it goes",
                                 new, deal.stage_id, deal.stage_name))
                continue
            else:
                stays(deal, "the deal has no stage")
                continue
        if target not in entries:
            entries[target] = _entry(new, target)
        node_id, why = entries[target]
        if node_id is None:
            stays(deal, why)
            continue
        moves.append(Move(deal.id, deal.stage_id, target, node_id))
    return Plan(tuple(moves), {reason: tuple(ids) for reason, ids in not_moved.items()}, explained)


def suggested_targets(old_stages: Iterable[tuple[str, str]], new_stages: Iterable[tuple[str, str]]) -> dict[str, str]:
    """(id, name) of the old methodology's stages and of the new one's -> old stage id ->
    the new stage a manager is offered for it: the stage with the same id, else the one
    with the same name (case, accents and spacing aside), else '' (none: they choose)."""
    new_stages = list(new_stages)
    by_id = {stage_id for stage_id, _ in new_stages}
    by_name: dict[str, str] = {}
    for stage_id, name in new_stages:
        by_name.setdefault(_folded(name), stage_id)  # two alike: the first in the stage table
    return {stage_id: stage_id if stage_id in by_id else by_name.get(_folded(name), "")
            for stage_id, name in old_stages}


def _folded(name: str) -> str:
    """A stage's name as compared: 'Needs  analysis', 'needs analysis' and 'Néeds analysis' alike."""
    letters = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in letters if not unicodedata.combining(c)).split())
