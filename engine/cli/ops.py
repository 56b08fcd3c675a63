"""Command-line commands that work on the database: deploy, people, opportunities,
tasks, the timer worker and the demo. Each parses, calls one façade method, prints."""

from __future__ import annotations

import functools
import json
import sys
import time

import click

from engine.cli import render
from engine.errors import DealflowError, FormError, MethodologyError
from engine.service import Engine

DEFAULT_PATH = "methodologies"


def _engine() -> Engine:
    engine = Engine()
    if engine.url.startswith("sqlite"):
        # The embedded default has no worker: each command first fires what is due
        # (an indexed query when nothing is), so timers work without one.
        engine.fire_due_timers()
    return engine


def reports_errors(command):
    """A user's mistake (a DealflowError) is one line on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except MethodologyError as err:
            for problem in err.problems:
                click.echo(str(problem))
            click.echo(f"error: {len(err.problems)} problem(s); nothing was deployed", err=True)
        except FormError as err:
            for name, message in err.fields.items():
                click.echo(f"error: {name}: {message}", err=True)
        except DealflowError as err:
            click.echo(f"error: {err}", err=True)
        sys.exit(1)

    return wrapper


def _pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    result = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{item}' is not KEY=VALUE", param_hint=what)
        result[key] = value
    return result


# --- database and deployment ----------------------------------------------------------

@click.group()
def db() -> None:
    """The database schema."""


@db.command()
@reports_errors
def upgrade() -> None:
    """Create or upgrade the schema of DEALFLOW_DATABASE_URL (default: SQLite dealflow.db)."""
    engine = Engine(upgrade_schema=True)
    click.echo(f"schema up to date: {engine.url.split('@')[-1]}")


@click.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
@click.option("--as", "actor", default=None, help="Who deploys (recorded with each new version).")
@reports_errors
def deploy(path: str, actor: str | None) -> None:
    """Validate PATH and store each changed methodology as a new, immutable version."""
    report = _engine().deploy(path, actor=actor)
    for v in report.versions:
        state = "new version" if v.new else "unchanged"
        click.echo(f"{v.methodology_id} {v.label}: {state} {v.version_id} ({v.content_hash[:12]})")
    click.echo("routing: " + ("new rules in force" if report.routing_changed else "unchanged"))


# --- people ---------------------------------------------------------------------------

@click.group()
def user() -> None:
    """Users."""


PASSWORD_ENV = "DEALFLOW_NEW_PASSWORD"


def _password_option(command):
    return click.option(
        "--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar=PASSWORD_ENV,
        help=f"Asked for when not given (hidden, twice); scripts may set {PASSWORD_ENV}.")(command)


@user.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["rep", "manager", "designer", "admin"]), required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: the username).")
@_password_option
@reports_errors
def user_create(username: str, role: str, display_name: str | None, password: str) -> None:
    """Create a user who logs in with a password (stored only as a scrypt hash)."""
    created = _engine().create_user(username, role, display_name, password=password)
    click.echo(f"user {created.username} ({created.role}) created")


@user.command("password")
@click.argument("username")
@_password_option
@reports_errors
def user_password(username: str, password: str) -> None:
    """Set a user's password."""
    _engine().set_password(username, password)
    click.echo(f"password of {username} changed")


@user.command("list")
@reports_errors
def user_list() -> None:
    """List users with their roles and teams."""
    for u in _engine().list_users():
        click.echo(f"{u.username:<24} {u.role:<9} {', '.join(u.teams)}")


@click.group()
def team() -> None:
    """Teams."""


@team.command("create")
@click.argument("name")
@click.option("--manager", default=None, help="The team's manager (a username).")
@click.option("--member", "members", multiple=True, help="A member's username; repeat for more.")
@reports_errors
def team_create(name: str, manager: str | None, members: tuple[str, ...]) -> None:
    """Create a team with its manager and members."""
    _engine().create_team(name, manager, list(members))
    click.echo(f"team {name} created with {len(members)} member(s)")


# --- opportunities and tasks ----------------------------------------------------------

@click.group()
def opportunity() -> None:
    """Sales opportunities."""


@opportunity.command("create")
@click.option("--title", required=True)
@click.option("--amount", required=True, help="An exact amount, e.g. 12500.00.")
@click.option("--currency", default="PLN", show_default=True)
@click.option("--partner", required=True, help="The customer's name.")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
              help="An attribute routing uses: territory, channel, industry, source, ...")
@click.option("--owner", default=None, help="Give it to this rep instead of the segment's assignment.")
@click.option("--as", "actor", required=True, help="Who opens it (a username).")
@reports_errors
def opportunity_create(title, amount, currency, partner, attrs, owner, actor) -> None:
    """Open an opportunity: routing picks segment, methodology, team and owner."""
    created = _engine().create_opportunity(
        title=title, amount=amount, currency=currency, partner=partner,
        attributes=_pairs(attrs, "--attr"), actor=actor, owner=owner)
    click.echo(render.opportunity(created))


@opportunity.command("show")
@click.argument("opportunity_id", type=int)
@reports_errors
def opportunity_show(opportunity_id: int) -> None:
    """Stage, probability, expected revenue, history and open tasks of one opportunity."""
    click.echo(render.opportunity(_engine().show_opportunity(opportunity_id)))


@opportunity.command("list")
@reports_errors
def opportunity_list() -> None:
    """Every opportunity, one per line."""
    for o in _engine().list_opportunities():
        click.echo(f"#{o.id:<5} {o.status:<5} {o.stage_name or '-':<28} {o.probability:>3} %  "
                   f"{o.amount:>12} {o.currency}  {o.owner:<16} {o.title}")


@opportunity.command("retry")
@click.argument("opportunity_id", type=int)
@click.option("--as", "actor", required=True)
@click.option("--upgrade", is_flag=True,
              help="Move it to the current version of its methodology first (after a fix was deployed).")
@reports_errors
def opportunity_retry(opportunity_id: int, actor: str, upgrade: bool) -> None:
    """Run the step that failed on an opportunity again."""
    click.echo(render.opportunity(_engine().retry(opportunity_id, actor=actor, upgrade=upgrade)))


@opportunity.command("reassign")
@click.argument("opportunity_id", type=int)
@click.option("--to", "to", required=True, help="The new owner (a rep).")
@click.option("--as", "actor", required=True, help="The deal's manager or an admin.")
@reports_errors
def opportunity_reassign(opportunity_id: int, to: str, actor: str) -> None:
    """Hand a deal and its owner's open tasks to another rep, keeping all history."""
    click.echo(render.opportunity(_engine().reassign_opportunity(opportunity_id, to=to, actor=actor)))


@click.group()
def task() -> None:
    """Tasks in the inbox."""


@task.command("list")
@click.option("--user", "username", default=None, help="Only the tasks this user may work.")
@reports_errors
def task_list(username: str | None) -> None:
    """READY tasks, earliest due first."""
    tasks = _engine().list_tasks(username)
    for t in tasks:
        click.echo(render.task_line(t))
    click.echo(f"{len(tasks)} task(s)", err=True)


@task.command("complete")
@click.argument("task_id")
@click.argument("values", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--as", "actor", required=True, help="Who completes it (a username).")
@click.option("--data", "data_json", default=None, help="The form's data as a JSON object.")
@reports_errors
def task_complete(task_id: str, values: tuple[str, ...], actor: str, data_json: str | None) -> None:
    """Complete a task with its form's data, then run the process to its next step."""
    data = {}
    if data_json:
        try:
            data = json.loads(data_json)
        except json.JSONDecodeError as err:
            raise click.BadParameter(f"not JSON: {err.msg}", param_hint="--data") from None
        if not isinstance(data, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--data")
    data.update(_pairs(values, "KEY=VALUE"))
    click.echo(render.opportunity(_engine().complete_task(task_id, actor=actor, data=data)))


@task.command("reassign")
@click.argument("task_id")
@click.option("--to", "to", required=True, help="Who should do it (a username).")
@click.option("--as", "actor", required=True, help="The deal's manager or an admin.")
@reports_errors
def task_reassign(task_id: str, to: str, actor: str) -> None:
    """Give one open task to a specific user."""
    click.echo(render.opportunity(_engine().reassign_task(task_id, to=to, actor=actor)))


# --- timers and the demo --------------------------------------------------------------

@click.command()
@click.option("--once", is_flag=True, help="Fire what is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between sweeps.")
@reports_errors
def worker(once: bool, interval: float) -> None:
    """Fire due timers, again and again (or once). Several workers may share a database."""
    engine = _engine()
    while True:
        fired = engine.fire_due_timers()
        if fired or once:
            click.echo(f"fired timers on {fired} opportunit{'y' if fired == 1 else 'ies'}")
        if once:
            return
        time.sleep(interval)  # polling: the next-timer column is indexed, a sweep is cheap


@click.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
@reports_errors
def demo(path: str) -> None:
    """Create demo users and teams, deploy PATH, and walk opportunities to won and lost."""
    from engine.demo import run_demo

    run_demo(_engine(), path, click.echo)


# --- API tokens -----------------------------------------------------------------------

@click.group()
def token() -> None:
    """Tokens for the JSON API (/api/v1)."""


@token.command("create")
@click.argument("username")
@reports_errors
def token_create(username: str) -> None:
    """Print a new API token for USERNAME; send it as 'Authorization: Bearer TOKEN'.

    The token is shown only now: the database keeps just its hash."""
    click.echo(_engine().create_token(username))
    click.echo(f"token for {username}: shown once, store it safely", err=True)


# --- the web application ---------------------------------------------------------------

SECRET_FILE = ".dealflow-secret"


def _secret_key(url: str, demo: bool) -> str | None:
    """DEALFLOW_SECRET_KEY; for the demo, else a key made once and kept in a file next
    to the SQLite database (or in the working directory), so sessions survive restarts."""
    import os
    import secrets
    from pathlib import Path

    key = os.environ.get("DEALFLOW_SECRET_KEY")
    if key or not demo:
        return key
    folder = Path(url.split("///", 1)[1]).parent if url.startswith("sqlite:///") else Path(".")
    path = folder / SECRET_FILE
    if path.exists():
        return path.read_text("utf-8").strip()
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key + "\n", "utf-8")
    return key


@click.command()
@click.option("--demo", is_flag=True, help="Seed demo accounts (password 'demo') and about 50 deals first.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--methodologies", "path", default=DEFAULT_PATH, show_default=True, type=click.Path(),
              help="Methodologies to deploy with --demo.")
@reports_errors
def serve(demo: bool, host: str, port: int, path: str) -> None:
    """Serve the web inbox (development server; production: gunicorn "webui:create_app()")."""
    from webui import create_app

    engine = _engine()
    key = _secret_key(engine.url, demo)
    if not key:
        click.echo("error: DEALFLOW_SECRET_KEY is not set; set it to a long random value, "
                   "or run 'dealflow serve --demo' for a local demo", err=True)
        sys.exit(1)
    if demo:
        from engine.demo import seed_demo

        opened = seed_demo(engine, path)
        click.echo(f"demo: {opened} new deal(s); log in as rep1, rep2, manager, designer or admin, "
                   "password 'demo'")
    app = create_app({"ENGINE": engine, "SECRET_KEY": key, "METHODOLOGIES_PATH": path})
    click.echo(f"Dealflow at http://{host}:{port}/ (Ctrl+C stops it)")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


COMMANDS = [db, deploy, user, team, opportunity, task, worker, demo, token, serve]
