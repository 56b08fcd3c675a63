"""``dealflow opportunity``: opening, showing, listing, retrying and handing over deals,
and re-arming their timers (the Sales Assistant's subcommands are in sales.py)."""

from __future__ import annotations

import click

from engine.cli import render
from engine.cli.common import open_engine, pairs


@click.group()
def opportunity() -> None:
    """Sales opportunities."""


@opportunity.command("create")
@click.option("--title", required=True)
@click.option("--amount", required=True, help="An exact amount, e.g. 12500.00.")
@click.option("--currency", default="PLN", show_default=True)
@click.option("--partner", default=None, help="The customer's name (that partner, or a new prospect).")
@click.option("--partner-id", type=int, default=None,
              help="The partner's id: its card lends the deal its name, territory, channel, industry, source.")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
              help="An attribute routing uses: territory, channel, industry, source, ...")
@click.option("--owner", default=None, help="Give it to this rep instead of the segment's assignment.")
@click.option("--close-date", default=None, metavar="YYYY-MM-DD",
              help="When it is expected to close (default: by the methodology's typical cycle, else end of quarter).")
@click.option("--start", "start", multiple=True, metavar="FIELD=VALUE",
              help="An answer to the methodology's start form (its start event's form fields); repeatable.")
@click.option("--as", "actor", required=True, help="Who opens it (a username).")
def opportunity_create(title, amount, currency, partner, partner_id, attrs, owner, close_date, start,
                       actor) -> None:
    """Open an opportunity: routing picks segment, methodology, team and owner."""
    created = open_engine().create_opportunity(
        title=title, amount=amount, currency=currency, partner=partner, partner_id=partner_id,
        attributes=pairs(attrs, "--attr"), actor=actor, owner=owner, expected_close_date=close_date,
        start_form=pairs(start, "--start"))
    click.echo(render.opportunity(created))


@opportunity.command("show")
@click.argument("opportunity_id", type=int)
def opportunity_show(opportunity_id: int) -> None:
    """Stage, probability, expected revenue, history and open tasks of one opportunity."""
    click.echo(render.opportunity(open_engine().show_opportunity(opportunity_id)))


@opportunity.command("list")
def opportunity_list() -> None:
    """Every opportunity, one per line."""
    for o in open_engine().list_opportunities():
        click.echo(f"#{o.id:<5} {o.status:<5} {o.stage_name or '-':<28} {o.probability:>3} %  "
                   f"{o.amount:>12} {o.currency}  {o.owner:<16} {o.title}")


@opportunity.command("retry")
@click.argument("opportunity_id", type=int)
@click.option("--as", "actor", required=True)
@click.option("--upgrade", is_flag=True,
              help="Move it to the current version of its methodology first (after a fix was deployed).")
def opportunity_retry(opportunity_id: int, actor: str, upgrade: bool) -> None:
    """Run the step that failed on an opportunity again."""
    click.echo(render.opportunity(open_engine().retry(opportunity_id, actor=actor, upgrade=upgrade)))


@opportunity.command("rearm-timers")
@click.option("--dry-run", is_flag=True, help="Change nothing: say which deals would be re-armed.")
@click.option("--all", "every_deal", is_flag=True,
              help="Read every open or won deal's workflow, not only those showing an error (where old bugs left them).")
def opportunity_rearm_timers(dry_run: bool, every_deal: bool) -> None:
    """Re-arm open or won deals whose next timer or next action disagrees with their
    workflow's waiting timers (left by a bug before 9284ca5; a won deal's other branches
    may still wait for timers); the worker does this at its start."""
    report = open_engine(fire_due_timers=False).rearm_timers(dry_run=dry_run, every_deal=every_deal)
    click.echo(render.rearmed(report))


@opportunity.command("reassign")
@click.argument("opportunity_id", type=int)
@click.option("--to", "to", required=True, help="The new owner (a rep).")
@click.option("--as", "actor", required=True, help="The deal's manager or an admin.")
def opportunity_reassign(opportunity_id: int, to: str, actor: str) -> None:
    """Hand a deal and its owner's open tasks to another rep, keeping all history."""
    click.echo(render.opportunity(open_engine().reassign_opportunity(opportunity_id, to=to, actor=actor)))


@opportunity.command("edit")
@click.argument("opportunity_id", type=int)
@click.option("--title", default=None)
@click.option("--partner-id", type=int, default=None, help="An active partner you may see (dealflow partner list).")
@click.option("--amount", default=None, help="An exact amount: 12500.50 or \"12 500,50\".")
@click.option("--currency", default=None, help="An ISO 4217 code, e.g. EUR.")
@click.option("--close-date", default=None, metavar="YYYY-MM-DD", help="The day it is expected to close.")
@click.option("--row-version", type=int, default=None,
              help="Refuse if the deal changed since this version (dealflow opportunity show).")
@click.option("--as", "actor", required=True, help="The deal's owner, a manager of it, or an admin.")
def opportunity_edit(opportunity_id, title, partner_id, amount, currency, close_date, row_version, actor) -> None:
    """Change a deal's title, partner, amount, currency or expected close date (only
    the options given); recorded in its history with the values before."""
    changes = {name: value for name, value in (
        ("title", title), ("partner_id", partner_id), ("amount", amount), ("currency", currency),
        ("expected_close_date", close_date)) if value is not None}
    if not changes:
        raise click.UsageError("give at least one of --title, --partner-id, --amount, --currency, --close-date")
    click.echo(render.opportunity(open_engine().edit_deal(opportunity_id, changes, actor=actor,
                                                          row_version=row_version)))


COMMANDS = [opportunity]
