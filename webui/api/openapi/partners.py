"""The document's business partners: Partner (the card with contacts, deals, history and
credit), PartnerSummary and PartnerList, their inputs, and the routes."""

from __future__ import annotations

from webui.api.openapi.parts import (DATETIME, FREE_FORM, MONEY, NOT_YOURS, NULLABLE_DATETIME, UNAUTHORIZED, answer,
                                     error, json_body, nullable, path_id, record, ref)

KIND = {"type": "string", "enum": ["prospect", "customer", "reseller", "supplier"]}
STATUS = {"type": "string", "enum": ["active", "archived"]}
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$"}
NULLABLE_MONEY = nullable("string", pattern=r"^[0-9]+\.[0-9]{2}$")
MONEY_INPUT = {"oneOf": [{"type": "string"}, {"type": "number", "minimum": 0}],
               "description": "At least 0, at most two decimal places; a string (\"30000.00\") or a JSON number "
                              "read exactly."}
TEXT = {"type": ["string", "null"], "description": "null or \"\" leaves it empty."}


def _text(limit: int, description: str | None = None) -> dict:
    schema = {**TEXT, "maxLength": limit}
    if description:
        schema["description"] = description + " null or \"\" leaves it empty."
    return schema


CARD_INPUT = {
    "kind": {**KIND, "default": "prospect"},
    "name": {"type": "string", "minLength": 1, "maxLength": 300},
    "tax_id": _text(40, "Polish NIP or another country's VAT number (prefix it, e.g. DE...), checked with "
                        "python-stdnum; stored compact with its prefix, e.g. PL1234563218."),
    "regon": _text(20, "A Polish REGON (9 or 14 digits)."),
    "email": _text(254),
    "phone": _text(40, "Stored as +48600123456 where the country code is known."),
    "website": _text(300),
    "street": _text(300),
    "postal_code": _text(20, "In Poland 00-950."),
    "city": _text(120),
    "country": _text(60, "A two-letter code (PL) or a country's name."),
    "addresses": {"type": ["array", "null"], "maxItems": 20,
                  "items": {"type": "object", "additionalProperties": True,
                            "properties": {name: {"type": ["string", "null"]}
                                           for name in ("kind", "street", "postal_code", "city", "country")}},
                  "description": "Further addresses (delivery, invoice, ...)."},
    "territory": _text(120), "channel": _text(120), "industry": _text(120),
    "source": _text(120, "campaign, fair, cold call, web, ..."),
    "campaign": _text(120),
    "balance": {**MONEY_INPUT, "default": "0.00"},
    "credit_limit": {"oneOf": [*MONEY_INPUT["oneOf"], {"type": "null"}],
                     "description": "null or \"\": no limit. A deal taking the partner past it warns."},
    "currency": {**CURRENCY, "default": "PLN", "description": "Of balance and credit limit."},
    "notes": _text(10_000),
}
CONTACT_INPUT = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "function": _text(200), "email": _text(254), "phone": _text(40),
}
DEAL = record({
    "id": {"type": "integer"}, "title": {"type": "string"}, "stage_name": nullable("string"),
    "status": {"type": "string", "enum": ["open", "won", "lost"]}, "amount": MONEY, "currency": CURRENCY,
    "probability": {"type": "integer"}, "owner": nullable("string"), "closed_at": NULLABLE_DATETIME,
    "lost_reason": nullable("string"),
})
SUMMARY_COLUMNS = {
    "id": {"type": "integer"}, "kind": KIND, "name": {"type": "string"}, "tax_id": nullable("string"),
    "email": nullable("string"), "phone": nullable("string"), "city": nullable("string"),
    "country": nullable("string"), "territory": nullable("string"), "channel": nullable("string"),
    "industry": nullable("string"), "source": nullable("string"),
    "owner": nullable("string", description="The owner rep's username."), "owner_name": nullable("string"),
    "status": STATUS,
}
LABELS = {"type": "array", "items": {"type": "string"}}

SCHEMAS = {
    "PartnerContact": record({
        "id": {"type": "integer"}, "partner_id": {"type": "integer"}, "name": {"type": "string"},
        "function": {"type": "string"}, "email": nullable("string"), "phone": nullable("string"),
        "active": {"type": "boolean", "description": "False: left the company; kept in the history."},
        "created_at": DATETIME, "updated_at": DATETIME,
    }, "A contact person of a partner."),
    "Partner": record({
        **SUMMARY_COLUMNS,
        "regon": nullable("string"), "website": nullable("string"), "street": nullable("string"),
        "postal_code": nullable("string"), "addresses": {"type": "array", "items": FREE_FORM},
        "campaign": nullable("string"), "balance": MONEY, "credit_limit": NULLABLE_MONEY, "currency": CURRENCY,
        "archived_at": NULLABLE_DATETIME, "notes": {"type": "string"}, "created_at": DATETIME,
        "became_customer_at": NULLABLE_DATETIME, "became_customer_by": nullable("string"),
        "became_customer_opportunity_id": nullable("integer", description="The first won deal."),
        "credit": record({
            "limit": NULLABLE_MONEY, "currency": CURRENCY, "balance": MONEY,
            "open_amount": {**MONEY, "description": "The open deals in the partner's currency."},
            "exposure": {**MONEY, "description": "balance + open_amount."},
            "over": {"type": "boolean"},
            "other_currencies": {**LABELS, "description": "Currencies of open deals not summed (not converted)."},
            "warning": nullable("string"),
        }),
        "contacts": {"type": "array", "items": ref("PartnerContact")},
        "open_deals": {"type": "array", "items": DEAL},
        "closed_deals": {"type": "array", "items": DEAL},
        "history": {"type": "array", "description": "Newest first; append-only.", "items": record({
            "kind": {"type": "string", "examples": ["created", "updated", "became_customer", "archived"]},
            "at": DATETIME, "actor": nullable("string"), "opportunity_id": nullable("integer"),
            "data": FREE_FORM, "text": {"type": "string", "description": "The entry as a sentence."},
        })},
        "may_edit": {"type": "boolean"}, "may_hand_over": {"type": "boolean"},
    }, "A business partner's card."),
    "PartnerSummary": record({**SUMMARY_COLUMNS, "open_deals": {"type": "integer"}, "created_at": DATETIME}),
    "PartnerList": record({
        "items": {"type": "array", "items": ref("PartnerSummary")},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "pages": {"type": "integer"},
        "filters": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "The filters applied, as query parameters."},
        "choices": record({
            "kinds": LABELS, "territories": LABELS, "channels": LABELS, "industries": LABELS, "sources": LABELS,
            "owners": {"type": "array", "items": record({"username": {"type": "string"},
                                                         "display_name": {"type": "string"}})},
        }, "What the filters offer among the partners the caller sees."),
    }),
    "NewPartner": {"type": "object", "required": ["name"], "additionalProperties": False,
                   "properties": {**CARD_INPUT, "owner": {
                       "type": ["string", "null"], "description": "A rep's username (managers and admins); a "
                                                                  "rep's partner is their own."}}},
    "PartnerChange": {"type": "object", "additionalProperties": False, "properties": CARD_INPUT,
                      "description": "Only the fields sent change; the owner changes by hand-over."},
    "NewPartnerContact": {"type": "object", "required": ["name"], "additionalProperties": False,
                          "properties": CONTACT_INPUT},
    "PartnerContactChange": {"type": "object", "additionalProperties": False,
                             "properties": {**CONTACT_INPUT, "active": {"type": "boolean"}}},
}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


LIST_PARAMETERS = [
    _query("q", "Search text: name and city (case and accents do not count), tax id, e-mail."),
    _query("text", "The same as q."),
    _query("kind", "Partners of this kind.", KIND),
    _query("territory", "Exactly this territory."), _query("channel", "Exactly this channel."),
    _query("industry", "Exactly this industry."), _query("source", "Exactly this source."),
    _query("owner", "The owner rep's username."),
    _query("status", "active (the default), archived or all.",
           {"type": "string", "enum": ["active", "archived", "all"]}),
    _query("page", "From 1.", {"type": "integer", "minimum": 1}),
    _query("per_page", "1 to 500, default 25.", {"type": "integer", "minimum": 1, "maximum": 500}),
]
PARTNER_ID = path_id("partner_id")
INVALID = error("The body has errors; one message per field.")
FORBIDDEN = error("The caller sees the partner but may not change it (only its owner, their manager or an "
                  "admin may).")
ARCHIVED = error("The partner is archived (restore it first), or already in that state, or changed meanwhile.")
CARD = answer(ref("Partner"), "The partner's card.")

PATHS = {
    "/partners": {
        "get": {
            "operationId": "listPartners",
            "summary": "The partners the caller sees, filtered and searched, by name",
            "description": "Reps see their own and those of deals they work on; managers also their teams' "
                           "and those nobody owns; admins all; designers none.",
            "parameters": LIST_PARAMETERS,
            "responses": {"200": answer(ref("PartnerList"), "One page."), "401": UNAUTHORIZED,
                          "422": error("A parameter is wrong (an unknown one, a kind that is none).")},
        },
        "post": {
            "operationId": "createPartner",
            "summary": "Open a partner (a prospect unless kind says otherwise)",
            "requestBody": json_body("NewPartner"),
            "responses": {
                "201": {**CARD, "headers": {"Location": {"description": "The new partner's URL.",
                                                         "schema": {"type": "string"}}}},
                "401": UNAUTHORIZED, "403": error("Designers open no partners."),
                "422": error("The body has errors (another partner has this tax id, ...); one message per field."),
            },
        },
    },
    "/partners/{partner_id}": {
        "get": {
            "operationId": "showPartner",
            "summary": "A partner's card: contacts, open and closed deals, history, credit",
            "parameters": [PARTNER_ID],
            "responses": {"200": CARD, "401": UNAUTHORIZED, "404": NOT_YOURS},
        },
        "patch": {
            "operationId": "updatePartner",
            "summary": "Change some of the card's fields; the history records each before and after",
            "parameters": [PARTNER_ID],
            "requestBody": json_body("PartnerChange"),
            "responses": {"200": CARD, "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS,
                          "409": ARCHIVED, "422": INVALID},
        },
    },
    "/partners/{partner_id}/archive": {"post": {
        "operationId": "archivePartner",
        "summary": "Archive a partner: read-only and out of the default list; deals and history stay",
        "parameters": [PARTNER_ID],
        "responses": {"200": CARD, "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "409": ARCHIVED},
    }},
    "/partners/{partner_id}/restore": {"post": {
        "operationId": "restorePartner",
        "summary": "Make an archived partner active again",
        "parameters": [PARTNER_ID],
        "responses": {"200": CARD, "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_YOURS, "409": ARCHIVED},
    }},
    "/partners/{partner_id}/contacts": {"post": {
        "operationId": "addPartnerContact",
        "summary": "Add a contact person to a partner",
        "parameters": [PARTNER_ID],
        "requestBody": json_body("NewPartnerContact"),
        "responses": {"201": answer(ref("PartnerContact"), "Added."), "401": UNAUTHORIZED, "403": FORBIDDEN,
                      "404": NOT_YOURS, "409": ARCHIVED, "422": INVALID},
    }},
    "/partner-contacts/{contact_id}": {"patch": {
        "operationId": "updatePartnerContact",
        "summary": "Change a contact person (active false: they left; kept in the history)",
        "parameters": [path_id("contact_id")],
        "requestBody": json_body("PartnerContactChange"),
        "responses": {"200": answer(ref("PartnerContact"), "Changed."), "401": UNAUTHORIZED, "403": FORBIDDEN,
                      "404": NOT_YOURS, "409": ARCHIVED, "422": INVALID},
    }},
}
