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
        if name == "addresses" and isinstance(pair, (list, tuple)) and len(pair) == 2:
            parts.append(f"the {label}{_addresses_change(pair[0], pair[1])}")
        elif name in _UNQUOTED or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            parts.append(f"the {label}")
        else:
            parts.append(f"the {label} from {_value(pair[0])} to {_value(pair[1])}")
    return ", ".join(parts) or "nothing"


def _address(address: object) -> str:
    if not isinstance(address, Mapping):
        return str(address)
    place = ", ".join(str(address[k]) for k in ("street", "postal_code", "city", "country") if address.get(k))
    return f"{address.get('kind') or 'address'}: {place}" if place else str(address.get("kind") or "address")


def _addresses_change(before: object, after: object) -> str:
    """" (added delivery: Polna 1, Kraków; removed invoice: …)": which addresses came
    and went (a changed one reads as removed and added); "" when that cannot be told."""
    if not isinstance(before, list) or not isinstance(after, list):
        return ""
    added = [_address(a) for a in after if a not in before]
    removed = [_address(a) for a in before if a not in after]
    parts = ([f"added {'; '.join(added)}"] if added else []) + ([f"removed {'; '.join(removed)}"] if removed else [])
    return f" ({'; '.join(parts)})" if parts else ""


def _lower_first(text: str) -> str:
    """A warning (a sentence of its own elsewhere) continuing this one."""
    return text[:1].lower() + text[1:]


# kind -> the sentence, from who ("the system" when nobody), the deal ("deal 7") and the data.
_SENTENCES = {
    "created": lambda who, deal, data: f"{who} created the partner" + (f" ({data['by']})" if data.get("by") else ""),
    "updated": lambda who, deal, data: f"{who} changed {_changed(data)}",
    "became_customer": lambda who, deal, data: f"became a customer when {who} won {deal}",
    "credit_warning": lambda who, deal, data: f"{deal} opened over the credit limit: {_lower_first(data.get('warning', ''))}",
    "archived": lambda who, deal, data: f"{who} archived the partner",
    "restored": lambda who, deal, data: f"{who} restored the partner",
    "contact_added": lambda who, deal, data: f"{who} added contact person {data.get('contact') or ''}".rstrip(),
    "contact_updated": lambda who, deal, data: (f"{who} changed contact person {data.get('contact') or ''}: "
                                                f"{changes_text(data.get('changes') or {})}"),
    "deal_opened": lambda who, deal, data: f"{who} opened {deal}",
    "handed_over": lambda who, deal, data: (f"{who} handed the partner from {data.get('from_owner') or 'nobody'} "
                                            f"to {_value(data.get('to_owner'))}" + _hand_over_counts(data)),
    "imported": lambda who, deal, data: f"{who} imported the partner from {_lead_row(data)}",
    "import_reverted": lambda who, deal, data: f"{who} reverted lead import {_value(data.get('lead_import_id'))}",
    "activity_planned": lambda who, deal, data: f"{who} planned {_activity(data)}",
    "activity_done": lambda who, deal, data: f"{who} did {_activity(data)}",
    "activity_moved": lambda who, deal, data: f"{who} moved {_activity(data)}",
    "activity_cancelled": lambda who, deal, data: f"{who} cancelled {_activity(data)}",
}


def _changed(data: Mapping[str, object]) -> str:
    """What an update changed: with before and after, or (a lead import) the fields' names."""
    if data.get("changes"):
        return changes_text(data["changes"])  # type: ignore[arg-type]
    fields = data.get("fields") or []
    named = ", ".join(f"the {FIELD_LABELS.get(str(f), str(f))}" for f in fields) or "nothing"  # type: ignore[union-attr]
    return named + (f" from {_lead_row(data)}" if data.get("lead_import_id") else "")


def _lead_row(data: Mapping[str, object]) -> str:
    row = f", row {data['row']}" if data.get("row") else ""
    return f"lead import {_value(data.get('lead_import_id'))}{row}" if data.get("lead_import_id") else "a lead file"


def _hand_over_counts(data: Mapping[str, object]) -> str:
    """What a hand-over moved (" with 2 open deals, 3 tasks, 1 planned activity"), from
    the counts engine/service/handover.py records; "" when it moved nothing counted."""
    parts = []
    for key, one, many in (("open_deals", "open deal", "open deals"), ("tasks", "task", "tasks"),
                           ("activities", "planned activity", "planned activities"),
                           ("closed_deals_moved", "closed deal", "closed deals")):
        count = data.get(key)
        if isinstance(count, int) and count:
            parts.append(f"{count} {one if count == 1 else many}")
    return " with " + ", ".join(parts) if parts else ""


def _activity(data: Mapping[str, object]) -> str:
    return f"the {data.get('activity_kind') or 'activity'} '{data.get('subject') or ''}'"


def sentence(kind: str, actor: str | None, data: Mapping[str, object], opportunity_id: int | None = None) -> str:
    """The entry as one sentence; ``actor`` None reads as "the system"."""
    who = actor or "the system"
    deal = f"deal {opportunity_id}" if opportunity_id is not None else "a deal"
    told = _SENTENCES.get(kind)
    return told(who, deal, data) if told is not None else f"{who} did '{kind}'"
