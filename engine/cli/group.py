"""The ``dealflow`` group's behaviour: an engine error raised by any command becomes
one line on stderr and exit code 1 (click's usage errors exit 2), never a traceback;
and commands other installed packages contribute are loaded on first need.

Contributing a command (the Flask CLI's plugin pattern): a package names a click
command in the ``dealflow.commands`` entry point group of its pyproject.toml, e.g.
``serve = "webui.serve:serve"``. The command line itself imports no such package."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import click

from engine import DealflowError, FormError, MethodologyError

ENTRY_POINT_GROUP = "dealflow.commands"

# Commands the package's own parts contribute; named when one is missing, so that a
# stale install says what to do instead of "No such command".
CONTRIBUTED = {"serve": "the web inbox (webui)"}


class DealflowGroup(click.Group):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._contributions_loaded = False

    def _load_contributions(self) -> None:
        if self._contributions_loaded:
            return
        self._contributions_loaded = True
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            if entry_point.name not in self.commands:  # an install seen twice on sys.path
                self.add_command(entry_point.load(), entry_point.name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_contributions()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self._load_contributions()
        command = super().get_command(ctx, name)
        if command is None and name in CONTRIBUTED:
            raise click.UsageError(
                f"'dealflow {name}' comes with {CONTRIBUTED[name]} through the '{ENTRY_POINT_GROUP}' "
                "entry points, and none is installed; reinstall Dealflow (pip install -e . in a clone)", ctx)
        return command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DealflowError as err:
            report(err)
            sys.exit(1)


def report(err: DealflowError) -> None:
    """An engine error as the user reads it: one line each (a methodology's problems
    as PATH:LINE: MESSAGE on stdout, a form's fields one per line)."""
    if isinstance(err, MethodologyError):
        for problem in err.problems:
            click.echo(str(problem))
        click.echo(f"error: {len(err.problems)} problem(s); nothing was deployed", err=True)
    elif isinstance(err, FormError):
        for name, message in err.fields.items():
            click.echo(f"error: {name}: {message}", err=True)
    else:
        click.echo(f"error: {err}", err=True)
