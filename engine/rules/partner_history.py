"""A partner's history entry as a sentence a person reads on the card ("anna changed
the credit limit from 10000.00 to 20000.00"). Pure: the entry's kind, who and its data
in, text out. An entry of a kind this module does not know still reads ("... did
'hand_over'"), so helpers that add kinds never break the card.

Entries that change fields carry ``changes``: {field: [before, after]}, values as text
(Decimal as its string, None for empty)."""

from __future__ import annotations

from typing import Mapping

FIELD_LABELS = {
    "kind": "kind", "name": "name", "tax_id": "tax id", "regon": "REGON", "email": "e-mail", "phone": "phone",
    "website": "website", "street": "street", "postal_code": "postal code", "city": "city",
    "country": "country", "addresses": "further addresses", "territory": "territory", "channel": "channel",
    "industry": "industry", "source": "source", "campaign": "campaign", "balance": "balance",
    "credit_limit": "credit limit", "currency": "currency", "notes": "notes", "function": "function",
    "owner": "owner", "active": "active",
}
# Long or structured values whose change is named, not quoted.
_UNQUOTED = frozenset({"notes", "addresses"})


def _value(value: object) -> str:
    return "(empty)" if value in (None, "", []) else str(value)


def changes_text(changes: Mapping[str, object]) -> str:
    parts = []
    for name, pair in changes.items():
        label = FIELD_LABELS.get(name, name)
        if name in _UNQUOTED or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            parts.append(f"the {label}")
        else:
            parts.append(f"the {label} from {_value(pair[0])} to {_value(pair[1])}")
    return ", ".join(parts) or "nothing"


def sentence(kind: str, actor: str | None, data: Mapping[str, object], opportunity_id: int | None = None) -> str:
    """The entry as one sentence; ``actor`` None reads as "the system"."""
    who = actor or "the system"
    deal = f"deal {opportunity_id}" if opportunity_id is not None else "a deal"
    contact = data.get("contact") or "a contact person"
    if kind == "created":
        by = data.get("by")
        return f"{who} created the partner" + (f" ({by})" if by else "")
    if kind == "updated":
        return f"{who} changed {changes_text(data.get('changes') or {})}"
    if kind == "became_customer":
        return f"became a customer when {who} won {deal}"
    if kind == "credit_warning":
        return f"{deal} opened over the credit limit: {data.get('warning', '')}".rstrip(": ")
    if kind == "archived":
        return f"{who} archived the partner"
    if kind == "restored":
        return f"{who} restored the partner"
    if kind == "contact_added":
        return f"{who} added contact person {contact}"
    if kind == "contact_updated":
        return f"{who} changed contact person {contact}: {changes_text(data.get('changes') or {})}"
    if kind == "deal_opened":
        return f"{who} opened {deal}"
    if kind == "handed_over":
        return f"{who} handed the partner from {_value(data.get('from_owner'))} to {_value(data.get('to_owner'))}"
    if kind == "imported":
        return f"{who} imported the partner from a lead file"
    return f"{who} did '{kind}'"
