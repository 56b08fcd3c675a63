"""``dealflow demo``: the command-line walk-through of five deals (engine/demo/)."""

from __future__ import annotations

import click

from engine.cli.common import open_engine
from engine.demo import choose_methodologies, run_demo


@click.command()
@click.argument("path", required=False, type=click.Path())
@click.option("--methodologies", "folder", default=None, type=click.Path(),
              help="The methodologies to deploy (default: ./methodologies when it exists, "
                   "else the packaged examples). PATH is the same.")
def demo(path: str | None, folder: str | None) -> None:
    """Create demo users and teams, deploy the methodologies, and walk opportunities to won and lost."""
    if path and folder:
        raise click.UsageError("give the methodologies folder once: as PATH or with --methodologies")
    chosen = choose_methodologies(folder or path)
    click.echo(str(chosen))
    run_demo(open_engine(), chosen.path, click.echo)


COMMANDS = [demo]
