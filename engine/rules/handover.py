"""Handing a partner to another rep (M12), decided over plain facts: the options, as
Salesforce's account owner change offers them, and which of the partner's deals
move.

Salesforce moves the account's open opportunities of the old owner with the
account, and offers to move the open opportunities other reps own and the closed
ones; completed activities and history never move. Here:

    open_deals         the old owner's open deals (and their open tasks of him)   yes by default
    others_open_deals  open deals of the partner that other reps own              no by default
    closed_deals       the old owner's won and lost deals: "stay" or "move"       "stay" by default
    activities         the old owner's planned activities with the partner        yes by default

A moved deal whose team the new rep is not in goes to the team its segment routes
to, when the new rep is in that one (``team_for``); else it keeps its team and
manager, as it did before — a rep may work a deal outside their teams.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from engine.errors import FormError

CLOSED_DEALS = ("stay", "move")


@dataclass(frozen=True)
class HandOverOptions:
    closed_deals: str = "stay"
    open_deals: bool = True
    others_open_deals: bool = False
    activities: bool = True


def options(*, closed_deals: object = "stay", open_deals: object = True, others_open_deals: object = False,
            activities: object = True) -> HandOverOptions:
    """The options, or FormError naming each one that is not what it must be."""
    problems = {}
    if closed_deals not in CLOSED_DEALS or not isinstance(closed_deals, str):
        problems["closed_deals"] = "choose stay or move"
    for name, value in (("open_deals", open_deals), ("others_open_deals", others_open_deals),
                        ("activities", activities)):
        if not isinstance(value, bool):
            problems[name] = "send true or false"
    if problems:
        raise FormError(problems)
    return HandOverOptions(closed_deals, open_deals, others_open_deals, activities)


class Deal(Protocol):
    id: int
    owner_id: int
    status: str


@dataclass(frozen=True)
class Plan:
    """Ids of the deals the hand-over gives the new rep, and of those it leaves with
    someone else. Deals the new rep owns already are in neither."""

    open_moved: tuple[int, ...]
    open_kept: tuple[int, ...]
    closed_moved: tuple[int, ...]
    closed_kept: tuple[int, ...]


def plan(deals: Iterable[Deal], *, from_owner_id: int | None, to_owner_id: int, chosen: HandOverOptions) -> Plan:
    """Which deals move, as they are once locked (a deal closed meanwhile is a closed one)."""
    open_moved, open_kept, closed_moved, closed_kept = [], [], [], []
    for deal in deals:
        if deal.owner_id == to_owner_id:
            continue
        old_owners = deal.owner_id == from_owner_id
        if deal.status == "open":
            moves = chosen.open_deals if old_owners else chosen.others_open_deals
            (open_moved if moves else open_kept).append(deal.id)
        else:
            moves = old_owners and chosen.closed_deals == "move"
            (closed_moved if moves else closed_kept).append(deal.id)
    return Plan(tuple(open_moved), tuple(open_kept), tuple(closed_moved), tuple(closed_kept))


def team_for(deal_team_id: int | None, segment_team_id: int | None, owner_team_ids: Iterable[int]) -> int | None:
    """The team a deal moved to a new owner goes to, or None to keep its own: the
    new owner is in its team already (None), else the team of the deal's segment if
    the new owner is in that one, else None."""
    teams = set(owner_team_ids)
    if deal_team_id in teams:
        return None
    if segment_team_id is not None and segment_team_id in teams:
        return segment_team_id
    return None
