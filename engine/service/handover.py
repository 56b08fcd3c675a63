"""Handing a partner to another rep (M12): the partner, its open deals with their
open tasks, its planned activities and, if asked, its closed deals move to the new
rep in one transaction, audited on the partner and on each moved deal; a moved deal
whose team the new rep is not in goes to its segment's team if the new rep is in
that one (its manager with it), else keeps its team. Nothing of the history is rewritten: who completed what, who closed a deal, who did an
activity stay as they were."""

from __future__ import annotations

from engine.errors import ConflictError, FormError
from engine.rules import handover as rules
from engine.rules import policy
from engine.service import notifications, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import handover as store
from engine.store import partners as partner_store
from engine.store import people
from engine.store.db import RowsChangedError
from engine.store.models import Team, User
from engine.store.partner_models import Partner
from engine.views.handover import HandOverReport


def hand_over_partner(ctx: ServiceContext, partner_id: int, *, to: str, actor: str, closed_deals: object = "stay",
                      open_deals: object = True, others_open_deals: object = False, activities: object = True,
                      dry_run: bool = False) -> HandOverReport:
    """Give the partner to rep ``to``, with what ``rules.options`` says moves along;
    ``dry_run``: only say what would move (the confirmation step), changing nothing.

    Locks the partner's deals (in id order), then the partner — the house order, a
    deal before its partner (docs/architecture.md, "Lock order"), the order winning
    a deal takes — and decides on them as they are under the locks: a deal lost or
    won meanwhile counts as closed; a task completed meanwhile has been replaced by
    the next, which moves. Who may: an admin, or a manager of a team the partner's
    owner is in (``policy.may_hand_over_partner``), checked before the locks and
    again under them; the new owner must be an active rep."""
    chosen = rules.options(closed_deals=closed_deals, open_deals=open_deals,
                           others_open_deals=others_open_deals, activities=activities)
    if not isinstance(dry_run, bool):
        raise FormError({"dry_run": "send true or false"})
    now = ctx.now()

    def work(session: Session) -> HandOverReport:
        actor_row, partner = _may_hand_over(session, actor, partner_id)  # 404/403 before taking any lock
        deals = store.partner_deals(session, partner.id, lock=not dry_run)
        if not dry_run:
            # Its deals first (in id order), then the partner: the order every use case
            # takes, so this one and a deal being won wait for each other, never deadlock.
            partner_store.lock_partner(session, partner.id)
            actor_row, partner = _may_hand_over(session, actor, partner_id)  # as it is under the lock
            if store.partner_deal_ids(session, partner.id) != [d.id for d in deals]:
                # A deal was opened between the two locks (opening one locks the partner
                # only): run again, locking it with the others, rather than lock it now.
                raise RowsChangedError(f"partner {partner.id} gained a deal while it was being locked")
        new_owner = _new_owner(session, to, lock=not dry_run)
        if partner.status != "active":
            raise ConflictError(f"partner {partner_id} is archived; restore it before handing it over")
        old_owner_id = partner.owner_id
        if new_owner.id == old_owner_id:
            raise ConflictError(f"partner {partner_id} is already owned by '{to}'")
        decided = rules.plan(deals, from_owner_id=old_owner_id, to_owner_id=new_owner.id, chosen=chosen)
        by_id = {d.id: d for d in deals}
        moving = [by_id[i] for i in decided.open_moved + decided.closed_moved]
        # Planned activities go with the partner's owner, and with each moved deal of another rep.
        activity_moves = ([] if not chosen.activities else
                          ([(old_owner_id, None)] if old_owner_id is not None else [])
                          + [(owner_id, [d.id for d in moving if d.owner_id == owner_id])
                             for owner_id in sorted({d.owner_id for d in moving} - {old_owner_id})])
        names = _usernames(session, {d.owner_id for d in moving} | {old_owner_id})
        # Open tasks go with the open deals that move, and with the lost ones: a lost
        # deal's one open task is its owner's "Record why … was lost" (closing.py).
        with_tasks = [d for d in moving if d.status != "won"]

        def report(tasks: int, activities_moved: int) -> HandOverReport:
            return HandOverReport(
                partner_id=partner.id, partner_name=partner.name, from_owner=names.get(old_owner_id), to_owner=to,
                closed_deals=chosen.closed_deals, open_deals_moved=decided.open_moved,
                open_deals_kept=decided.open_kept, tasks_moved=tasks, activities_moved=activities_moved,
                closed_deals_moved=decided.closed_moved, closed_deals_kept=decided.closed_kept, dry_run=dry_run)

        if dry_run:
            return report(sum(store.open_task_counts(session, with_tasks).values()),
                          sum(store.count_planned_activities(session, partner.id, owner_id, deal_ids=ids)
                              for owner_id, ids in activity_moves))
        session.flush()  # anything pending, before the bulk writes below
        tasks = store.move_open_tasks(session, with_tasks, new_owner.id)
        tasks_moved = sum(tasks.values())
        teams = _new_teams(ctx, session, moving, new_owner.id)
        events = [dict(opportunity_id=deal.id, kind="reassigned", actor_id=actor_row.id, at=now,
                       data={"from_owner": names.get(deal.owner_id), "to_owner": to, "tasks": tasks.get(deal.id, 0),
                             "with_partner": partner.id, **_team_change(session, deal, teams.get(deal.id))})
                  for deal in moving]
        store.set_owners(session, moving, new_owner.id, teams)
        store.add_deal_events(session, events)
        activities_moved = sum(store.move_planned_activities(session, partner.id, owner_id, new_owner.id, now,
                                                             deal_ids=ids) for owner_id, ids in activity_moves)
        partner.owner_id = new_owner.id
        partner.updated_at = now
        done = report(tasks_moved, activities_moved)
        deals_moved = len(done.open_deals_moved) + len(done.closed_deals_moved)
        notifications.notify(session, new_owner.id, "partner_handed_over",
                             f"{actor_row.display_name} handed {partner.name} over to you with {deals_moved} "
                             f"deal{'' if deals_moved == 1 else 's'} and {tasks_moved} open "
                             f"task{'' if tasks_moved == 1 else 's'}.",
                             now, actor_id=actor_row.id, partner_id=partner.id,
                             opportunity_id=moving[0].id if len(moving) == 1 else None)
        partner_store.record_partner_event(
            session, partner.id, "handed_over", actor_row.id, now, from_owner=done.from_owner, to_owner=to,
            open_deals=len(done.open_deals_moved), open_deals_kept=len(done.open_deals_kept),
            tasks=tasks_moved, activities=activities_moved, closed_deals_moved=len(done.closed_deals_moved),
            closed_deals_kept=len(done.closed_deals_kept), **({"teams_changed": len(teams)} if teams else {}),
            options={"closed_deals": chosen.closed_deals, "open_deals": chosen.open_deals,
                     "others_open_deals": chosen.others_open_deals, "activities": chosen.activities})
        return done

    return unit_of_work.run(ctx, work, changed=f"someone else changed partner {partner_id} or one of its deals "
                                               "at the same time; reload it and try again")


def _may_hand_over(session: Session, actor: str, partner_id: int) -> tuple[User, Partner]:
    """The actor and the partner if they see it (NotFoundError) and may hand it over."""
    actor_row, partner, facts = visibility.visible_partner(session, actor, partner_id)
    policy.require(policy.may_hand_over_partner(visibility.actor_of(session, actor_row), facts),
                   f"only a manager of the owner's team or an admin may hand partner {partner_id} over; "
                   f"'{actor}' may not")
    return actor_row, partner


def _new_teams(ctx: ServiceContext, session: Session, deals, new_owner_id: int) -> dict[int, tuple[int, int | None]]:
    """(team, manager) for each moved deal whose team the new owner is not in and
    whose segment routes to a team they are in (``rules.team_for``); the others keep
    theirs. A segment no longer in the routing, or its team gone: kept."""
    owner_teams = people.team_ids_of(session, new_owner_id)
    segment_teams = {s.id: s.team for s in ctx.catalog.routing(session).segments}
    found: dict[str, Team | None] = {}
    changes = {}
    for deal in deals:
        name = segment_teams.get(deal.segment_id)
        if name is not None and name not in found:
            found[name] = people.find_team(session, name)
        team = found.get(name) if name is not None else None
        chosen = rules.team_for(deal.team_id, team.id if team else None, owner_teams)
        if team is not None and chosen == team.id:
            changes[deal.id] = (team.id, team.manager_id)
    return changes


def _team_change(session: Session, deal, change: tuple[int, int | None] | None) -> dict:
    """What the deal's "reassigned" event says of its team and manager, when they change."""
    if change is None:
        return {}
    team_name = store.team_names(session, (deal.team_id, change[0]))
    return {"from_team": team_name.get(deal.team_id), "to_team": team_name.get(change[0]),
            "from_manager": people.username(session, deal.manager_id) if deal.manager_id else None,
            "to_manager": people.username(session, change[1]) if change[1] else None}


def _new_owner(session: Session, username: object, *, lock: bool) -> User:
    """The active rep named ``username``; anything else is a mistake in the form's
    "to" field (not a missing resource: the partner exists)."""
    row = people.find_user(session, username, active_only=True) if isinstance(username, str) else None
    if row is None:
        raise FormError({"to": "no such user; choose an active rep"})
    if lock:  # a role change waits, then counts the deals handed over (a dry run changes nothing)
        people.lock_users(session, [row.id])
    if not policy.may_own_deals(row.role):
        raise FormError({"to": f"'{username}' is a {row.role}, not a rep; a partner's owner is a rep"})
    return row


def _usernames(session: Session, ids: set[int | None]) -> dict[int, str]:
    return {i: name for i in ids if i is not None and (name := people.username(session, i))}
