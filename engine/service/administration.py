"""The admin's users-and-teams screen (issue 15): who is who, creating a user,
changing a role, adding people to teams and removing them, a user's API tokens.
Admins only; every change is audited (engine.store.admin_events). Creating users and
tokens and joining a team are engine.service.accounts' work, run here in one
transaction with the admin's check and the audit row: no change goes unaudited."""

from __future__ import annotations

from engine.errors import DealflowError, NotFoundError
from engine.rules import policy
from engine.service import accounts, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import account_reads, admin_events, people
from engine.views import UserView
from engine.views.admin import AuditRow, Organisation, PersonRow, TeamRow, TokenRow


def _admin(session: Session, username: str, what: str) -> int:
    user = people.user(session, username)
    policy.require(policy.may_administer(visibility.actor_of(session, user)), f"only an admin may {what}")
    return user.id


def _check(ctx: ServiceContext, actor: str, what: str) -> None:
    with unit_of_work.quick_read(ctx) as session:
        _admin(session, actor, what)


def _audited(ctx: ServiceContext, actor: str, what: str, change, kind: str, subject, *, duplicate=None, **data):
    """Runs ``change(session)`` as ``actor`` (an admin, checked inside the
    transaction too) and records it in the same transaction; ``subject(result)``
    names what changed."""
    def work(session: Session):
        actor_id = _admin(session, actor, what)
        result = change(session)
        admin_events.record(session, kind, actor_id=actor_id, at=ctx.now(), subject=subject(result), **data)
        return result

    return unit_of_work.run(ctx, work, **({"duplicate": duplicate} if duplicate else {}))


def organisation(ctx: ServiceContext, *, viewer: str) -> Organisation:
    """Every user (role, teams), every team (manager, members), the latest changes."""
    with unit_of_work.read(ctx) as session:
        _admin(session, viewer, "see users and teams")
        users = account_reads.people_rows(session)
        names = {u.id: (u.username, u.display_name) for u in users}
        teams = account_reads.team_rows(session)
        member_of: dict[int, list[str]] = {}
        team_views = []
        for name, manager_id, member_ids in teams:
            for uid in member_ids:
                member_of.setdefault(uid, []).append(name)
            manager = names.get(manager_id)
            team_views.append(TeamRow(name, manager[0] if manager else None, manager[1] if manager else None,
                                      tuple(sorted((names[uid] for uid in member_ids), key=lambda n: n[1].lower()))))
        audit = tuple(AuditRow(e.kind, names.get(e.actor_id, (None,))[0], e.at, e.subject, dict(e.data or {}))
                      for e in admin_events.recent(session))
        return Organisation(
            tuple(PersonRow(u.username, u.display_name, u.role, bool(u.active), tuple(sorted(member_of.get(u.id, ()))))
                  for u in users),
            tuple(team_views), policy.ROLES, audit)


def create_user(ctx: ServiceContext, username: str, role: str, display_name: str | None,
                password: str | None = None, *, actor: str) -> UserView:
    _check(ctx, actor, "create users")  # before the input: a non-admin learns nothing from it
    create = accounts.user_creation(ctx, username, role, display_name, password)
    return _audited(ctx, actor, "create users", create, "user_created", lambda user: user.username,
                    duplicate=f"user '{username}' already exists", role=policy.Role.of(role).value)


def set_role(ctx: ServiceContext, username: str, role: str, *, actor: str) -> str:
    """The user's new role. An admin does not change their own (someone must stay
    admin); a team's manager stays a manager or admin until the team has another; whoever
    owns open deals or holds open tasks keeps a role that may, until they are handed over."""
    new = policy.Role.of(role)

    def work(session: Session) -> str:
        # both rows held first, then the rules checked on them: two admins demoting each
        # other at once must not both succeed (no admin left)
        people.lock_users(session, [people.user(session, actor).id, people.user(session, username).id])
        actor_id = _admin(session, actor, "change roles")
        user = people.user(session, username)
        if user.id == actor_id:
            raise DealflowError("you cannot change your own role; ask another admin")
        if new not in (policy.Role.MANAGER, policy.Role.ADMIN):
            led = account_reads.teams_led_by(session, user.id)
            if led:
                raise DealflowError(f"{user.display_name} manages {', '.join(led)}; give the team another "
                                    f"manager before making them a {new.value}")
        deals, tasks = account_reads.open_work(session, user.id)
        if deals and not policy.may_own_deals(new):
            raise DealflowError(f"{user.display_name} owns {deals} open deal(s); hand them over before "
                                f"making them a {new.value}")
        if tasks and not policy.may_take_tasks(new):
            raise DealflowError(f"{user.display_name} holds {tasks} open task(s); hand them over before "
                                f"making them a {new.value}")
        old = user.role
        if old != new.value:
            user.role = new.value
            admin_events.record(session, "role_changed", actor_id=actor_id, at=ctx.now(), subject=user.username,
                                old=old, new=new.value)
        return new.value

    return unit_of_work.run(ctx, work)


def add_team_member(ctx: ServiceContext, team: str, username: str, *, actor: str) -> None:
    _check(ctx, actor, "change teams")
    _audited(ctx, actor, "change teams", lambda session: accounts.join_team(session, team, username),
             "team_member_added", lambda _: team, member=username)


def remove_team_member(ctx: ServiceContext, team: str, username: str, *, actor: str) -> None:
    def work(session: Session) -> None:
        actor_id = _admin(session, actor, "change teams")
        found = people.find_team(session, team)
        if found is None:
            raise NotFoundError(f"no team '{team}'")
        user = people.user(session, username)
        if not account_reads.leave_team(session, found.id, user.id):
            raise DealflowError(f"{user.display_name} is not a member of {team}")
        admin_events.record(session, "team_member_removed", actor_id=actor_id, at=ctx.now(), subject=team,
                            member=user.username)

    unit_of_work.run(ctx, work)


def tokens(ctx: ServiceContext, username: str, *, viewer: str) -> list[TokenRow]:
    """The user's API tokens, newest first: when made and revoked, never the secret."""
    with unit_of_work.quick_read(ctx) as session:
        _admin(session, viewer, "see API tokens")
        user = people.user(session, username)
        return [TokenRow(t.id, t.created_at, t.revoked_at) for t in account_reads.tokens_of(session, user.id)]


def create_token(ctx: ServiceContext, username: str, *, actor: str) -> str:
    """A new API token for the user (the same use case as ``dealflow token create``);
    the secret is returned once and never stored."""
    _check(ctx, actor, "create API tokens")
    return _audited(ctx, actor, "create API tokens", lambda session: accounts.add_token(ctx, session, username),
                    "token_created", lambda _: username)


def revoke_token(ctx: ServiceContext, username: str, token_id: int, *, actor: str) -> None:
    def work(session: Session) -> None:
        actor_id = _admin(session, actor, "revoke API tokens")
        user = people.user(session, username)
        token = account_reads.token_of(session, token_id, user.id)
        if token is None:
            raise NotFoundError(f"{user.display_name} has no API token #{token_id}")
        if token.revoked_at is None:
            token.revoked_at = ctx.now()
            admin_events.record(session, "token_revoked", actor_id=actor_id, at=ctx.now(), subject=user.username,
                                token_id=token_id)

    unit_of_work.run(ctx, work)
