"""``dealflow user``, ``team`` and ``token``: people, their teams and their API tokens."""

from __future__ import annotations

import click

from engine.cli.common import open_engine

PASSWORD_ENV = "DEALFLOW_NEW_PASSWORD"


def _password_option(command):
    return click.option(
        "--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar=PASSWORD_ENV,
        help=f"Asked for when not given (hidden, twice); scripts may set {PASSWORD_ENV}.")(command)


@click.group()
def user() -> None:
    """Users."""


@user.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["rep", "manager", "designer", "admin"]), required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: the username).")
@_password_option
def user_create(username: str, role: str, display_name: str | None, password: str) -> None:
    """Create a user who logs in with a password (stored only as a scrypt hash)."""
    created = open_engine().create_user(username, role, display_name, password=password)
    click.echo(f"user {created.username} ({created.role}) created")


@user.command("password")
@click.argument("username")
@_password_option
def user_password(username: str, password: str) -> None:
    """Set a user's password."""
    open_engine().set_password(username, password)
    click.echo(f"password of {username} changed")


@user.command("list")
def user_list() -> None:
    """List users with their roles and teams."""
    for u in open_engine().list_users():
        click.echo(f"{u.username:<24} {u.role:<9} {', '.join(u.teams)}")


@click.group()
def team() -> None:
    """Teams."""


@team.command("create")
@click.argument("name")
@click.option("--manager", default=None, help="The team's manager (a username).")
@click.option("--member", "members", multiple=True, help="A member's username; repeat for more.")
def team_create(name: str, manager: str | None, members: tuple[str, ...]) -> None:
    """Create a team with its manager and members."""
    open_engine().create_team(name, manager, list(members))
    click.echo(f"team {name} created with {len(members)} member(s)")


@click.group()
def token() -> None:
    """Tokens for the JSON API (/api/v1)."""


@token.command("create")
@click.argument("username")
def token_create(username: str) -> None:
    """Print a new API token for USERNAME; send it as 'Authorization: Bearer TOKEN'.

    The token is shown only now: the database keeps just its hash."""
    click.echo(open_engine().create_token(username))
    click.echo(f"token for {username}: shown once, store it safely", err=True)


COMMANDS = [user, team, token]
