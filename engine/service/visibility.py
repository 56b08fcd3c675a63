"""Who sees which deal and task, and who manages a deal: the checks every use-case
family shares. A deal or task the actor may not see is a NotFoundError that names
only what was asked for, never anything of the deal."""

from __future__ import annotations

from engine.errors import NotFoundError, PermissionDeniedError
from engine.rules import policy
from engine.service.unit_of_work import Session
from engine.store import inbox as inbox_store
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.models import InboxTask, Opportunity, User

SEES_EVERYTHING = ("admin", "designer")


def may_see_opportunity(session: Session, actor: User, opportunity: Opportunity) -> bool:
    """Admins and designers see every deal; a manager the deals they are responsible
    for and their teams'; a rep the deals they own or have (had) a task on."""
    if actor.role in SEES_EVERYTHING or actor.id in (opportunity.owner_id, opportunity.manager_id):
        return True
    team_ids = people.team_ids_of(session, actor.id)
    if opportunity.team_id in team_ids and actor.role == "manager":
        return True
    return inbox_store.has_worked_on(session, actor, opportunity.id, team_ids)


def may_see_task(session: Session, actor: User, task: InboxTask, opportunity: Opportunity) -> bool:
    """Whoever may work the task, sees everything, holds or completed it, or owns its deal."""
    if actor.role in SEES_EVERYTHING or policy.may_work(people.actor_facts(session, actor), inbox_store.task_facts(task),
                                                        opportunity_store.deal_facts(opportunity)):
        return True
    return actor.id in (task.assignee_id, task.completed_by_id, opportunity.owner_id)


def check_sees(session: Session, actor: User, opportunity: Opportunity | None, missing: str) -> None:
    """NotFoundError(``missing``) unless the deal exists and the actor may see it."""
    if opportunity is None or not may_see_opportunity(session, actor, opportunity):
        raise NotFoundError(missing)  # says only what was asked for, nothing of the deal


def visible_opportunity(session: Session, username: str, opportunity_id: int, *,
                        lock: bool = False) -> tuple[User, Opportunity]:
    """The user and the deal, if they may see it; otherwise NotFoundError, which
    names only the id asked for. ``lock``: row-locked, for a change."""
    actor = people.user(session, username)
    opportunity = (opportunity_store.lock_opportunity(session, opportunity_id) if lock
                   else session.get(Opportunity, opportunity_id))
    check_sees(session, actor, opportunity, f"no opportunity {opportunity_id}")
    return actor, opportunity


def manages(actor: User, opportunity: Opportunity) -> bool:
    """The deal's manager or an admin."""
    return actor.role == "admin" or actor.id == opportunity.manager_id


def check_manages(actor: User, opportunity: Opportunity) -> None:
    if not manages(actor, opportunity):
        raise PermissionDeniedError(f"only the deal's manager or an admin may reassign "
                                    f"opportunity {opportunity.id}; '{actor.username}' may not")
