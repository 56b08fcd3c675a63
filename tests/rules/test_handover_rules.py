"""Which of a partner's deals a hand-over moves, and its options, decided without a
database (engine/rules/handover.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.errors import FormError
from engine.rules.handover import HandOverOptions, options, plan

OLD, NEW, OTHER = 1, 2, 3


@dataclass(frozen=True)
class Deal:
    id: int
    owner_id: int
    status: str


DEALS = [Deal(10, OLD, "open"), Deal(11, OLD, "won"), Deal(12, OLD, "lost"), Deal(13, OTHER, "open"),
         Deal(14, OTHER, "won"), Deal(15, NEW, "open")]


def test_by_default_the_old_owners_open_deals_move_and_everything_else_stays():
    decided = plan(DEALS, from_owner_id=OLD, to_owner_id=NEW, chosen=HandOverOptions())
    assert (decided.open_moved, decided.open_kept) == ((10,), (13,))
    assert (decided.closed_moved, decided.closed_kept) == ((), (11, 12, 14))


def test_closed_deals_move_only_those_of_the_old_owner():
    decided = plan(DEALS, from_owner_id=OLD, to_owner_id=NEW, chosen=HandOverOptions(closed_deals="move"))
    assert (decided.closed_moved, decided.closed_kept) == ((11, 12), (14,))


def test_others_open_deals_move_with_their_option_and_the_new_owners_own_are_left_alone():
    chosen = HandOverOptions(open_deals=False, others_open_deals=True)
    decided = plan(DEALS, from_owner_id=OLD, to_owner_id=NEW, chosen=chosen)
    assert (decided.open_moved, decided.open_kept) == ((13,), (10,))
    assert 15 not in decided.open_moved + decided.open_kept + decided.closed_moved + decided.closed_kept


def test_a_partner_without_an_owner_moves_no_deal_unless_others_are_asked_for():
    assert plan(DEALS, from_owner_id=None, to_owner_id=NEW, chosen=HandOverOptions()).open_moved == ()
    chosen = HandOverOptions(others_open_deals=True)
    assert plan(DEALS, from_owner_id=None, to_owner_id=NEW, chosen=chosen).open_moved == (10, 13)


def test_options_are_checked_and_every_wrong_one_is_named():
    assert options() == HandOverOptions("stay", True, False, True)
    assert options(closed_deals="move", activities=False) == HandOverOptions("move", True, False, False)
    with pytest.raises(FormError) as refused:
        options(closed_deals="later", open_deals="true", others_open_deals=None, activities=0)
    assert refused.value.fields == {"closed_deals": "choose stay or move", "open_deals": "send true or false",
                                    "others_open_deals": "send true or false", "activities": "send true or false"}
    with pytest.raises(FormError):
        options(closed_deals=["stay"])  # not hashable into the choice either
