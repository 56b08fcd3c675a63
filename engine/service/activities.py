"""Use cases of activities (M12): planning a call, meeting, e-mail, visit or task with
a partner (and maybe one of its deals), moving it, recording how it went, cancelling
it, logging one already done, and listing a partner's or a deal's.

Locks, in the house order (docs/architecture.md, "Lock order"): the deal (if any),
then the partner, then the activity — each re-read under its lock, the activity's
status re-checked there (two people recording the same call: one wins, the other
gets ConflictError). Winning a deal locks it and then its partner too, so the two
wait for each other instead of deadlocking. Every
change appends to the partner's history (PartnerEvent) and, for an activity on a
deal, to the deal's (Event): activity_planned, activity_moved, activity_done,
activity_cancelled.

Who may: whoever may see the partner sees its activities; a user's own activities
are theirs to see too. Planning one for someone else is for a manager of their team
or an admin; moving, recording or cancelling one is for its owner, whoever planned
it, a manager of the owner's team, or an admin (``engine.rules.activities``).
"""

from __future__ import annotations

from datetime import datetime

from engine.errors import ConflictError, FormError, NotFoundError
from engine.rules import activities as rules
from engine.rules import inputs, policy
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import activities as store
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.events import record_event
from engine.store.models import Opportunity, User
from engine.store.partner_models import Activity, Partner
from engine.store import partners as partner_store
from engine.store.partners import lock_partner, record_partner_event
from engine.views.activities import ActivityView, PlanTarget

CHANGED = "someone else changed this activity at the same time; reload it and try again"


# --- reading ---------------------------------------------------------------------------

def activity(ctx: ServiceContext, activity_id: int, *, viewer: str) -> ActivityView:
    missing = f"no activity {activity_id}"
    now = ctx.now()
    with unit_of_work.quick_read(ctx) as session:
        who = Who.of(session, viewer)
        row = store.activity_row(session, visibility.known_id(activity_id, missing))
        if row is None or not who.sees_activity(session, row.activity):
            raise NotFoundError(missing)
        return view_of(row, now, who.may_edit(session, row.activity))


def activities_for_partner(ctx: ServiceContext, partner_id: int, *, viewer: str) -> list[ActivityView]:
    """The partner's activities, the latest first (NotFoundError if the viewer may
    not see the partner)."""
    missing = f"no partner {partner_id}"
    now = ctx.now()
    with unit_of_work.quick_read(ctx) as session:
        who = Who.of(session, viewer)
        partner = session.get(Partner, visibility.known_id(partner_id, missing))
        if partner is None or not who.sees_partner(session, partner):
            raise NotFoundError(missing)
        return [view_of(r, now, who.may_edit(session, r.activity)) for r in store.of_partner(session, partner.id)]


def activities_for_deal(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> list[ActivityView]:
    now = ctx.now()
    with unit_of_work.quick_read(ctx) as session:
        actor, opportunity = visibility.visible_opportunity(session, viewer, opportunity_id)
        who = Who.of(session, viewer)
        return [view_of(r, now, who.may_edit(session, r.activity)) for r in store.of_deal(session, opportunity.id)]


# --- changing --------------------------------------------------------------------------

def plan_activity(ctx: ServiceContext, *, actor: str, partner_id: int | None, opportunity_id: int | None = None,
                  kind: object, subject: object, starts_at: object, duration_minutes: object = rules.DEFAULT_DURATION,
                  owner: str | None = None, notes: object = "", zone: str | None = None) -> ActivityView:
    """Plan an activity with the partner (on one of its open deals, if given; with
    only the deal, its partner), for ``owner`` (default: the actor). FormError naming every field that does not fit."""
    clean = rules.planned(kind=kind, subject=subject, starts_at=starts_at, duration_minutes=duration_minutes,
                          notes=notes, zone=zone)
    return _add(ctx, actor, partner_id, opportunity_id, owner, clean, status="planned", outcome="")


def log_done_activity(ctx: ServiceContext, *, actor: str, partner_id: int | None, opportunity_id: int | None = None,
                      kind: object, subject: object, starts_at: object,
                      duration_minutes: object = rules.DEFAULT_DURATION, outcome: object = "", notes: object = "",
                      owner: str | None = None, zone: str | None = None) -> ActivityView:
    """Record an activity that already happened (a call just made), with its outcome."""
    fields = inputs.Fields()
    clean = fields.check(rules.planned, kind=kind, subject=subject, starts_at=starts_at,
                         duration_minutes=duration_minutes, notes=notes, zone=zone)
    result = fields.check(rules.outcome_and_notes, outcome, notes)
    fields.done()
    return _add(ctx, actor, partner_id, opportunity_id, owner, clean, status="done", outcome=result[0])


def _add(ctx: ServiceContext, actor: str, partner_id: int | None, opportunity_id: int | None, owner: str | None,
         clean: rules.PlannedActivity, *, status: str, outcome: str) -> ActivityView:
    now = ctx.now()
    missing = f"no partner {partner_id}"
    if owner is not None and not isinstance(owner, str):
        raise FormError({"owner": "enter a username"})

    def work(session: Session) -> ActivityView:
        who = Who.of(session, actor)
        if partner_id is None and opportunity_id in (None, ""):
            raise FormError({"partner_id": "choose a partner or a deal"})
        deal = _locked_deal(session, who, opportunity_id)  # the deal first, then its partner
        partner_id_ = deal.partner_id if partner_id is None else partner_id  # type: ignore[union-attr]
        partner = lock_partner(session, visibility.known_id(partner_id_, missing), missing=missing)
        if not who.sees_partner(session, partner):
            raise NotFoundError(missing)
        if partner.status != "active":
            raise ConflictError(f"partner {partner.id} is {partner.status}; restore it to plan activities")
        _check_deal(deal, partner, planning=status == "planned")
        owner_row = who.user if not owner else people.find_user(session, owner, active_only=True)
        if owner_row is None:
            raise FormError({"owner": f"no user '{owner}'"})
        policy.require(rules.may_plan_for(who.actor, who.managed, who.person(session, owner_row)),
                       f"'{actor}' may not plan activities for '{owner_row.username}'")
        row = Activity(partner_id=partner.id, opportunity_id=deal.id if deal else None, kind=clean.kind,
                       subject=clean.subject, owner_id=owner_row.id, starts_at=clean.starts_at,
                       duration_minutes=clean.duration_minutes, status=status, outcome=outcome, notes=clean.notes,
                       created_by_id=who.user.id, created_at=now, updated_at=now,
                       done_at=now if status == "done" else None, sequence=0)
        session.add(row)
        session.flush()
        _history(session, row, deal, "activity_planned" if status == "planned" else "activity_done",
                 who.user.id, now, owner=owner_row.username)
        return _view(session, who, row, now)

    return unit_of_work.run(ctx, work, changed=CHANGED)


def reschedule_activity(ctx: ServiceContext, activity_id: int, *, actor: str, starts_at: object,
                        duration_minutes: object = None, zone: str | None = None) -> ActivityView:
    """Move a planned activity; its SEQUENCE counts up so calendars take the move."""
    fields = inputs.Fields()
    moment = fields.check(rules.moment, starts_at, "starts_at", zone=zone)
    minutes = fields.check(rules.duration, duration_minutes) if duration_minutes not in (None, "") else None
    fields.done()
    now = ctx.now()

    def change(session: Session, who: Who, row: Activity, deal: Opportunity | None) -> None:
        before = row.starts_at
        row.starts_at = moment
        if minutes is not None:
            row.duration_minutes = minutes
        row.sequence += 1
        row.updated_at = now
        _history(session, row, deal, "activity_moved", who.user.id, now, was=before.isoformat())

    return _change(ctx, activity_id, actor, change, now)


def record_activity_outcome(ctx: ServiceContext, activity_id: int, *, actor: str, outcome: object,
                            notes: object = "") -> ActivityView:
    """Mark a planned activity done, with how it went."""
    clean_outcome, clean_notes = rules.outcome_and_notes(outcome, notes)
    now = ctx.now()

    def change(session: Session, who: Who, row: Activity, deal: Opportunity | None) -> None:
        row.status, row.outcome, row.done_at, row.updated_at = "done", clean_outcome, now, now
        if clean_notes:
            row.notes = clean_notes
        _history(session, row, deal, "activity_done", who.user.id, now, outcome=clean_outcome)

    return _change(ctx, activity_id, actor, change, now)


def cancel_activity(ctx: ServiceContext, activity_id: int, *, actor: str, reason: object = "") -> ActivityView:
    """Call a planned activity off; calendars show it cancelled (SEQUENCE counts up)."""
    clean_reason = inputs.text(reason, "reason", limit=rules.MAX_OUTCOME, required=False) or ""
    now = ctx.now()

    def change(session: Session, who: Who, row: Activity, deal: Opportunity | None) -> None:
        row.status, row.updated_at = "cancelled", now
        row.sequence += 1
        if clean_reason:
            row.outcome = clean_reason
        _history(session, row, deal, "activity_cancelled", who.user.id, now, reason=clean_reason)

    return _change(ctx, activity_id, actor, change, now)


def _change(ctx: ServiceContext, activity_id: int, actor: str, change, now: datetime) -> ActivityView:
    missing = f"no activity {activity_id}"
    visibility.known_id(activity_id, missing)

    def work(session: Session) -> ActivityView:
        who = Who.of(session, actor)
        first = session.get(Activity, activity_id)
        if first is None or not who.sees_activity(session, first):
            raise NotFoundError(missing)
        deal = (opportunity_store.lock_opportunity(session, first.opportunity_id, with_state=False)
                if first.opportunity_id is not None else None)  # the deal, then the partner: the house order
        lock_partner(session, first.partner_id, missing=missing)
        row = store.lock_activity(session, activity_id, missing=missing)  # re-read under the lock
        policy.require(who.may_edit(session, row), f"'{actor}' may not change activity {activity_id}")
        if row.status != "planned":
            raise ConflictError(f"activity {activity_id} is already {row.status}")
        change(session, who, row, deal)
        session.flush()
        return _view(session, who, row, now)

    return unit_of_work.run(ctx, work, changed=CHANGED)


# --- helpers ---------------------------------------------------------------------------

class Who:
    """The actor of a use case with the facts its decisions read, fetched once."""

    def __init__(self, user: User, actor: policy.Actor, managed: frozenset[int]):
        self.user, self.actor, self.managed = user, actor, managed

    @classmethod
    def of(cls, session: Session, username: str) -> "Who":
        user = people.user(session, username)
        return cls(user, visibility.actor_of(session, user), store.managed_team_ids(session, user.id))

    def person(self, session: Session, user: User) -> rules.Person:
        if user.id == self.user.id:
            return rules.Person(user.id, self.actor.team_ids)
        return rules.Person(user.id, frozenset(people.team_ids_of(session, user.id)))

    def sees_partner(self, session: Session, partner: Partner) -> bool:
        """``policy.may_see_partner`` (partners-core's rule)."""
        return policy.may_see_partner(self.actor, partner_store.partner_facts(session, partner))

    def sees_activity(self, session: Session, row: Activity) -> bool:
        owner = session.get(User, row.owner_id)
        if rules.may_see_calendar_of(self.actor, self.managed, self.person(session, owner)):
            return True
        partner = session.get(Partner, row.partner_id)
        return partner is not None and self.sees_partner(session, partner)

    def may_edit(self, session: Session, row: Activity) -> bool:
        owner = session.get(User, row.owner_id)
        return rules.may_edit_activity(self.actor, self.managed, self.person(session, owner), row.created_by_id)


def _locked_deal(session: Session, who: Who, opportunity_id: object) -> Opportunity | None:
    """The deal an activity is to be on, row-locked, if the actor sees it (else
    NotFoundError); None when none is named."""
    if opportunity_id in (None, ""):
        return None
    missing = f"no opportunity {opportunity_id}"
    try:
        deal_id = inputs.record_id(opportunity_id, "opportunity_id")
    except FormError:
        raise NotFoundError(missing) from None
    deal = opportunity_store.lock_opportunity(session, deal_id, with_state=False, missing=missing)
    visibility.check_sees(session, who.user, deal, missing)
    return deal


def _check_deal(deal: Opportunity | None, partner: Partner, *, planning: bool) -> None:
    """The deal is the partner's and (to plan something) still open."""
    if deal is None:
        return
    if deal.partner_id != partner.id:
        raise FormError({"opportunity_id": f"opportunity {deal.id} is not a deal of partner {partner.id}"})
    if planning and deal.status != "open":
        raise ConflictError(f"opportunity {deal.id} is {deal.status}; plan activities on an open deal")


def _history(session: Session, row: Activity, deal: Opportunity | None, kind: str, actor_id: int,
             now: datetime, **extra) -> None:
    data = dict(activity=row.id, activity_kind=row.kind, subject=row.subject,
                starts_at=row.starts_at.isoformat(), **extra)
    record_partner_event(session, row.partner_id, kind, actor_id, now, opportunity_id=row.opportunity_id, **data)
    if deal is not None:
        record_event(session, deal, kind, actor_id, now, **data)


def _view(session: Session, who: Who, row: Activity, now: datetime) -> ActivityView:
    return view_of(store.activity_row(session, row.id), now, who.may_edit(session, row))


def view_of(r: store.ActivityRow, now: datetime, may_edit: bool) -> ActivityView:
    a = r.activity
    ends = rules.ends_at(a.starts_at, a.duration_minutes)
    return ActivityView(
        id=a.id, kind=a.kind, subject=a.subject, partner_id=a.partner_id, partner_name=r.partner_name,
        opportunity_id=a.opportunity_id, opportunity_title=r.opportunity_title, owner=r.owner,
        owner_name=r.owner_name, starts_at=a.starts_at, ends_at=ends, duration_minutes=a.duration_minutes,
        status=a.status, outcome=a.outcome, notes=a.notes, overdue=rules.is_overdue(a.status, ends, now),
        may_edit=may_edit and a.status == "planned", sequence=a.sequence, done_at=a.done_at,
        created_by=r.created_by, created_at=a.created_at, updated_at=a.updated_at)


def plan_targets(ctx: ServiceContext, *, viewer: str) -> list[PlanTarget]:
    """What the viewer's plan form offers: their partners and open deals."""
    with unit_of_work.quick_read(ctx) as session:
        who = Who.of(session, viewer)
        return [PlanTarget(*row) for row in
                store.plan_targets(session, who.user.id, everything=who.actor.role is policy.Role.ADMIN)]
