"""Use cases about people: users, teams, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Callable

from werkzeug.security import check_password_hash, generate_password_hash

from engine.errors import ConflictError, DealflowError, NotFoundError, PermissionDeniedError
from engine.rules import inputs, policy
from engine.service import logins, unit_of_work
from engine.service.context import ServiceContext
from engine.service.organisation import organisation
from engine.service.unit_of_work import Session
from engine.store import account_reads, people
from engine.store.models import ApiToken, Team, TeamMember, User
from engine.views import UserView

MIN_PASSWORD_LENGTH = 8
# A hash to compare against when the user does not exist, so a login takes as long
# for an unknown name as for a wrong password.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(ctx: ServiceContext, username: str, role: str, display_name: str | None = None,
                password: str | None = None) -> UserView:
    return unit_of_work.run(ctx, user_creation(ctx, username, role, display_name, password),
                            duplicate=f"user '{username}' already exists")


def user_creation(ctx: ServiceContext, username: str, role: str, display_name: str | None = None,
                  password: str | None = None) -> Callable[[Session], UserView]:
    """The input checked now, and the work that creates the user in a caller's
    transaction (the admin's screen records its audit row in the same one)."""
    role = policy.Role.of(role).value
    username = inputs.text(username, "username", limit=inputs.MAX_USERNAME)
    display_name = inputs.text(display_name, "display_name", limit=inputs.MAX_DISPLAY_NAME, required=False)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH and password != "demo":
        raise DealflowError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")

    def work(session: Session) -> UserView:
        if people.find_user(session, username) is not None:
            raise ConflictError(f"user '{username}' already exists")
        user = User(username=username, display_name=display_name or username, role=role,
                    password_hash=generate_password_hash(password, method="scrypt") if password else None,
                    active=True, created_at=ctx.now())
        session.add(user)
        session.flush()
        return UserView(user.id, user.username, user.display_name, user.role)

    return work


def set_password(ctx: ServiceContext, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DealflowError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")

    def work(session: Session) -> None:
        people.user(session, username).password_hash = generate_password_hash(password, method="scrypt")

    unit_of_work.run(ctx, work)
    logins.end_sessions(ctx, username)  # whoever knew the old password is logged out


def authenticate(ctx: ServiceContext, username: str, password: str, address: str | None = None) -> UserView:
    """The user, if the password is theirs; PermissionDeniedError otherwise (the
    same message whether the name or the password was wrong), and
    TooManyAttemptsError, without checking the password, while the account or the
    client ``address`` must wait after failed logins (engine.service.logins)."""
    inputs.storable(username, "username")  # no query compares a NUL
    logins.check(ctx, username, address)
    with unit_of_work.read(ctx) as session:
        user = people.find_user(session, username, active_only=True)
        stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
        matches = check_password_hash(stored, password) and user is not None and bool(user.password_hash)
        view = view_of(session, user) if matches else None
    if view is None:
        logins.failed(ctx, username, address)
        raise PermissionDeniedError("wrong username or password")
    logins.succeeded(ctx, username)
    return view


def user_view(ctx: ServiceContext, username: str) -> UserView:
    with unit_of_work.read(ctx) as session:
        return view_of(session, people.user(session, username))


def user_for_session(ctx: ServiceContext, username: str, generation: int) -> UserView:
    """The user of a login session of this ``generation``; NotFoundError once their
    sessions were ended (logout, a new password) or the user is gone."""
    with unit_of_work.quick_read(ctx) as session:  # on every page: one statement, no BEGIN/ROLLBACK
        user, teams = people.user_and_teams(session, username)
    if user is None:
        raise NotFoundError(f"no user '{username}'")
    if user.session_generation != generation:
        raise NotFoundError(f"the session of '{username}' has ended")
    # with the team ids: the page's use cases take the view as their caller and read no user again
    return UserView(user.id, user.username, user.display_name, user.role, tuple(name for _, name in teams),
                    team_ids=tuple(team_id for team_id, _ in teams))


def view_of(session: Session, user: User) -> UserView:
    """The user as callers see them, with the names of their teams."""
    teams = people.team_names_of(session, user.id)
    return UserView(user.id, user.username, user.display_name, user.role, tuple(teams))



def create_token(ctx: ServiceContext, username: str) -> str:
    """A new API token for the user; shown once, only its hash is stored."""
    return unit_of_work.run(ctx, lambda session: add_token(ctx, session, username))


def add_token(ctx: ServiceContext, session: Session, username: str) -> str:
    """``create_token``'s work in a caller's transaction."""
    token = "dft_" + secrets.token_urlsafe(32)
    user = people.user(session, username)
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=ctx.now()))
    return token


def user_for_token(ctx: ServiceContext, token: str) -> UserView:
    """The token's user with their teams' names and ids (``team_ids``: the inbox takes
    the view as its caller and reads no user again)."""
    token_hash = _token_hash(token)
    cache = ctx.tokens  # PostgreSQL: the answers of this process's earlier checks (engine.service.token_cache)
    if cache is not None:
        epoch = cache.epoch()  # read on this request: a revocation committed before it is seen
        view = cache.get(token_hash, epoch) if epoch is not None else None
        if view is not None:
            return view
    with unit_of_work.quick_connection(ctx) as connection:  # every API request: no ORM session
        user, teams, checked_at = account_reads.token_holder(connection, token_hash)
    if user is None:
        raise PermissionDeniedError("invalid or revoked API token")
    view = UserView(user.id, user.username, user.display_name, user.role, tuple(name for _, name in teams),
                    team_ids=tuple(team_id for team_id, _ in teams))
    if cache is not None:
        cache.put(token_hash, view, checked_at)
    return view


def create_team(ctx: ServiceContext, name: str, manager: str | None, members: list[str]) -> None:
    name = inputs.text(name, "name", limit=inputs.MAX_TEAM_NAME)

    def work(session: Session) -> None:
        if people.find_team(session, name) is not None:
            raise ConflictError(f"team '{name}' already exists")
        manager_id = people.user_id(session, manager) if manager else None
        team = Team(name=name, manager_id=manager_id, created_at=ctx.now())
        session.add(team)
        session.flush()
        for username in members:
            session.add(TeamMember(team_id=team.id, user_id=people.user_id(session, username)))
        session.flush()
        organisation(session)  # HierarchyCycleError: the team would make a manager report to themselves

    unit_of_work.run(ctx, work, duplicate=f"team '{name}' already exists")


def add_team_member(ctx: ServiceContext, team: str, username: str) -> None:
    unit_of_work.run(ctx, lambda session: join_team(session, team, username))


def join_team(session: Session, team: str, username: str) -> None:
    """``add_team_member``'s work in a caller's transaction."""
    found = people.find_team(session, team)
    if found is None:
        raise DealflowError(f"no team '{team}'")
    team_id = found.id
    user_id = people.user_id(session, username)
    if session.get(TeamMember, (team_id, user_id)) is None:
        session.add(TeamMember(team_id=team_id, user_id=user_id))
        session.flush()
        organisation(session)  # HierarchyCycleError: no manager may end up reporting to themselves


def list_users(ctx: ServiceContext) -> list[UserView]:
    with unit_of_work.read(ctx) as session:
        return people.users(session)


def display_names(ctx: ServiceContext, usernames) -> dict[str, str]:
    """username -> display name (the username when none is set) of those of
    ``usernames`` who exist; people are shown by their names (issue 15)."""
    wanted = sorted({u for u in usernames if isinstance(u, str) and u and not inputs.unstorable(u)})
    if not wanted:
        return {}
    with unit_of_work.quick_read(ctx) as session:
        return people.display_names(session, wanted)
