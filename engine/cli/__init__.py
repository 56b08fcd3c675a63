"""The ``dealflow`` command line. Each command parses its arguments, calls the
engine once, and prints; a user's mistake is one line on stderr and exit code 1
(click's usage errors exit 2), never a traceback."""

from __future__ import annotations

import sys

import click

from engine.cli.describe import describe_library
from engine.methodology.schemas import KINDS, schema_text
from engine.service.validation import load_methodologies

DEFAULT_PATH = "methodologies"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dealflow")
def main() -> None:
    """Dealflow runs declarative sales methodologies: BPMN 2.0 for the flow, YAML for
    stage tables, questionnaires and routing rules."""


@main.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
def validate(path: str) -> None:
    """Check methodology files and report every problem as PATH:LINE: MESSAGE.

    PATH is a methodologies folder (default: ./methodologies) or one file in it.
    Exits 0 when everything is valid, 1 otherwise."""
    result = load_methodologies(path)
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem))
        files = len({p.path for p in result.problems})
        click.echo(f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''} "
                   f"in {files} file{'s' if files != 1 else ''}", err=True)
        sys.exit(1)
    click.echo(_summary(result))


@main.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
def describe(path: str) -> None:
    """Validate, then describe each methodology: stages, lanes, questionnaires, segments."""
    result = load_methodologies(path)
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem))
        sys.exit(1)
    click.echo(describe_library(result.library))
    click.echo(_summary(result))


@main.command()
@click.argument("kind", type=click.Choice(sorted(KINDS)))
def schema(kind: str) -> None:
    """Print the JSON Schema of a YAML file kind, for editors' validation and completion."""
    click.echo(schema_text(kind), nl=False)


def _summary(result) -> str:
    lib = result.library
    parts = [f"{len(lib.methodologies)} methodolog{'y' if len(lib.methodologies) == 1 else 'ies'}"]
    parts.append(f"{sum(len(m.questionnaires) for m in lib.methodologies.values())} questionnaire(s)")
    parts.append(f"{sum(len(r.segments) for r in lib.routing)} segment(s) in {len(lib.routing)} routing file(s)")
    return f"OK: {len(result.files)} files valid — " + ", ".join(parts)


def _register_operations() -> None:
    from engine.cli.ops import COMMANDS

    from engine.cli.segments import COMMANDS as SEGMENT_COMMANDS
    from engine.cli import sales as cli_sales  # noqa: F401  (adds its commands to the opportunity group)
    from engine.cli import diff as cli_diff  # noqa: F401  (adds dealflow diff)
    from engine.cli import import_bpmn as cli_import  # noqa: F401  (adds dealflow import-bpmn)

    for command in COMMANDS + SEGMENT_COMMANDS:
        main.add_command(command)


_register_operations()
