"""Routing, pure: which segment an opportunity falls in, and who owns it.

Segments are tried in order and the first whose condition holds wins (a segment
without a condition matches every opportunity). The owner is chosen among the
segment team's reps by the segment's assignment strategy.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Sequence

from .errors import DealflowError, ExpressionError
from .expressions import compile_expression
from .methodology.model import Routing, Segment


class RoutingError(DealflowError):
    """No segment matches, a condition failed, or nobody can own the opportunity."""


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


def choose_segment(routing: Routing, variables: Mapping[str, object]) -> Segment:
    for segment in routing.segments:
        if segment.when is None:
            return segment
        try:
            matched = compile_expression(segment.when).evaluate(variables)
        except ExpressionError as err:
            raise RoutingError(f"the condition of segment '{segment.id}' failed: {err.message}") from None
        if matched is True:
            return segment
        if matched is not False:
            raise RoutingError(f"the condition of segment '{segment.id}' gave {matched!r}, "
                               "not True or False")
    raise RoutingError("no segment of the routing rules matches this opportunity; add a segment "
                       "without 'when' at the end to catch every other opportunity")


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
