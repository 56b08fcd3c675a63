"""What handing a partner to another rep returns (M12): frozen, plain values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HandOverReport:
    """What one hand-over moved and what it left where it was.

    ``open_deals_moved``: ids of the open deals the new rep owns now (with their
    open tasks of the old owner); ``open_deals_kept``: open deals of the partner
    another rep owns, left with them (``others_open_deals`` was off) or those of the
    old owner when ``open_deals`` was off. ``closed_deals``: the option as given,
    "stay" or "move". A dry run's counts are what the hand-over would move if
    nothing changed before it ran."""

    partner_id: int
    partner_name: str
    from_owner: str | None
    to_owner: str
    closed_deals: str
    open_deals_moved: tuple[int, ...]
    open_deals_kept: tuple[int, ...]
    tasks_moved: int
    activities_moved: int
    closed_deals_moved: tuple[int, ...]
    closed_deals_kept: tuple[int, ...]
    dry_run: bool = False  # only what would move: nothing changed

    @property
    def deals_moved(self) -> int:
        return len(self.open_deals_moved) + len(self.closed_deals_moved)
