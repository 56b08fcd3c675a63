"""Routing, pure: which segment an opportunity falls in, and who owns it.

Segments are tried in order and the first whose condition holds and whose amount
threshold admits the deal wins (a segment with neither 'when' nor 'amount' matches
every opportunity). A segment's amount threshold names
its currency and admits only deals in it: Dealflow keeps no exchange rates, so
100000 JPY is not compared with 100000 EUR (the routing says so instead). The owner is chosen among the
segment team's reps by the segment's assignment strategy.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Mapping, Sequence

from engine.errors import ExpressionError, RoutingError
from engine.expressions import compile_expression
from engine.methodology.model import INITIATOR, FlowNode, LaneRole, Routing, Segment


@dataclass(frozen=True)
class Candidate:
    """A rep who could own the opportunity."""

    user_id: int
    username: str
    open_tasks: int


def routing_variables(amount: Decimal, currency: str, attributes: Mapping[str, object],
                      partner: Mapping[str, object]) -> dict[str, object]:
    """What a segment condition can read: the attributes, amount, currency, partner."""
    variables: dict[str, object] = {key: None for key in ("territory", "channel", "industry", "source")}
    variables.update(attributes)
    variables.update(amount=amount, currency=currency, partner=dict(partner))
    return variables


@dataclass(frozen=True)
class Routed:
    """The segment an opportunity falls in, and why the segments before it whose
    condition held did not take it (an amount threshold in another currency)."""

    segment: Segment
    notes: tuple[str, ...] = ()


def choose_segment(routing: Routing, variables: Mapping[str, object]) -> Segment:
    return route(routing, variables).segment


def route(routing: Routing, variables: Mapping[str, object]) -> Routed:
    """The first segment whose condition holds and whose amount threshold, if any,
    admits the deal's amount in the threshold's own currency."""
    notes = []
    for segment in routing.segments:
        if segment.when is not None and not _holds(segment, variables):
            continue
        band = segment.amount
        if band is None or band.admits(variables["amount"], variables["currency"]):
            return Routed(segment, tuple(notes))
        if variables["currency"] != band.currency:
            notes.append(f"Segment '{segment.name}' takes deals of {band}; this deal is in "
                         f"{variables['currency']}, and Dealflow converts no currencies, so it did not match.")
    why = f" ({' '.join(notes)})" if notes else ""
    raise RoutingError("no segment of the routing rules matches this opportunity; add a segment "
                       f"without 'when' or 'amount' at the end to catch every other opportunity{why}")


def _holds(segment: Segment, variables: Mapping[str, object]) -> bool:
    try:
        matched = compile_expression(segment.when).evaluate(variables)
    except ExpressionError as err:
        raise RoutingError(f"the condition of segment '{segment.id}' failed: {err.message}") from None
    if matched is not True and matched is not False:
        raise RoutingError(f"the condition of segment '{segment.id}' gave {matched!r}, not True or False")
    return matched


def choose_owner(segment: Segment, candidates: Sequence[Candidate], *, territory: object,
                 last_user_id: int | None) -> Candidate:
    """The owner by the segment's strategy; ``candidates`` are ordered by user id."""
    if segment.assignment == "territory_map":
        username = segment.territory_map.get(str(territory)) if territory is not None else None
        if username is None:
            raise RoutingError(f"segment '{segment.id}' maps no rep to territory {territory!r}")
        for candidate in candidates:
            if candidate.username == username:
                return candidate
        raise RoutingError(f"segment '{segment.id}' maps territory {territory!r} to '{username}', "
                           f"who is not an active rep of team '{segment.team}'")
    if not candidates:
        raise RoutingError(f"team '{segment.team}' of segment '{segment.id}' has no active reps")
    if segment.assignment == "fewest_open_tasks":
        return min(candidates, key=lambda c: (c.open_tasks, c.user_id))
    # round_robin: the next rep after the last one chosen, wrapping around.
    for candidate in candidates:
        if last_user_id is None or candidate.user_id > last_user_id:
            return candidate
    return candidates[0]


class TaskRoles(dict):
    """Lane name -> role (a plain dict to whoever knows only lanes), with the
    methodology's ``groups`` and ``users`` maps for tasks that name their own
    assignment (camunda:assignee, candidateGroups, candidateUsers)."""

    def __init__(self, lanes: Mapping[str, LaneRole] = (), groups: Mapping[str, LaneRole] | None = None,
                 users: Mapping[str, LaneRole] | None = None, topics: Mapping[str, str] | None = None):
        super().__init__(lanes)
        self.groups = dict(groups or {})
        self.users = dict(users or {})
        self.topics = dict(topics or {})  # service task implementation -> worker topic


def task_roles(routing: Routing, methodology_id: str) -> TaskRoles:
    return TaskRoles(routing.lanes.get(methodology_id, {}), routing.groups.get(methodology_id, {}),
                     routing.users.get(methodology_id, {}), routing.topics.get(methodology_id, {}))


OWNER = LaneRole("owner")


def explicit_role(node: FlowNode | None, groups: Mapping[str, LaneRole],
                  users: Mapping[str, LaneRole],
                  assigned: Sequence[tuple[str, Sequence[str]]] = ()) -> LaneRole | None:
    """The role a task's own assignment names, which wins over its lane's: the
    assignee, else the first candidate group, else the first candidate user
    (Dealflow gives a task one assignee or one team queue). ``${initiator}`` is
    the opportunity's owner. ``assigned``: the names the task's assignment
    expressions gave when it was reached (attribute, names), each after the literal
    names of its attribute; the first the routing maps counts. None: no assignment,
    or a name the routing does not map (validation refuses a literal one; a routing
    deployed later, or an expression's names, fall back to the lane)."""
    if node is None:
        return None
    given = {attribute: tuple(names) for attribute, names in assigned}
    for attribute, literal, names in (("assignee", (node.assignee,) if node.assignee else (), users),
                                      ("candidateGroups", node.candidate_groups, groups),
                                      ("candidateUsers", node.candidate_users, users)):
        for name in literal:
            return OWNER if name == INITIATOR else names.get(name)
        for name in given.get(attribute, ()):
            if name in names:
                return names[name]
    return None


def unresolved_assignment(node: FlowNode | None, groups: Mapping[str, LaneRole], users: Mapping[str, LaneRole],
                          assigned: Sequence[tuple[str, Sequence[str]]], problem: str | None) -> str | None:
    """Why a task whose assignment is an expression goes to its lane's role instead:
    the expression failed, or none of the names it gave is in the routing file.
    None when the assignment found its role (or the task has no expression)."""
    if node is None or not node.assignment_expressions:
        return None
    if explicit_role(node, groups, users, assigned) is not None:
        return None
    if problem:
        return f"user task '{node.id}': {problem}; it went to its lane's role"
    names = [n for _, given in assigned for n in given]
    written = ", ".join(f'{attribute}="{source}"' for attribute, source in node.assignment_expressions)
    if not names:
        return f"user task '{node.id}': {written} gave no name; it went to its lane's role"
    return (f"user task '{node.id}': {written} gave {', '.join(repr(n) for n in names)}, which the routing "
            "file's 'groups:' and 'users:' do not map; it went to its lane's role: map them to route it")


def task_role(node: FlowNode | None, lane: str | None, lanes: Mapping[str, LaneRole],
              assigned: Sequence[tuple[str, Sequence[str]]] = ()) -> LaneRole | None:
    """The role that works a task: its own assignment (camunda:assignee,
    candidateGroups; ``explicit_role``) wins over its lane's. ``lanes`` may carry
    ``groups`` and ``users``, the routing's names for assignment attributes."""
    explicit = explicit_role(node, getattr(lanes, "groups", {}), getattr(lanes, "users", {}), assigned)
    return explicit or lanes.get(lane or "")


def task_holder(role: LaneRole | None, owner_id: int, manager_id: int | None, team_id: int | None,
                user_id: Callable[[str], int | None],
                named_team_id: Callable[[str], int | None]) -> tuple[int | None, int | None]:
    """(assignee, candidate team) of a task worked by ``role`` on a deal with this
    owner, manager and team; ``user_id``/``named_team_id`` give the id of the user or
    team a role names (None: there is none). An unmapped lane, user or team falls
    back to the deal's owner."""
    if role is None or role.kind == "owner":
        return owner_id, None
    if role.kind == "owner_manager":
        return (manager_id or owner_id), None
    if role.kind == "team_queue":
        return None, team_id
    if role.kind == "user":
        return (user_id(role.name) or owner_id), None
    named = named_team_id(role.name)
    return (None, named) if named is not None else (owner_id, None)
