"""The JSON API under /api/v1, for scripts and other systems.

Every request but the OpenAPI document carries ``Authorization: Bearer <token>``
(``dealflow token create USER`` prints one). Each view parses the request, calls the
façade, and answers JSON; every error has the same shape,
``{"error": code, "message": ..., "fields": {...}}``. Money travels as strings
("12500.00") and is parsed from JSON as Decimal, never float; datetimes are ISO 8601
in UTC. The document in webui/openapi.py describes exactly these routes.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from flask import Blueprint, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from engine.errors import (ConflictError, DealflowError, ExitCriteriaError, FormError, NotFoundError,
                           PermissionDeniedError)
from engine.views import FieldView, InboxPage, OpportunityView, TaskView

from webui import engine_of
from webui.api.openapi import DOCUMENT

bp = Blueprint("api", __name__)

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 422: "invalid", 500: "internal_error"}
PUBLIC = ("api.openapi_document", "api.no_such_route")
CHALLENGE = 'Bearer realm="dealflow"'  # RFC 6750
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 15  # whole cents of this still fit the BIGINT column


class ApiError(Exception):
    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, dict(fields or {})
        self.headers = dict(headers or {})


def _error(status: int, message: str, fields: dict[str, str] | None = None, code: str | None = None):
    response = jsonify(error=code or CODES.get(status, "error"), message=message, fields=dict(fields or {}))
    response.status_code = status
    return response


@bp.errorhandler(ApiError)
def _api_error(err: ApiError):
    response = _error(err.status, err.message, err.fields)
    response.headers.update(err.headers)
    return response


@bp.errorhandler(DealflowError)
def _engine_error(err: DealflowError):
    # NotFoundError's message names only what the caller asked for ("no task 'x'").
    if isinstance(err, NotFoundError):
        return _error(404, str(err))
    if isinstance(err, PermissionDeniedError):
        return _error(403, str(err))
    if isinstance(err, ExitCriteriaError):
        return _error(409, str(err), err.details, code="exit_criteria_not_met")
    if isinstance(err, ConflictError):
        return _error(409, str(err))
    if isinstance(err, FormError):
        return _error(422, "the data has errors; see fields", err.fields)
    return _error(422, str(err))


@bp.errorhandler(HTTPException)
def _http_error(err: HTTPException):
    code = CODES.get(err.code) or re.sub(r"\W+", "_", (err.name or "error").lower())
    return _error(err.code or 500, err.description or err.name, code=code)


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC:
        return
    credentials = request.authorization
    if credentials is None or credentials.type != "bearer" or not credentials.token:
        raise ApiError(401, "send an API token as 'Authorization: Bearer <token>'; "
                            "'dealflow token create USER' prints one", headers={"WWW-Authenticate": CHALLENGE})
    try:
        g.api_user = _engine().user_for_token(credentials.token)
    except PermissionDeniedError:
        raise ApiError(401, "the API token is invalid or revoked",
                       headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'}) from None


def _engine():
    return engine_of(current_app)


def _username() -> str:
    return g.api_user.username


# --- routes --------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi_document():
    return jsonify(DOCUMENT)


@bp.get("/inbox")
def inbox():
    query = _inbox_query()
    return jsonify(inbox_json(_engine().inbox(_username(), **query)))


@bp.post("/opportunities")
def create_opportunity():
    if not g.api_user.may_create_deals:
        raise ApiError(403, "only managers and admins may open opportunities")
    values = _opportunity_input(_json_object())
    if values["owner"] is not None:
        try:
            _engine().user_view(values["owner"])
        except NotFoundError:
            raise ApiError(422, "the data has errors; see fields", {"owner": "no such user"}) from None
    created = _engine().create_opportunity(actor=_username(), **values)
    response = jsonify(opportunity_json(created))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_opportunity", opportunity_id=created.id)
    return response


@bp.get("/opportunities/<int:opportunity_id>")
def show_opportunity(opportunity_id: int):
    return jsonify(opportunity_json(_engine().opportunity_for(opportunity_id, viewer=_username())))


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str):
    return jsonify(task_json(_engine().claim_task(task_id, actor=_username())))


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str):
    # A task the caller may not see is 404 before anything tells whether it is still ready.
    _engine().task(task_id, viewer=_username())
    data = _json_object()
    return jsonify(opportunity_json(_engine().complete_task(task_id, actor=_username(), data=data)))


ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD, strict_slashes=False)
@bp.route("/<path:rest>", methods=ANY_METHOD)
def no_such_route(rest: str):
    """Unknown paths and methods under /api/v1 answer JSON too (routing errors never
    reach a blueprint's error handlers, so this rule catches them)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = [m for m in ANY_METHOD if adapter.match(request.path, method=m)[0] != request.endpoint]
    if allowed:
        response = _error(405, f"{request.method} is not allowed here; use {', '.join(allowed)}")
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return _error(404, f"no such API route: {request.path}; see /api/v1/openapi.json")


# --- parsing -------------------------------------------------------------------------

INBOX_PARAMS = ("stage", "methodology", "page", "per_page")


def _inbox_query() -> dict:
    fields = {name: "unknown parameter; use " + ", ".join(INBOX_PARAMS)
              for name in request.args if name not in INBOX_PARAMS}
    query: dict = {"stage": request.args.get("stage") or None,
                   "methodology": request.args.get("methodology") or None}
    for name, default, most in (("page", 1, None), ("per_page", 25, 200)):
        text = request.args.get(name)
        if text is None:
            query[name] = default
        elif not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
            fields[name] = "enter a whole number of at least 1"
        elif most is not None and int(text) > most:
            fields[name] = f"enter {most} or less"
        else:
            query[name] = int(text)
    if fields:
        raise ApiError(400, "bad query parameters; see fields", fields)
    return query


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _json_object() -> dict:
    """The request body as a JSON object; an empty body is an empty object. Numbers
    with a fraction become Decimal, so amounts stay exact."""
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise ApiError(422, "the body is not valid JSON",
                       {"body": f"{err.msg} (line {err.lineno}, column {err.colno})"}) from None
    except (ValueError, RecursionError) as err:
        raise ApiError(422, "the body is not valid JSON", {"body": str(err) or "too deeply nested"}) from None
    if not isinstance(body, dict):
        raise ApiError(422, "the body must be a JSON object", {"body": "send a JSON object: {...}"})
    return body


OPPORTUNITY_FIELDS = ("title", "amount", "currency", "partner", "partner_attributes", "attributes", "owner")


def _opportunity_input(body: dict) -> dict:
    errors = {str(key): "unknown field; use " + ", ".join(OPPORTUNITY_FIELDS)
              for key in body if key not in OPPORTUNITY_FIELDS}
    values = {
        "title": _text(body, "title", 300, errors, required=True),
        "partner": _text(body, "partner", 300, errors, required=True),
        "owner": _text(body, "owner", 80, errors, required=False),
        "amount": _amount(body, errors),
        "currency": body.get("currency", "PLN"),
    }
    if not isinstance(values["currency"], str) or not re.fullmatch(r"[A-Z]{3}", values["currency"]):
        errors["currency"] = "enter a three-letter currency code such as PLN"
    for name in ("attributes", "partner_attributes"):
        value = body.get(name)
        if value is not None and not isinstance(value, dict):
            errors[name] = "send an object of names and values"
        values[name] = value or {}
    if errors:
        raise ApiError(422, "the data has errors; see fields", errors)
    return values


def _text(body: dict, name: str, limit: int, errors: dict, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "this field is required"
        return None
    if not isinstance(value, str):
        errors[name] = "enter text"
        return None
    if len(value.strip()) > limit:
        errors[name] = f"enter at most {limit} characters"
    return value.strip()


def _amount(body: dict, errors: dict) -> Decimal | None:
    value = body.get("amount")
    if value is None or (isinstance(value, str) and not value.strip()):
        errors["amount"] = "this field is required"
        return None
    problem = "enter an amount such as 12500.00, as a string or a number"
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)) or len(str(value)) > 40:
        errors["amount"] = problem
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors["amount"] = problem
        return None
    if not amount.is_finite() or amount < 0:
        errors["amount"] = "enter an amount of 0 or more"
    elif amount >= MAX_AMOUNT:
        errors["amount"] = f"enter an amount below {MAX_AMOUNT:f}"
    elif amount != amount.quantize(CENT):
        errors["amount"] = "enter at most two decimal places"
    else:
        return amount
    return None


# --- JSON out ------------------------------------------------------------------------
# Each shape here is a schema in webui/openapi.py; the tests hold them together.

def when(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def money(value: Decimal) -> str:
    return format(value.quantize(CENT), "f")


def plain(value):
    """Free-form data (attributes, event details) as JSON: Decimals as strings, dates ISO."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def field_json(f: FieldView) -> dict:
    return {"id": f.id, "label": f.label, "type": f.type, "required": f.required, "default": f.default,
            "minimum": f.minimum, "maximum": f.maximum, "help": f.help,
            "choices": [{"id": choice_id, "label": label} for choice_id, label in f.choices]}


def task_json(t: TaskView) -> dict:
    return {"id": t.id, "opportunity_id": t.opportunity_id, "opportunity_title": t.opportunity_title,
            "node_id": t.node_id, "name": t.name, "instructions": t.instructions, "lane": t.lane,
            "assignee": t.assignee, "candidate_team": t.candidate_team, "claimable": t.claimable,
            "status": t.status, "due_at": when(t.due_at), "created_at": when(t.created_at),
            "stage_id": t.stage_id, "stage_name": t.stage_name, "methodology_id": t.methodology_id,
            "completed_by": t.completed_by, "completed_at": when(t.completed_at),
            "form": [field_json(f) for f in t.form], "kind": t.kind, "required": t.required}


def opportunity_json(o: OpportunityView) -> dict:
    return {
        "id": o.id, "title": o.title, "partner_name": o.partner_name, "amount": money(o.amount),
        "currency": o.currency, "attributes": plain(o.attributes), "segment_id": o.segment_id,
        "team": o.team, "owner": o.owner, "manager": o.manager, "methodology_id": o.methodology_id,
        "methodology_label": o.methodology_label, "stage_id": o.stage_id, "stage_name": o.stage_name,
        "stage_entered_at": when(o.stage_entered_at), "probability": o.probability,
        "probability_auto": o.probability_auto, "probability_override": o.probability_override,
        "score": o.score, "score_class": o.score_class,
        "expected_revenue": money(o.expected_revenue), "next_action_at": when(o.next_action_at),
        "status": o.status, "lost_reason": o.lost_reason, "error_message": o.error_message,
        "opened_by": o.opened_by, "opened_at": when(o.opened_at), "closed_by": o.closed_by,
        "closed_at": when(o.closed_at),
        "open_tasks": [task_json(t) for t in o.open_tasks],
        "completed_tasks": [task_json(t) for t in o.completed_tasks],
        "stage_history": [{"from_stage": s.from_stage, "to_stage": s.to_stage, "to_stage_name": s.to_stage_name,
                           "probability": s.probability, "changed_by": s.changed_by,
                           "changed_at": when(s.changed_at)} for s in o.stage_history],
        "events": [{"kind": e.kind, "actor": e.actor, "at": when(e.at), "data": plain(e.data)}
                   for e in o.events],
    }


def inbox_json(page: InboxPage) -> dict:
    return {
        "tasks": [task_json(t) for t in page.tasks],
        "counts": {"total": page.total, "mine": page.mine, "queued": page.queued, "team": page.team,
                   "overdue": page.overdue},
        "paging": {"page": page.page, "per_page": page.per_page, "pages": page.pages, "total": page.total},
        "filters": {"stages": [{"id": stage_id, "name": name} for stage_id, name in page.stages],
                    "methodologies": list(page.methodologies)},
    }


# Routes of other use-case families, on this blueprint (they import its helpers).
from webui.api import sales as api_sales  # noqa: E402,F401
from webui.api import buying_center as api_buying_center  # noqa: E402,F401
