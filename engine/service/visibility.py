"""The checks every use-case family shares, each decided by ``engine.rules.policy``
over the facts the store reads: who sees which deal, task and partner, who works a
task, who manages a deal, who edits a partner, and which ids can name a row at all. A deal or task the actor may
not see is a NotFoundError that names only what was asked for, never anything of
the deal."""

from __future__ import annotations

from engine.errors import FormError, NotFoundError
from engine.rules import inputs, policy
from engine.rules import report_scope
from engine.rules.hierarchy import Hierarchy
from engine.rules.report_scope import Scope
from engine.service.unit_of_work import Session
from engine.store import hierarchy as hierarchy_store
from engine.store import inbox as inbox_store
from engine.store import opportunities as opportunity_store
from engine.store import partners as partner_store
from engine.store import people
from engine.store.models import InboxTask, Opportunity, User
from engine.store.partner_models import Partner


def actor_of(session: Session, user: User) -> policy.Actor:
    return people.actor_facts(session, user)


def deal_of(opportunity: Opportunity) -> policy.Deal:
    """The deal without its tasks (``may_see_opportunity`` reads those only when
    nothing else lets the actor see it)."""
    return opportunity_store.deal_facts(opportunity)


def task_of(task: InboxTask) -> policy.Task:
    return inbox_store.task_facts(task)


def scope_of(session: Session, user: User) -> Scope:
    """Whose deals ``user`` sees in lists and reports (``engine.rules.report_scope``):
    their role, the teams they lead and everyone below them in the manager hierarchy,
    at any depth."""
    return scope_of_actor(session, actor_of(session, user))


def scope_of_actor(session: Session, actor: policy.Actor) -> Scope:
    """``scope_of`` for an actor whose facts the caller has (no user read); the
    hierarchy is read for a manager only."""
    if actor.role is not policy.Role.MANAGER:
        return report_scope.scope_of(actor)
    below = Hierarchy.of(hierarchy_store.teams(session)).members_under(actor.user_id)
    return report_scope.scope_of(actor, hierarchy_store.led_team_ids(session, actor.user_id), below)


def may_see_opportunity(session: Session, actor: User, opportunity: Opportunity) -> bool:
    """The one rule of who sees a deal, for its page, the API and every change:
    ``policy.may_see_deal`` (owner, manager, their teams', admins and designers),
    or the viewer's list and report scope covers it (``scope_of``: a director sees
    the deals of everyone below them, so a deal a list or report shows always
    opens), or they worked on it. The hierarchy and the deal's tasks (a query each)
    are read only when the cheaper facts do not decide."""
    who = actor_of(session, actor)
    if policy.may_see_deal(who, deal_of(opportunity)):
        return True
    if who.role is policy.Role.MANAGER and scope_of(session, actor).covers(
            opportunity.owner_id, opportunity.manager_id, opportunity.team_id):
        return True
    tasks = opportunity_store.task_facts_of(session, opportunity.id)
    return policy.worked_on(who, opportunity_store.deal_facts(opportunity, tasks))


def may_see_task(session: Session, actor: User, task: InboxTask, opportunity: Opportunity) -> bool:
    return policy.may_see_task(actor_of(session, actor), task_of(task), deal_of(opportunity))


def may_work(session: Session, actor: User, task: InboxTask, opportunity: Opportunity) -> bool:
    return policy.may_work(actor_of(session, actor), task_of(task), deal_of(opportunity))


def check_sees(session: Session, actor: User, opportunity: Opportunity | None, missing: str) -> None:
    """NotFoundError(``missing``) unless the deal exists and the actor may see it."""
    if opportunity is None or not may_see_opportunity(session, actor, opportunity):
        raise NotFoundError(missing)  # says only what was asked for, nothing of the deal


def known_id(number: object, missing: str) -> int:
    """``number`` if it can name a row at all; NotFoundError(``missing``) otherwise,
    without asking the database (an id past 2^31-1 is an error there)."""
    if not inputs.is_record_id(number):
        raise NotFoundError(missing)
    return number  # type: ignore[return-value]


def known_task_id(task_id: object) -> str:
    """``task_id`` if it can name a task at all (text the database can compare);
    NotFoundError otherwise."""
    try:
        return inputs.storable(task_id, "task") if isinstance(task_id, str) else inputs.storable("\x00", "task")
    except FormError:
        raise NotFoundError(f"no task '{task_id}'") from None


def visible_opportunity(session: Session, username: str, opportunity_id: int, *,
                        lock: bool = False) -> tuple[User, Opportunity]:
    """The user and the deal, if they may see it; otherwise NotFoundError, which
    names only the id asked for. ``lock``: row-locked, for a change."""
    missing = f"no opportunity {opportunity_id}"
    actor = people.user(session, username)
    known_id(opportunity_id, missing)
    opportunity = (opportunity_store.lock_opportunity(session, opportunity_id) if lock
                   else session.get(Opportunity, opportunity_id))
    check_sees(session, actor, opportunity, missing)
    return actor, opportunity


def manages(session: Session, actor: User, opportunity: Opportunity) -> bool:
    """``policy.may_manage``: the deal's manager or an admin."""
    return policy.may_manage(actor_of(session, actor), deal_of(opportunity))


def check_manages(session: Session, actor: User, opportunity: Opportunity) -> None:
    policy.require(manages(session, actor, opportunity),
                   f"only the deal's manager or an admin may reassign opportunity {opportunity.id}; "
                   f"'{actor.username}' may not")


# --- business partners ----------------------------------------------------------------

def visible_partner(session: Session, username: str, partner_id: object, *,
                    lock: bool = False) -> tuple[User, Partner, policy.PartnerFacts]:
    """The user, the partner and its facts, if ``policy.may_see_partner``; otherwise
    NotFoundError naming only the id asked for. ``lock``: row-locked first, and the
    facts read under the lock (a change re-checks on what is stored now)."""
    missing = f"no partner {partner_id}"
    actor = people.user(session, username)
    known_id(partner_id, missing)
    partner = (partner_store.lock_partner(session, partner_id, missing=missing) if lock  # type: ignore[arg-type]
               else session.get(Partner, partner_id))
    if partner is None:
        raise NotFoundError(missing)
    facts = partner_store.partner_facts(session, partner)
    if not policy.may_see_partner(actor_of(session, actor), facts):
        raise NotFoundError(missing)  # says nothing of the partner
    return actor, partner, facts


def check_edits_partner(session: Session, actor: User, partner: Partner, facts: policy.PartnerFacts) -> None:
    """PermissionDeniedError unless ``policy.may_edit_partner`` (the actor sees it)."""
    policy.require(policy.may_edit_partner(actor_of(session, actor), facts),
                   f"only the partner's owner, their manager or an admin may change partner {partner.id}; "
                   f"'{actor.username}' may not")
