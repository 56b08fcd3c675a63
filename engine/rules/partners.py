"""A business partner's card as a person types it (M10): what each field must look like,
the credit check, and the partner list's filter criteria. Pure: no database.

    card        name required; kind one of KINDS; tax id, REGON, e-mail, phone,
                country and postal code normalised as the lead import does
                (``engine.rules.leads.values``: python-stdnum checks tax ids); credit
                limit and balance Decimal >= 0 (an empty credit limit: no limit);
                currency three capital letters. One FormError naming every field.
    contact     a contact person: name required, function, e-mail, phone.
    credit      exposure = balance + the open deals in the partner's currency (+ the
                new deal's amount); over the limit is a warning, never a refusal
                (SAP Business One warns on orders the same way). Deals in another
                currency are not converted: the warning says they were left out.
    criteria    the list's filters (search text, kind, territory, channel, industry,
                owner, source, status) from a query string or a saved list, as one
                frozen ``PartnerCriteria`` that the list, saved lists and exports share.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Iterable, Mapping

from engine.errors import FormError
from engine.rules import inputs
from engine.rules.leads import values
from engine.rules.money import shown
from engine.views.partners import CreditView

KINDS = ("prospect", "customer", "reseller", "supplier")
STATUSES = ("active", "archived")

# Lengths: what the columns of engine/store/partner_models.py hold.
MAX_NAME = 300
MAX_LABEL = 120      # territory, channel, industry, source, campaign, city
MAX_STREET = 300
MAX_WEBSITE = 300
MAX_FUNCTION = 200
MAX_CONTACT_NAME = 200
MAX_NOTES = 10_000
MAX_ADDRESSES = 20
MAX_SEARCH = 200

LABELS = ("territory", "channel", "industry", "source", "campaign")
# Every field a card takes, in the order a form shows them.
CARD_FIELDS = ("kind", "name", "tax_id", "regon", "email", "phone", "website", "street", "postal_code", "city",
               "country", "addresses", "territory", "channel", "industry", "source", "campaign", "balance",
               "credit_limit", "currency", "notes")
CONTACT_FIELDS = ("name", "function", "email", "phone")


def _optional(value: object, field: str, limit: int) -> str | None:
    return inputs.text(value, field, limit=limit, required=False)


def _normalised(rule, value: object, field: str, *args) -> str | None:
    """``rule(text, *args)`` of ``engine.rules.leads.values`` on the trimmed text;
    None for an empty value; FormError with the rule's reason otherwise."""
    text = _optional(value, field, 300)
    if text is None:
        return None
    try:
        return rule(text, *args)
    except ValueError as err:
        raise FormError({field: str(err)}) from None


def _kind(value: object) -> str:
    if value not in KINDS:
        raise FormError({"kind": f"choose one of: {', '.join(KINDS)}"})
    return value  # type: ignore[return-value]


def _credit_limit(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # no limit
    return inputs.money(value, "credit_limit")


def _addresses(value: object) -> list[dict]:
    """Further addresses: a list of objects {kind, street, postal_code, city, country}."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or len(value) > MAX_ADDRESSES \
            or not all(isinstance(item, Mapping) for item in value):
        raise FormError({"addresses": f"send a list of at most {MAX_ADDRESSES} objects with kind, street, "
                                      "postal_code, city and country"})
    kept = []
    for item in value:
        address = {name: _optional(item.get(name), "addresses", MAX_STREET)
                   for name in ("kind", "street", "postal_code", "city", "country")}
        if any(text is not None for text in address.values()):  # a wholly empty one is none
            kept.append({name: text for name, text in address.items() if text is not None})
    return kept


def card(given: Mapping[str, object], *, country: str | None = None, partial: bool = False) -> dict:
    """The card's column values from ``given`` (only the fields it names when
    ``partial``, for an update), normalised; FormError naming every field that does
    not fit, and every name that is no field. ``country``: the card's country as
    stored, which decides how a phone, a postal code or a tax id without prefix reads
    when ``given`` does not name one."""
    unknown = sorted(set(given) - set(CARD_FIELDS))
    fields = inputs.Fields()
    for name in unknown:
        fields.refuse(name, "no such field of a partner")
    wanted = [name for name in CARD_FIELDS if name in given or not partial]
    out: dict = {}
    if "country" in wanted:
        out["country"] = fields.check(_normalised, values.country, given.get("country"), "country")
        country = out["country"]
    checks = {
        "kind": lambda v: _kind("prospect" if v is None and not partial else v),
        "name": lambda v: inputs.text(v, "name", limit=MAX_NAME),
        "tax_id": lambda v: _normalised(values.tax_id, v, "tax_id", country),
        "regon": lambda v: _normalised(values.regon, v, "regon"),
        "email": lambda v: _normalised(values.email, v, "email"),
        "phone": lambda v: _normalised(values.phone, v, "phone", country),
        "website": lambda v: _optional(v, "website", MAX_WEBSITE),
        "street": lambda v: _optional(v, "street", MAX_STREET),
        "postal_code": lambda v: _normalised(values.postal_code, v, "postal_code", country),
        "city": lambda v: _optional(v, "city", MAX_LABEL),
        "addresses": _addresses,
        "balance": lambda v: inputs.money("0" if v is None and not partial else v, "balance"),
        "credit_limit": _credit_limit,
        "currency": lambda v: inputs.currency("PLN" if v is None and not partial else v),
        "notes": lambda v: _optional(v, "notes", MAX_NOTES) or "",
    }
    for label in LABELS:
        checks[label] = lambda v, label=label: _optional(v, label, MAX_LABEL)
    for name in wanted:
        if name != "country":
            out[name] = fields.check(checks[name], given.get(name))
    fields.done()
    return out


def contact(given: Mapping[str, object], *, partial: bool = False) -> dict:
    """A contact person's values (only those ``given`` names when ``partial``)."""
    fields = inputs.Fields()
    for name in sorted(set(given) - set(CONTACT_FIELDS)):
        fields.refuse(name, "no such field of a contact person")
    checks = {
        "name": lambda v: inputs.text(v, "name", limit=MAX_CONTACT_NAME),
        "function": lambda v: _optional(v, "function", MAX_FUNCTION) or "",
        "email": lambda v: _normalised(values.email, v, "email"),
        "phone": lambda v: _normalised(values.phone, v, "phone", None),
    }
    out = {name: fields.check(check, given.get(name)) for name, check in checks.items()
           if name in given or not partial}
    fields.done()
    return out


def becomes_customer(kind: str) -> bool:
    """Whether a won deal makes the partner a customer: only a prospect becomes one
    (SAP Business One's lead -> customer); a customer, reseller or supplier keeps its
    kind, and a partner is a customer once, from its first won deal."""
    return kind == "prospect"


# --- credit ---------------------------------------------------------------------------

def credit_position(*, balance: Decimal, limit: Decimal | None, currency: str,
                    open_deals: Iterable[tuple[Decimal, str]],
                    new_amount: Decimal | None = None, new_currency: str | None = None) -> CreditView:
    """The partner's exposure against its credit limit: its balance plus its open
    deals' amounts in its own currency (plus a new deal's, when one is being opened
    or changed and is not among ``open_deals``). ``warning`` is set when the exposure
    exceeds the limit; amounts in other currencies are not converted, and the
    warning (or, under the limit, ``other_currencies``) says which were left out."""
    summed = Decimal("0.00")
    others: set[str] = set()
    deals = list(open_deals)
    if new_amount is not None:
        deals.append((new_amount, new_currency or currency))
    for amount, deal_currency in deals:
        if deal_currency == currency:
            summed += amount
        else:
            others.add(deal_currency)
    exposure = balance + summed
    over = limit is not None and exposure > limit
    warning = None
    if over:
        warning = (f"Credit limit exceeded: balance {shown(balance)} + open deals {shown(summed)} = "
                   f"{shown(exposure, currency)}, over the limit of {shown(limit, currency)}")
        if others:
            warning += f" (deals in {', '.join(sorted(others))} not counted)"
    return CreditView(limit=limit, currency=currency, balance=balance, open_amount=summed, exposure=exposure,
                      over=over, other_currencies=tuple(sorted(others)), warning=warning)


# --- the list's criteria --------------------------------------------------------------

@dataclass(frozen=True)
class PartnerCriteria:
    """The partner list's filters; None (or "" for ``text``) filters nothing.
    ``status`` "active" by default; "all" for both."""

    text: str = ""
    kind: str | None = None
    territory: str | None = None
    channel: str | None = None
    industry: str | None = None
    owner: str | None = None  # username
    source: str | None = None
    status: str | None = "active"

    def as_query(self) -> dict[str, str]:
        """The criteria as query-string parameters (and a saved list's JSON): only
        those that filter, plus ``status`` when it is not the default."""
        out = {name: value for name, value in asdict(self).items() if value not in (None, "")}
        if self.status == "active":
            out.pop("status")
        elif self.status is None:
            out["status"] = "all"
        return out


CRITERIA_FIELDS = ("text", "kind", "territory", "channel", "industry", "owner", "source", "status")


def criteria(given: Mapping[str, object]) -> PartnerCriteria:
    """PartnerCriteria from query parameters or a saved list's JSON (``q`` is taken
    for ``text``); names that are no filter are ignored (a page's own ``page``);
    FormError for a kind or status that is none."""
    fields = inputs.Fields()
    raw = dict(given)
    if "q" in raw and "text" not in raw:
        raw["text"] = raw["q"]

    def label(name: str, limit: int = MAX_LABEL) -> str | None:
        return fields.check(_optional, raw.get(name), name, limit)

    kind = label("kind")
    if kind is not None and kind not in KINDS:
        fields.refuse("kind", f"choose one of: {', '.join(KINDS)}")
    status = label("status") or "active"
    if status not in STATUSES + ("all",):
        fields.refuse("status", "choose one of: active, archived, all")
    found = PartnerCriteria(
        text=label("text", MAX_SEARCH) or "", kind=kind, territory=label("territory"), channel=label("channel"),
        industry=label("industry"), owner=label("owner", inputs.MAX_USERNAME), source=label("source"),
        status=None if status == "all" else status)
    fields.done()
    return found
