"""``dealflow partner list-save / lists / export / archive-inactive / undo-archival /
delete``: call and mailing lists, the bulk archival of inactive prospects and its
undo, and deleting a partner for good (M11). ``PARTNER_COMMANDS`` go on the
``partner`` group (engine/cli/__init__.py)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli import render
from engine.cli.common import fail, open_engine, pairs
from engine.views.partner_lists import ArchivalReport

FILTERS = "text, kind, territory, channel, industry, owner, source, status (active, archived, all)"


@click.command("list-save")
@click.argument("name")
@click.option("--purpose", type=click.Choice(["call", "mailing"]), default="call", show_default=True,
              help="A mailing list keeps only partners with an e-mail address.")
@click.option("--filter", "filters", multiple=True, metavar="NAME=VALUE",
              help=f"One of the partner list's filters: {FILTERS}; repeat for more.")
@click.option("--as", "actor", required=True, help="Whose list it is (a rep, manager or admin).")
def list_save(name: str, purpose: str, filters: tuple[str, ...], actor: str) -> None:
    """Save the partners that fit the filters as list NAME; print its id and size."""
    engine = open_engine()
    saved = engine.save_partner_list(name=name, purpose=purpose, criteria=pairs(filters, "--filter"), actor=actor)
    size = engine.partner_list(saved.id, viewer=actor).total
    click.echo(f"list #{saved.id} '{saved.name}' ({saved.purpose}): {size} partner(s) now")


@click.command("lists")
@click.option("--as", "actor", required=True, help="Whose lists (an admin sees everyone's).")
def lists(actor: str) -> None:
    """The saved call and mailing lists."""
    saved = open_engine().partner_lists(viewer=actor)
    if not saved:
        click.echo("no saved lists")
    for s in saved:
        filters = " ".join(f"{k}={v}" for k, v in sorted(s.criteria.items())) or "(all active partners)"
        click.echo(f"#{s.id:<4} {s.purpose:<8} {s.name}  [{filters}]  by {s.owner}")


@click.command("export")
@click.argument("list_id", type=int)
@click.option("--format", "kind", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The file to write (replaced if it exists).")
@click.option("--as", "actor", required=True, help="Who exports: the list shows the partners they may see.")
def export(list_id: int, kind: str, output: str, actor: str) -> None:
    """Write LIST_ID's partners, with the contact to call or write to, as CSV or XLSX."""
    exported = open_engine().export_partner_list(list_id, format=kind, viewer=actor)
    target = Path(output)
    if not target.parent.is_dir():
        fail(f"no folder {target.parent} to write {target.name} in")
    target.write_bytes(exported.content)
    click.echo(f"wrote {exported.rows} line(s) to {target}")


@click.command("archive-inactive")
@click.option("--months", required=True, type=int, help="No deal, activity or change for this many months.")
@click.option("--dry-run", is_flag=True, help="Only list the prospects that would be archived.")
@click.option("--as", "actor", required=True, help="A manager (their teams' prospects) or an admin.")
def archive_inactive(months: int, dry_run: bool, actor: str) -> None:
    """Archive the active prospects nothing happened to for --months months."""
    click.echo(archival_text(open_engine().archive_inactive_prospects(months=months, actor=actor,
                                                                      dry_run=dry_run)))


@click.command("undo-archival")
@click.argument("archival_id", type=int)
@click.option("--as", "actor", required=True, help="Who made the archival, or an admin.")
def undo_archival(archival_id: int, actor: str) -> None:
    """Restore the prospects archival ARCHIVAL_ID archived (those still archived by it)."""
    click.echo(archival_text(open_engine().undo_archival(archival_id, actor=actor)))


@click.command("delete")
@click.argument("partner_id", type=int)
@click.option("--as", "actor", required=True, help="An admin.")
def delete(partner_id: int, actor: str) -> None:
    """Delete partner PARTNER_ID for good, with its contacts and history; refused while
    it has deals or activities (archive it instead)."""
    deleted = open_engine().delete_partner(partner_id, actor=actor)
    click.echo(f"deleted partner #{deleted.id} {deleted.name}")


def archival_text(report: ArchivalReport) -> str:
    if report.undone:
        head = f"archival #{report.archival_id} undone: {report.count} partner(s) restored"
        if report.skipped:
            head += f", {report.skipped} no longer archived by it left alone"
    elif report.dry_run:
        head = (f"dry run: {report.count} prospect(s) inactive since {render.when(report.cutoff)} would be "
                "archived; nothing changed")
    elif report.archival_id is None:
        head = f"no prospect has been inactive since {render.when(report.cutoff)}; nothing archived"
    else:
        head = (f"archival #{report.archival_id}: {report.count} prospect(s) inactive since "
                f"{render.when(report.cutoff)} archived (undo: dealflow partner undo-archival "
                f"{report.archival_id})")
    lines = [head]
    lines += [f"  #{p.id:<6} {p.name}  {p.city or '-'}  owner {p.owner or '-'}" for p in report.partners]
    return "\n".join(lines)


PARTNER_COMMANDS = [list_save, lists, export, archive_inactive, undo_archival, delete]
