"""Use cases of a deal as a whole: opening it (routing picks its segment,
methodology, team and owner, and its process starts), showing and listing deals,
and handing a deal to another rep."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Mapping

from engine.errors import ConflictError, DealflowError, FormError
from engine.rules import close_dates, deal_fields, inputs, policy
from engine.rules.forms import validate_form
from engine.rules.progress import expected_revenue
from engine.rules.routing import Candidate, RoutingError, choose_owner, route, routing_variables
from engine.runtime.clock import frozen_now
from engine.service import organisation, partner_deals, segments, unit_of_work, visibility
from engine.service import notifications
from engine.service.context import ServiceContext
from engine.service.progress import apply_step
from engine.service.unit_of_work import Session
from engine.store import opportunities as opportunity_store
from engine.store import partners as partner_store
from engine.store import people, stage_totals
from engine.store.events import record_event
from engine.store.models import AssignmentCursor, Opportunity, Team, User
from engine.store.partner_models import Partner
from engine.views import OpportunityView
from engine.views.opportunities import FieldView
from engine.views.deals import RoutingPreview


def create_opportunity(ctx: ServiceContext, *, title: str, amount: Decimal | str, currency: str = "PLN",
                       partner: str | None = None, partner_attributes: Mapping[str, object] | None = None,
                       attributes: Mapping[str, object] | None = None, actor: str,
                       owner: str | None = None, partner_id: int | None = None,
                       expected_close_date: object = None,
                       start_form: Mapping[str, object] | None = None) -> OpportunityView:
    """Route a new opportunity to its segment, methodology, team and owner, and
    start its methodology's process. Managers and admins open deals
    (``policy.may_create_deal``); the values must pass ``inputs.new_deal``.

    The deal belongs to a partner: ``partner_id`` names one (the actor must see it;
    its card gives the deal its partner name, and its territory, channel, industry
    and source where ``attributes`` names none), else ``partner`` names it by name
    (the partner that name means, or a new prospect). A deal that takes the partner
    past its credit limit opens all the same, with a ``credit_warning`` event.

    ``expected_close_date`` (a date or YYYY-MM-DD) defaults to the opening day plus
    the methodology's typical cycle, else the end of the quarter (engine.rules.close_dates).

    ``start_form`` answers the methodology's start form (its process's start event's
    form fields, ``RoutingPreview.start_form``): checked like a task's form, each
    problem under ``start_form.FIELD``; the values are the process's first variables."""
    now = ctx.now()
    asked = dict(title=title, amount=amount, currency=currency, partner=partner, partner_attributes=partner_attributes,
                 attributes=attributes, owner=owner, partner_id=partner_id, expected_close_date=expected_close_date)

    def work(session: Session) -> OpportunityView:
        opportunity = open_in(ctx, session, actor=actor, now=now, start_form=start_form or {}, **asked)
        return opportunity_store.opportunity_view(session, opportunity.id, ctx.catalog)

    return unit_of_work.run(ctx, work, changed=SEGMENT_RACE)


SEGMENT_RACE = "someone else opened a deal of this segment at the same time; try again"


def open_in(ctx: ServiceContext, session: Session, *, actor: str, now: datetime,
            start_form: Mapping[str, object] | None = None, **asked) -> Opportunity:
    """``create_opportunity``'s work inside the caller's transaction (a message start
    event opens its deal and delivers the message in one): routed, stored, its
    process started. ``start_form`` None: the start form is not asked (a message
    brings the deal's data instead)."""
    actor_row = people.user(session, actor)
    deal, chosen, variables, routed, version, methodology, close_date, team, owner_row = _routed(
        ctx, session, actor_row, now, **asked)
    segment = routed.segment
    if start_form is not None:
        with frozen_now(now):  # a field's condition reads the engine's clock too
            variables = {**variables, **_answered_start_form(methodology.process.start_form, start_form)}
    partner_row = chosen or _partner_for(session, deal, owner_row.id, actor_row.id, now)
    opportunity = Opportunity(
        title=deal.title, partner_id=partner_row.id, partner_name=deal.partner, partner=deal.partner_attributes, amount=deal.amount,
        currency=deal.currency, attributes=deal.attributes, segment_id=segment.id, team_id=team.id,
        owner_id=owner_row.id, manager_id=team.manager_id, methodology_version_id=version.id,
        probability=0, probability_auto=0, expected_revenue=expected_revenue(deal.amount, 0), status="open",
        opened_by_id=actor_row.id, opened_at=now, workflow_state="", expected_close_date=close_date)
    session.add(opportunity)
    session.flush()
    record_event(session, opportunity, "opened", actor_row.id, now, segment=segment.id,
                 methodology=methodology.id, version=version.label, owner=owner_row.username,
                 expected_close_date=close_date.isoformat(),
                 **({"routing_notes": list(routed.notes)} if routed.notes else {}))
    partner_store.record_partner_event(session, partner_row.id, "deal_opened", actor_row.id, now,
                                       opportunity_id=opportunity.id, title=deal.title)
    partner_deals.check_credit(session, partner_row, opportunity, actor_row.id, now)
    runner = ctx.catalog.runner(session, version.id)
    state, result = runner.start(dict(variables), now, user=actor_row.username)
    apply_step(session, opportunity, methodology, ctx.catalog.lanes(session, methodology.id),
               state, result, actor_row.id, now)
    if result.error is not None:
        opportunity.workflow_state = state
    session.flush()
    return opportunity


def preview_opportunity(ctx: ServiceContext, *, actor: str, **asked) -> RoutingPreview:
    """What ``create_opportunity`` with the same arguments would decide — segment,
    methodology, team, owner, close date — without opening anything (the new-deal
    form's preview). A round-robin owner is the next in turn now; the deal, opened
    later, goes to whoever is next then."""
    now = ctx.now()
    with unit_of_work.read(ctx) as session:  # never committed: the round robin's cursor stays
        actor_row = people.user(session, actor)
        deal, chosen, _, routed, version, methodology, close_date, team, owner_row = _routed(
            ctx, session, actor_row, now, **asked)
        segment = routed.segment
        return RoutingPreview(
            title=deal.title, partner=deal.partner, partner_id=chosen.id if chosen is not None else None,
            partner_exists=chosen is not None or partner_store.partner_named(session, deal.partner) is not None,
            amount=deal.amount, currency=deal.currency, attributes=dict(deal.attributes),
            segment_id=segment.id, segment_name=segment.name, methodology_id=methodology.id,
            methodology_name=methodology.name, version_label=version.label, team=team.name,
            owner=owner_row.username, owner_name=owner_row.display_name, round_robin=segment.assignment == "round_robin"
            and not deal.owner, expected_close_date=close_date,
            start_form=tuple(FieldView(f.id, f.label, f.type, f.required, f.default, f.minimum, f.maximum, f.choices)
                             for f in methodology.process.start_form), routing_notes=routed.notes)


def _routed(ctx: ServiceContext, session: Session, actor_row: User, now, *, title, amount, currency, partner,
            partner_attributes, attributes, owner, partner_id, expected_close_date):
    """The checked values of a new deal and what routing decides for it: the deal,
    its chosen partner card (or None), the routing variables, the segment with the
    routing's notes (engine.rules.routing.Routed), version,
    methodology, close date, team and owner. Shared by opening and previewing."""
    policy.require(policy.may_create_deal(visibility.actor_of(session, actor_row)),
                   f"only managers and admins may open opportunities; '{actor_row.username}' is a {actor_row.role}")
    # The values only once the actor may open deals: someone who may not learns nothing from them.
    chosen = partner_deals.chosen_partner(session, actor_row, partner_id) if partner_id is not None else None
    amount = _as_typed(amount)
    deal = inputs.new_deal(title=title, amount=amount, currency=currency,
                           partner=chosen.name if chosen is not None else partner, owner=owner,
                           attributes=partner_deals.lent_attributes(chosen, attributes) if chosen else attributes,
                           partner_attributes=partner_attributes)
    routing = ctx.catalog.routing(session)
    variables = routing_variables(deal.amount, deal.currency, deal.attributes, deal.partner_attributes)
    with frozen_now(now):  # a condition's today() and now() read the engine's clock, not the wall clock
        routed = route(routing, variables)
    segment = routed.segment
    version, methodology = segments.segment_methodology(ctx, session, segment)  # a swap wins
    close_date = close_dates.opening_close_date(expected_close_date, organisation.company_today(session, now),
                                                methodology.forecast.typical_cycle_days,
                                                organisation.fiscal_start(session))
    team = people.find_team(session, segment.team)
    if team is None:
        raise RoutingError(f"segment '{segment.id}' names team '{segment.team}', which does not "
                           "exist; create it with 'dealflow team create'")
    owner_row = (_named_owner(session, deal.owner) if deal.owner
                 else _choose_owner(session, segment, team, deal.attributes.get("territory")))
    return deal, chosen, variables, routed, version, methodology, close_date, team, owner_row


def _answered_start_form(fields, raw: Mapping[str, object]) -> dict:
    """The start form's clean values, or a FormError naming each field as start_form.FIELD."""
    if not isinstance(raw, Mapping):
        raise FormError({"start_form": "an object of field -> value"})
    clean, errors = validate_form(tuple(fields), raw)
    if errors:
        raise FormError({f"start_form.{name}": message for name, message in errors.items()})
    return clean


def _as_typed(amount: object) -> object:
    """An amount typed as people type it ("12 500,50") in the form inputs.money reads;
    anything else as it is, for inputs.new_deal to report with the other fields."""
    if not isinstance(amount, str):
        return amount
    try:
        return deal_fields.typed_amount(amount)
    except FormError:
        return amount


def _partner_for(session: Session, deal, owner_id: int, actor_id: int, now) -> Partner:
    """The active partner the deal's partner name means (names compared as the lead
    import compares them), or a new prospect owned by the deal's owner."""
    found = partner_store.partner_named(session, deal.partner)
    if found is not None:
        return partner_store.lock_partner(session, found.id)  # its open deals and limit hold for the credit check
    card = {name: value[:120] for name in partner_store.CARD_ATTRIBUTES
            if isinstance(value := deal.attributes.get(name), str) and value}
    return partner_store.add_partner(session, name=deal.partner, owner_id=owner_id, actor_id=actor_id, now=now,
                                     currency=deal.currency, card=card, attributes=deal.partner_attributes,
                                     history={"by": "a new deal"})


def _named_owner(session: Session, username: str) -> User:
    """The owner the caller named: an unknown name is a mistake in what they typed (a
    field error), not a missing resource."""
    owner = people.find_user(session, username, active_only=True)
    if owner is None:
        raise FormError({"owner": "no such user"})
    return owner


def _choose_owner(session: Session, segment, team: Team, territory) -> User:
    candidates = people.candidates(session, team.id, policy.OWNER_ROLES)
    cursor = session.get(AssignmentCursor, segment.id)
    chosen: Candidate = choose_owner(segment, candidates, territory=territory,
                                     last_user_id=cursor.last_user_id if cursor else None)
    if segment.assignment == "round_robin":
        if cursor is None:
            session.add(AssignmentCursor(segment_id=segment.id, last_user_id=chosen.user_id))
        else:
            cursor.last_user_id = chosen.user_id
    return session.get(User, chosen.user_id)


def show_opportunity(ctx: ServiceContext, opportunity_id: int) -> OpportunityView:
    visibility.known_id(opportunity_id, f"no opportunity {opportunity_id}")
    with unit_of_work.read(ctx) as session:
        return opportunity_store.opportunity_view(session, opportunity_id, ctx.catalog)


def list_opportunities(ctx: ServiceContext) -> list[OpportunityView]:
    with unit_of_work.read(ctx) as session:
        ids = opportunity_store.opportunity_ids(session)
        return [opportunity_store.opportunity_view(session, i, ctx.catalog, detail=False) for i in ids]


def reassign_opportunity(ctx: ServiceContext, opportunity_id: int, *, to: str, actor: str) -> OpportunityView:
    """Hand a deal to another rep (M12): its open tasks of the old owner go with it;
    history, data and completed work stay as they are."""
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row = people.user(session, actor)
        opportunity = opportunity_store.lock_opportunity(
            session, visibility.known_id(opportunity_id, f"no opportunity {opportunity_id}"))
        visibility.check_manages(session, actor_row, opportunity)
        new_owner = people.user(session, to)
        people.lock_users(session, [new_owner.id])  # a role change waits, then counts this deal as theirs
        if not policy.may_own_deals(new_owner.role):
            raise DealflowError(f"'{to}' is a {new_owner.role}, not a rep; a deal's owner is a rep")
        old_owner_id = opportunity.owner_id
        if new_owner.id == old_owner_id:
            raise ConflictError(f"opportunity {opportunity_id} is already owned by '{to}'")
        moved = opportunity_store.reassign_open_tasks(session, opportunity.id, old_owner_id, new_owner.id)
        opportunity.owner_id = new_owner.id
        stage_totals.mark(session, [opportunity.id])  # its stage figures count under the new owner
        record_event(session, opportunity, "reassigned", actor_row.id, now,
                     from_owner=people.username(session, old_owner_id), to_owner=to, tasks=moved)
        notifications.notify(session, new_owner.id, "deal_handed_over",
                             f"{actor_row.display_name} handed the deal {opportunity.title} over to you"
                             + (f" with {moved} open task{'' if moved == 1 else 's'}." if moved else "."),
                             now, actor_id=actor_row.id, opportunity_id=opportunity.id)

    unit_of_work.run(ctx, work)
    return show_opportunity(ctx, opportunity_id)

