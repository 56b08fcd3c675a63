"""Changing a deal's own fields — title, partner, amount, currency, expected close
date — by hand (``edit_deal``: web, API, command line) or from a task's form through
a stage's ``sets:`` (``apply_sets``, inside the task's transaction).

Both lock the deal, re-check inside the lock that it is open, and audit every change
as a ``deal_edited`` event with each field's old and new value (a close date moves
through engine.service.deal_forecast.move_close_date, whose ``close_date_changed``
event the early warnings read). The amount changes the expected revenue, and may
take the partner past its credit limit (a warning, never a refusal)."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from engine.errors import ConflictError, FormError
from engine.methodology.model import Methodology
from engine.rules import close_dates, deal_fields, inputs, policy
from engine.rules.hierarchy import Hierarchy
from engine.service import organisation, partner_deals, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.deal_forecast import move_close_date
from engine.service.opportunities import show_opportunity
from engine.service.progress import refresh_probability
from engine.service.unit_of_work import Session
from engine.store import hierarchy as hierarchy_store
from engine.store import opportunities as opportunity_store
from engine.store import partners as partner_store
from engine.store import people
from engine.store.events import record_event
from engine.store.models import Opportunity, User
from engine.views import OpportunityView


def edit_deal(ctx: ServiceContext, opportunity_id: int, changes: Mapping[str, object], *, actor: str,
              row_version: object = None) -> OpportunityView:
    """Change the named fields (engine.rules.deal_fields.EDITABLE; the others stay).
    ``row_version``: the version the editor saw; a deal changed since is a conflict.
    Every mistake at once as a FormError (field -> message)."""
    changes = dict(changes)
    if not changes:
        raise FormError({"fields": f"change at least one of {', '.join(deal_fields.EDITABLE)}"})
    parsers = {
        "title": lambda: inputs.text(changes["title"], "title", limit=inputs.MAX_TITLE),
        "amount": lambda: deal_fields.typed_amount(changes["amount"]),
        "currency": lambda: deal_fields.typed_currency(changes["currency"]),
        "partner": lambda: inputs.text(changes["partner"], "partner", limit=inputs.MAX_PARTNER),
        "partner_id": lambda: (changes["partner_id"] if inputs.is_record_id(changes["partner_id"])
                               else _refuse("partner_id", inputs.ID_EXPECTED)),
    }
    clean, parse_errors = deal_fields.collect({k: f for k, f in parsers.items() if k in changes})
    parse_errors.update(deal_fields.unknown_fields(changes))
    if row_version is not None and not inputs.is_record_id(row_version):
        parse_errors["row_version"] = "give the row version the deal was read at, a whole number"
        row_version = None
    now = ctx.now()

    def work(session: Session) -> None:
        errors = dict(parse_errors)  # the close date and the partner join them: every mistake at once
        actor_row, opportunity = editable_deal(session, actor, opportunity_id)
        if row_version is not None and row_version != opportunity.row_version:
            raise ConflictError(f"opportunity {opportunity_id} changed since it was read "
                                f"(version {row_version}, now {opportunity.row_version}); reload it and edit again")
        values = dict(clean)
        if "expected_close_date" in changes:
            try:
                values["expected_close_date"] = close_dates.parse(
                    changes["expected_close_date"], organisation.company_day_of(session, opportunity.opened_at),
                    "expected_close_date")
            except FormError as err:
                errors.update(err.fields)
        if "partner_id" in values:
            try:
                values["partner"] = partner_deals.chosen_partner(session, actor_row, values.pop("partner_id"))
            except FormError as err:
                errors.update(err.fields)
        elif "partner" in values:
            values["partner"] = _partner_named(session, actor_row, values["partner"], errors)
        if errors:
            raise FormError(errors)
        _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        if not apply_changes(session, opportunity, methodology, values, actor_row.id, now, source="edit"):
            raise ConflictError(f"opportunity {opportunity_id} already has these values; nothing changed")

    unit_of_work.run(ctx, work)
    return show_opportunity(ctx, opportunity_id)


def editable_deal(session: Session, username: str, opportunity_id: int) -> tuple[User, Opportunity]:
    """The actor and the locked deal, once the actor may edit it (``may_edit``) and,
    as stored once the lock is held, it is still open. A deal the actor may not see
    is not found; one they see but may not edit is a PermissionDeniedError."""
    missing = f"no opportunity {opportunity_id}"
    visibility.known_id(opportunity_id, missing)
    actor_row = people.user(session, username)
    opportunity = opportunity_store.lock_opportunity(session, opportunity_id, missing=missing)
    if not may_edit(session, actor_row, opportunity):
        visibility.check_sees(session, actor_row, opportunity, missing)
        policy.require(False, f"only the deal's owner, its manager (or a manager above them) or an admin may "
                              f"edit opportunity {opportunity_id}; '{username}' may not")
    if opportunity.status != "open":
        raise ConflictError(f"opportunity {opportunity_id} is {opportunity.status}; its figures are settled")
    return actor_row, opportunity


def may_edit(session: Session, actor_row: User, opportunity: Opportunity, rule=policy.may_edit_deal) -> bool:
    """``policy.may_edit_deal`` (or another ``rule`` taking ``above`` as it does: the
    buying center's); the hierarchy is read only for a manager who is neither the
    deal's owner nor its manager."""
    who, deal = visibility.actor_of(session, actor_row), visibility.deal_of(opportunity)
    if rule(who, deal):
        return True
    if who.role is not policy.Role.MANAGER:
        return False
    below = set(Hierarchy.of(hierarchy_store.teams(session)).members_under(actor_row.id))
    return rule(who, deal, above=bool(below & {deal.owner_id, deal.manager_id}))


def apply_changes(session: Session, opportunity: Opportunity, methodology: Methodology,
                  values: Mapping[str, object], actor_id: int | None, now: datetime, *, source: str,
                  **context: object) -> bool:
    """Write ``values`` (parsed: title, partner (a locked Partner row), amount,
    currency, expected_close_date) to the locked, open deal and audit what changed;
    whether anything did. ``source``: edit (by hand) or task (a stage's ``sets``)."""
    changed: dict[str, list] = {}
    moved = "expected_close_date" in values and move_close_date(
        session, opportunity, values["expected_close_date"], actor_id, now, source=source, **context)
    for name in ("title", "amount", "currency"):
        if name in values and values[name] != getattr(opportunity, name):
            changed[name] = [_plain(getattr(opportunity, name)), _plain(values[name])]
            setattr(opportunity, name, values[name])
    partner = values.get("partner")  # a locked Partner row
    if partner is not None and partner.id != opportunity.partner_id:
        changed["partner"] = [opportunity.partner_name, partner.name]
        changed["partner_id"] = [opportunity.partner_id, partner.id]
        opportunity.partner_id, opportunity.partner_name = partner.id, partner.name
    if not changed:
        return moved  # a close date alone: close_date_changed is its audit
    record_event(session, opportunity, "deal_edited", actor_id, now, source=source, changes=changed, **context)
    if {"amount", "currency"} & set(changed):
        refresh_probability(opportunity, methodology)  # the expected revenue follows the amount
    if {"amount", "currency", "partner"} & set(changed):
        current = partner if partner is not None else partner_store.lock_partner(session, opportunity.partner_id)
        partner_deals.check_credit(session, current, opportunity, actor_id, now)
    return True


def apply_sets(ctx: ServiceContext, session: Session, opportunity: Opportunity, task, actor_row: User,
               clean: Mapping[str, object], now: datetime, *, source: str = "task") -> None:
    """A task of the locked deal completes with ``clean`` form data: the fields its
    stage's ``sets`` maps become the deal's amount or close date, in the task's
    transaction, audited (``source``: task, or revision when its answers are revised). A value that does not fit is a FormError
    on the form field, beside it in the task form."""
    if opportunity.status != "open":
        return  # a won deal's rollout tasks: its figures are settled
    _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    stage = methodology.stage(task.stage_id or opportunity.stage_id or "")
    if stage is None or not stage.sets:
        return
    opened = organisation.company_day_of(session, opportunity.opened_at)
    parsers = {
        "amount": lambda value, field: deal_fields.typed_amount(str(value) if not isinstance(value, str) else value,
                                                                field),
        "expected_close_date": lambda value, field: close_dates.parse(value, opened, field),
    }
    values, errors = {}, {}
    for deal_field, form_field in stage.sets:
        value = clean.get(form_field)
        if value is None or value == "":
            continue  # not given: the deal keeps what it has
        try:
            values[deal_field] = parsers[deal_field](value, form_field)
        except FormError as err:
            errors.update(err.fields)
    if errors:
        raise FormError(errors)
    if values:
        apply_changes(session, opportunity, methodology, values, actor_row.id, now, source=source,
                      task=task.node_id)


def _partner_named(session: Session, actor_row: User, name: str, errors: dict):
    """The active partner ``name`` means (as a new deal finds it), if the actor may see
    it; else a message on ``partner`` (a new prospect is not made by an edit)."""
    found = partner_store.partner_named(session, name)
    try:
        if found is None:
            raise FormError({"partner": ""})
        return partner_deals.chosen_partner(session, actor_row, found.id)
    except FormError:
        errors["partner"] = f"no partner named '{name}' that you may see; pick one from the list"
        return None


def _plain(value: object) -> object:
    """A value as the event's JSON keeps it (an amount as exact text)."""
    return str(value) if not isinstance(value, (str, int, type(None))) else value


def _refuse(field: str, message: str):
    raise FormError({field: message})

