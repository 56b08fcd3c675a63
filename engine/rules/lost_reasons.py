"""Why a deal was lost (M13): checking the reason a person gives against the
methodology's list, and reading one from a completed form. Pure.

    by hand     a code from the list is required; a reason marked ``needs_note``
                (the usual "other") also needs the free text. Callers written before
                the list existed send free text only: it is recorded under
                ``FALLBACK_CODE`` when the list has that code, else refused.
    by process  a form field named ``lost_reason_code`` or ``lost_reason`` whose value
                is a code of the list gives the reason, and a ``lost_reason`` that is
                not a code is the free text beside it. A deal lost without a code, or
                with one that ``needs_note`` and no text, is still owed its reason
                (``owed``): its owner gets a to-do in the inbox ("reason missing")
                until someone records it by hand, where the rule above applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from engine.errors import FormError
from engine.methodology.model import LostReason
from engine.rules import inputs

FALLBACK_CODE = "other"  # what free text alone is recorded as
FORM_FIELDS = ("lost_reason_code", "lost_reason")  # checked in this order
MAX_CODE = 80  # opportunities.lost_reason_code


@dataclass(frozen=True)
class Decided:
    code: str
    note: str | None  # the free text beside the code, trimmed; None when empty


def choices(reasons: Iterable[LostReason]) -> str:
    """``price (Price too high), other (Other)`` — for messages that list the codes."""
    return ", ".join(f"{r.id} ({r.label})" for r in reasons)


def decide(reasons: tuple[LostReason, ...], code: object, note: object) -> Decided:
    """The reason a deal is closed with, from what a person sent; FormError per
    field (``reason_code``, ``reason``) otherwise."""
    note = inputs.text(note, "reason", limit=inputs.MAX_REASON, required=False)
    code = inputs.text(code, "reason_code", limit=MAX_CODE, required=False)
    if code is None:
        if note and any(r.id == FALLBACK_CODE for r in reasons):
            code = FALLBACK_CODE
        else:
            raise FormError({"reason_code": f"choose why the deal was lost: one of {choices(reasons)}"})
    chosen = next((r for r in reasons if r.id == code), None)
    if chosen is None:
        raise FormError({"reason_code": f"'{inputs.shown_name(code)}' is not a lost reason of this "
                                        f"methodology; choose one of {choices(reasons)}"})
    if chosen.needs_note and not note:
        raise FormError({"reason": f"'{chosen.label}' needs a few words on why the deal was lost"})
    return Decided(chosen.id, note)


def from_form(reasons: tuple[LostReason, ...], data: Mapping[str, object]) -> str | None:
    """The code a completed form gives (see the module's docstring), or None."""
    known = {r.id for r in reasons}
    for name in FORM_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value.strip() in known:
            return value.strip()
    return None


def note_from_form(reasons: tuple[LostReason, ...], data: Mapping[str, object]) -> str | None:
    """The free text a completed form gives beside the code: its ``lost_reason``
    field when that is not itself a code of the list (trimmed; None when empty)."""
    value = data.get("lost_reason")
    if not isinstance(value, str) or value.strip() in {r.id for r in reasons}:
        return None
    return value.strip()[:inputs.MAX_REASON] or None


def owed(reasons: tuple[LostReason, ...], code: str | None, note: str | None) -> str | None:
    """What a lost deal still owes of its reason: ``"reason"`` (no code of the list),
    ``"note"`` (a code that needs the free text, and none), or None (complete)."""
    chosen = next((r for r in reasons if r.id == code), None)
    if chosen is None:
        return "reason"
    if chosen.needs_note and not (note or "").strip():
        return "note"
    return None
