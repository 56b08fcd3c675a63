"""Quotas split top-down (M14): reading a split's parts, and the warning when they
do not add up to the quota being split — a warning, not a refusal, because a
manager may split on purpose above (a stretch for the team) or below their own
target (a reserve), as SugarCRM and Salesforce allow; the screen says so plainly.

Which quota is in force: the newest committed record holding a line for the
person — an admin's (or higher manager's) ``set``, or their manager's ``split``
(engine.store.quotas reads it). Commits are never changed: committing again makes
version n+1 and keeps version n.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from engine.errors import FormError
from engine.rules import inputs

DRAFT, COMMITTED = "draft", "committed"
SET, SPLIT = "set", "split"
MAX_NOTE = 2000


@dataclass(frozen=True)
class Quota:
    amount: Decimal
    currency: str


def parts(values: Mapping[str, object], reports: tuple[str, ...]) -> dict[str, Decimal]:
    """The amount for each direct report, by username; every problem at once as
    FormError fields named after the person. A report left out gets no line."""
    problems: dict[str, str] = {}
    amounts: dict[str, Decimal] = {}
    if not values:
        raise FormError({"parts": "give each direct report a part, e.g. rep1=50000.00"})
    for name, value in values.items():
        if name not in reports:
            shown = inputs.shown_name(str(name))
            problems[shown] = ("not a direct report of this manager; split among: " + ", ".join(reports)
                               if reports else "this manager has no direct reports to split among")
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # a blank box on the form: no part for this person
        try:
            amount = inputs.money(value, name)
        except FormError as err:
            problems.update(err.fields)
            continue
        amounts[name] = amount
    if problems:
        raise FormError(problems)
    if not amounts:
        raise FormError({"parts": "give at least one direct report a part"})
    return amounts


def warning(quota: Quota | None, total: Decimal, currency: str, manager: str) -> str | None:
    """What to tell a manager whose parts add up to ``total`` in ``currency``: None
    when they match ``quota``."""
    if quota is None:
        return f"{manager} has no quota for this period yet, so the parts ({total} {currency}) add up to nothing set"
    if quota.currency != currency:
        return (f"the parts are in {currency} but {manager}'s quota is {quota.amount} {quota.currency}; "
                "they cannot be compared")
    if total == quota.amount:
        return None
    gap = quota.amount - total
    how = f"{gap} {currency} short of" if gap > 0 else f"{-gap} {currency} more than"
    return f"the parts add up to {total} {currency}, {how} {manager}'s quota of {quota.amount} {currency}"


def note(value: object) -> str:
    return inputs.text(value, "note", limit=MAX_NOTE, required=False) or ""
