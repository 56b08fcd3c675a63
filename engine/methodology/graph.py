"""Which flow nodes of a BPMN process a token can ever reach.

Used to refuse stage tables whose stages can never be entered, and methodologies
whose won or lost outcome is unreachable. Starts at the start events and follows
sequence flows, boundary events (an activity can be interrupted by its boundary
events), embedded subprocesses (entering one starts its start events; its end
events continue after it) and event subprocesses (reachable whenever their parent
runs).
"""

from __future__ import annotations

from collections import defaultdict, deque

from engine.methodology.model import BpmnProcess


def reachable_nodes(process: BpmnProcess, *, side_branches: bool = True,
                    stopping_at: frozenset[str] = frozenset()) -> frozenset[str]:
    """The nodes a token can reach from the process's start; without ``side_branches``,
    not those reached only through a non-interrupting boundary event (whose branch runs
    beside the main path: its end does not end the process). A token reaches the nodes
    of ``stopping_at`` but goes no further from them (nor to their boundary events):
    what is left out is what runs only after one of them."""
    nodes = process.nodes
    successors: dict[str, set[str]] = defaultdict(set)
    has_incoming: set[str] = set()
    for flow in process.flows:
        if flow.source in nodes and flow.target in nodes:
            successors[flow.source].add(flow.target)
            has_incoming.add(flow.target)
    children: dict[str | None, list[str]] = defaultdict(list)
    for node in nodes.values():
        children[node.parent].append(node.id)
        if node.attached_to in nodes and (side_branches or node.interrupting):
            successors[node.attached_to].add(node.id)
            has_incoming.add(node.id)
    for node in nodes.values():
        if node.parent is not None and node.parent in nodes:
            if node.kind == "startEvent" or (node.kind == "subProcess" and node.id not in has_incoming):
                successors[node.parent].add(node.id)
            elif nodes[node.parent].kind == "adHocSubProcess" and node.id not in has_incoming \
                    and node.kind != "boundaryEvent":
                successors[node.parent].add(node.id)  # each may be activated
            if node.kind == "endEvent":
                successors[node.id] |= successors_by_flow(process, node.parent)
    # Only start events start a process: SpiffWorkflow never runs a task without
    # an incoming flow, whatever BPMN says. A subprocess without incoming flows is
    # taken for an event subprocess, which can run whenever its parent does.
    starts = [n for n in children[None]
              if nodes[n].kind == "startEvent"
              or (nodes[n].kind == "subProcess" and n not in has_incoming)]
    seen = set(starts)
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        if current in stopping_at:
            continue
        for nxt in successors[current]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return frozenset(seen)


def successors_by_flow(process: BpmnProcess, node_id: str) -> set[str]:
    return {f.target for f in process.flows if f.source == node_id and f.target in process.nodes}
