"""Which grouping attributes a deal's part in the report totals has after a change,
from the deal's own attributes and what its part held before — without reading its
partner card (``engine.store.deal_totals`` moves a step's part on in place with it).

A deal's territory, industry, source and campaign are its own attribute when that is
a non-empty text, else its partner card's column (empty when the card has none). The
card's value is known only from the part kept: it is the part's value where the deal
had none of its own then, and the card is the same one (every edit of a card replaces
its deals' parts, so a part found as kept is the card's as it is now)."""

from __future__ import annotations

from typing import Mapping, Sequence

UNKNOWN = object()  # the deal's attributes are not plain texts, or are not known: nothing to decide from


def own_attributes(attributes: object, names: Sequence[str]) -> tuple[str | None, ...] | object:
    """The deal's own value of each of ``names`` (None: none, or empty), as the
    database reads it; UNKNOWN where a value is not a text (the database's text of a
    number or a list is its own business)."""
    if not isinstance(attributes, Mapping):
        return UNKNOWN
    values = []
    for name in names:
        value = attributes.get(name)
        if value is not None and not isinstance(value, str):
            return UNKNOWN
        values.append(value or None)
    return tuple(values)


def attributes_after(own: tuple[str | None, ...], partner_id: int | None, kept_own: tuple[str | None, ...],
                     kept_partner_id: int | None, kept_values: Sequence[str],
                     from_card: Sequence[bool]) -> tuple[str, ...] | None:
    """The part's values of the attributes now (``own``: the deal's, ``partner_id``:
    its card) given the part kept (its deal's own values, card and the part's values);
    ``from_card``: whether the card has that column at all. None where a value would
    be the card's and the kept part does not say what the card holds."""
    result = []
    for mine, kept_mine, kept_value, carded in zip(own, kept_own, kept_values, from_card):
        if mine is not None:
            result.append(mine)
        elif not carded:
            result.append("")
        elif partner_id is not None and partner_id == kept_partner_id and kept_mine is None:
            result.append(kept_value)  # the card's, as the kept part took it
        else:
            return None
    return tuple(result)
