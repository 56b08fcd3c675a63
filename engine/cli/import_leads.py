"""``dealflow import leads``: a CSV or XLSX lead file into partners (M11), with
``--dry-run``, ``--map COLUMN=field`` and ``--as USER`` (a manager or admin); and
``dealflow import list`` / ``dealflow import revert ID``.

The last line printed is the import's summary, naming the rejects file by its full
path on this machine:

    created 12, updated 0, unchanged 0, duplicates 3, rejected 5 (rejects: /srv/rejects/lead-import-7-rejects.csv)
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from engine.cli.common import fail, open_engine
from engine.views.leads import LeadImportView

SHOWN_MATCHES = 20


def _actor(actor: str | None) -> str:
    actor = actor or os.environ.get("DEALFLOW_USER")
    if not actor:
        fail("say who imports: --as USER (a manager or an admin)")
    return actor


@click.command("leads")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--map", "maps", multiple=True, metavar="COLUMN=field",
              help="Which field a column holds, when its name does not say (COLUMN=ignore leaves it out). "
                   "Repeatable.")
@click.option("--dry-run", is_flag=True, help="Count what would happen; change nothing.")
@click.option("--as", "actor", default=None, help="Who imports: a manager or an admin (default: $DEALFLOW_USER).")
@click.option("--owner", default=None, help="The rep the new partners go to (default: none, unassigned).")
def import_leads(file: str, maps: tuple[str, ...], dry_run: bool, actor: str | None, owner: str | None) -> None:
    """Import the leads of FILE (CSV in UTF-8, UTF-16 or Windows-1250, or XLSX): new
    companies become prospects, known ones get their empty fields filled, refused rows
    go to a rejects file."""
    actor = _actor(actor)
    if not Path(file).is_file():
        fail(f"{file}: no such file")
    engine = open_engine()
    view = engine.import_leads(file, maps=maps, actor=actor, dry_run=dry_run, file_name=Path(file).name,
                               owner=owner)
    for line in _match_lines(view):
        click.echo(line)
    if view.dry_run:
        click.echo("dry run: nothing was changed; without --dry-run the import does this:")
    rejects = engine.lead_rejects_file(view.id, viewer=actor) if view.rejects_file else None
    click.echo(summary(view, rejects))


def summary(view: LeadImportView, rejects: Path | None) -> str:
    """The view's summary naming the rejects file by its path here (the view names it
    only by its file name, as the web shows it)."""
    if rejects is None:
        return view.summary
    return view.summary.replace(f"(rejects: {view.rejects_file})", f"(rejects: {rejects})")


def _match_lines(view: LeadImportView) -> list[str]:
    lines = []
    for match in view.matches[:SHOWN_MATCHES]:
        if match.outcome == "duplicate":
            lines.append(f"row {match.row}: duplicate of row {match.kept_row} (same {match.key}: {match.value})")
        else:
            lines.append(f"row {match.row}: {match.outcome}, partner #{match.partner_id} {match.partner_name or ''}"
                         f" (same {match.key}: {match.value})".replace("  (", " ("))
    more = len(view.matches) - SHOWN_MATCHES + view.more_matches
    if more > 0:
        lines.append(f"... and {more} more rows that matched")
    return lines


@click.command("list")
@click.option("--as", "actor", default=None, help="A manager (their imports) or an admin (all).")
def list_imports(actor: str | None) -> None:
    """The lead imports, newest first."""
    for view in open_engine().lead_imports(viewer=_actor(actor)):
        what = "dry run" if view.dry_run else view.status
        click.echo(f"#{view.id}  {view.started_at:%Y-%m-%d %H:%M} UTC  {view.actor}  {view.file_name}  [{what}]  "
                   f"{view.summary}")


@click.command("revert")
@click.argument("import_id", type=int)
@click.option("--as", "actor", default=None, help="The manager who imported, or an admin.")
def revert_import(import_id: int, actor: str | None) -> None:
    """Undo lead import IMPORT_ID: partners it created go (or are archived when a deal
    or an activity uses them), fields it filled are emptied unless changed since."""
    view = open_engine().revert_lead_import(import_id, actor=_actor(actor))
    done = view.revert or {}
    click.echo(f"reverted import #{view.id}: deleted {done.get('deleted', 0)}, archived {done.get('archived', 0)}, "
               f"fields restored {done.get('restored', 0)}, fields kept (changed since) {done.get('kept', 0)}")


@click.command("resume")
@click.argument("import_id", type=int)
@click.option("--as", "actor", default=None, help="The manager who imported, or an admin.")
def resume_import(import_id: int, actor: str | None) -> None:
    """Go on with lead import IMPORT_ID, interrupted (its worker died: not heard of for
    DEALFLOW_LEAD_IMPORT_STALE_MINUTES), after the last batch it committed."""
    engine = open_engine()
    actor = _actor(actor)
    engine.resume_lead_import(import_id, actor=actor)
    view = engine.run_lead_import(import_id)
    rejects = engine.lead_rejects_file(view.id, viewer=actor) if view.rejects_file else None
    click.echo(summary(view, rejects))


@click.group("import")
def import_group() -> None:
    """Import data from files: lead lists (``import leads``)."""


for _command in (import_leads, list_imports, revert_import, resume_import):
    import_group.add_command(_command)

COMMANDS = [import_group]
