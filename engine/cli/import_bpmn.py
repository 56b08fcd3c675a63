"""``dealflow import-bpmn``: a BPMN file from Camunda Modeler, Flowable or another
tool becomes a starting methodology (the pure part is methodology/importer.py)."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

import click

from engine import load_methodologies, plan_import
from engine.cli.common import DEFAULT_PATH, fail


@click.command("import-bpmn")
@click.argument("file", type=click.Path())
@click.option("--methodology", "methodology_id", help="Id of the new methodology (default: from the file name).")
@click.option("--into", default=DEFAULT_PATH, show_default=True, type=click.Path(),
              help="The methodologies folder to write into.")
def import_bpmn(file: str, methodology_id: str | None, into: str) -> None:
    """Copy FILE's process into INTO/bpmn/, write a stage table with one stage per user
    task and a routing skeleton, print what is left to decide, then validate."""
    source = Path(file)
    if not source.is_file():
        fail(f"{file}: no such file")
    if source.suffix.lower() not in (".bpmn", ".xml"):
        fail(f"{file}: not a BPMN file (expected .bpmn or .bpmn20.xml)")
    root = Path(into)
    if root.exists() and not root.is_dir():
        fail(f"{into} is not a folder")
    companions = {p.name: p.read_bytes() for p in source.parent.iterdir()
                  if p.is_file() and p.suffix.lower() in (".dmn", ".form", ".bpmn", ".xml") and p != source}
    existing = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} \
        if root.is_dir() else {}
    plan = plan_import(source.name, source.read_bytes(), companions=companions, existing=existing,
                       methodology=methodology_id,  # a mistake is an engine error: one line
                       schemas=_schemas_seen_from((root / "stages").resolve()))
    for relative, data in plan.files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        click.echo(f"wrote {os.path.join(into, relative)}")
    if plan.routing_lines:
        click.echo(plan.routing_lines)
    click.echo("still to decide:")
    for line in plan.decide:
        click.echo(f"  - {line}")
    result = load_methodologies(into)
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem))
        click.echo(f"{len(result.problems)} problem(s) to fix before deploying", err=True)
        sys.exit(1)
    click.echo("OK")


def _schemas_seen_from(folder: Path) -> str:
    """The shipped JSON Schemas' folder as a path relative to ``folder`` (absolute when
    there is none, as between drives), wherever the package is installed."""
    schemas = Path(str(resources.files("engine.methodology").joinpath("schemas"))).resolve()
    try:
        return Path(os.path.relpath(schemas, folder)).as_posix()
    except ValueError:
        return schemas.as_posix()


COMMANDS = [import_bpmn]
