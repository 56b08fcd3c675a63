"""``dealflow validate``, ``describe``, ``schema`` and ``deploy``: the designer's
commands over a methodologies folder."""

from __future__ import annotations

import sys

import click

from engine import SCHEMA_KINDS, LoadResult, load_methodologies, schema_text
from engine.cli import render
from engine.cli.common import DEFAULT_PATH, existing, open_engine


@click.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
def validate(path: str) -> None:
    """Check methodology files and report every problem as PATH:LINE: MESSAGE.

    PATH is a methodologies folder (default: ./methodologies) or one file in it.
    Exits 0 when everything is valid, 1 otherwise."""
    result = load_methodologies(existing(path, "methodologies folder or file"))
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem))
        files = len({p.path for p in result.problems})
        click.echo(f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''} "
                   f"in {files} file{'s' if files != 1 else ''}", err=True)
        sys.exit(1)
    click.echo(summary(result))


@click.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
def describe(path: str) -> None:
    """Validate, then describe each methodology: stages, lanes, questionnaires, segments."""
    result = load_methodologies(existing(path, "methodologies folder or file"))
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem))
        sys.exit(1)
    click.echo(render.library(result.library))
    click.echo(summary(result))


@click.command()
@click.argument("kind", type=click.Choice(sorted(SCHEMA_KINDS)))
def schema(kind: str) -> None:
    """Print the JSON Schema of a YAML file kind, for editors' validation and completion."""
    click.echo(schema_text(kind), nl=False)


@click.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
@click.option("--as", "actor", default=None, help="Who deploys (recorded with each new version).")
@click.option("--force", is_flag=True,
              help="Store changed files even under a version: label already deployed.")
def deploy(path: str, actor: str | None, force: bool) -> None:
    """Validate PATH and store each changed methodology as a new, immutable version."""
    report = open_engine().deploy(existing(path), actor=actor, force=force)
    for v in report.versions:
        if not v.new:
            click.echo(f"{v.methodology_id} {v.label}: unchanged (its version {v.number})")
        elif v.number == 1:
            click.echo(f"{v.methodology_id} {v.label}: deployed, its first version")
        else:
            click.echo(f"{v.methodology_id} {v.label}: new, its version {v.number}; "
                       f"changed {', '.join(v.changed)}")
    click.echo("routing: " + ("new rules in force" if report.routing_changed else "unchanged"))


def summary(result: LoadResult) -> str:
    lib = result.library
    parts = [f"{len(lib.methodologies)} methodolog{'y' if len(lib.methodologies) == 1 else 'ies'}"]
    parts.append(f"{sum(len(m.questionnaires) for m in lib.methodologies.values())} questionnaire(s)")
    parts.append(f"{sum(len(r.segments) for r in lib.routing)} segment(s) in {len(lib.routing)} routing file(s)")
    return f"OK: {len(result.files)} files valid — " + ", ".join(parts)


COMMANDS = [validate, describe, schema, deploy]
