"""``dealflow serve``: the web inbox on Flask's development server (production:
gunicorn "webui:create_app()").

The web application contributes this command to the ``dealflow`` command line
through the ``dealflow.commands`` entry point group (pyproject.toml), as Flask
extensions add theirs to ``flask``: the command line itself never imports webui."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click

from engine import Engine
from engine.demo import choose_methodologies, seed_demo
from webui import create_app

SECRET_FILE = ".dealflow-secret"


def secret_key(url: str, demo: bool) -> str | None:
    """DEALFLOW_SECRET_KEY; for the demo, else a key made once and kept in a file next
    to the SQLite database (or in the working directory), so sessions survive restarts."""
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
@click.option("--demo", is_flag=True, help="Seed demo accounts (password 'demo') and a year of sales history "
                                           "(about 200 deals, quotas, daily snapshots) first.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--methodologies", "path", default=None, type=click.Path(),
              help="Methodologies to deploy with --demo (default: ./methodologies when it exists, "
                   "else the packaged examples).")
def serve(demo: bool, host: str, port: int, path: str | None) -> None:
    """Serve the web inbox (development server; production: gunicorn "webui:create_app()")."""
    engine = Engine()
    if engine.url.startswith("sqlite"):
        engine.fire_due_timers()  # the embedded default has no worker (as every dealflow command does)
    key = secret_key(engine.url, demo)
    if not key:
        click.echo("error: DEALFLOW_SECRET_KEY is not set; set it to a long random value, "
                   "or run 'dealflow serve --demo' for a local demo", err=True)
        sys.exit(1)
    if demo:
        chosen = choose_methodologies(path)
        click.echo(str(chosen))
        path = chosen.path
        opened = seed_demo(engine, path)
        click.echo(f"demo: {opened} new deal(s); log in as rep1, rep2, manager, director, designer or admin, "
                   "password 'demo'")
    if engine.url.startswith("sqlite"):
        engine.sweep_warnings()  # no worker on the embedded default: the warnings are raised at start
    app = create_app({"ENGINE": engine, "SECRET_KEY": key, "METHODOLOGIES_PATH": path or "methodologies"})
    click.echo(f"Dealflow at http://{host}:{port}/ (Ctrl+C stops it)")
    app.run(host=host, port=port, threaded=True, use_reloader=False)
