"""``dealflow partner hand-over``: giving a partner, its open deals with their open
tasks and its planned activities to another rep (M12). ``PARTNER_COMMANDS`` go on
the ``partner`` group of engine/cli/partners.py (engine/cli/__init__.py)."""

from __future__ import annotations

import click

from engine.cli.common import open_engine
from engine.views.handover import HandOverReport


@click.command("hand-over")
@click.argument("partner_id", type=int)
@click.option("--to", "to", required=True, help="The new owner (an active rep).")
@click.option("--closed-deals", type=click.Choice(["stay", "move"]), default="stay", show_default=True,
              help="Whether the old owner's won and lost deals stay with them or move too.")
@click.option("--others-open-deals", is_flag=True,
              help="Also move the partner's open deals that other reps own.")
@click.option("--keep-open-deals", is_flag=True, help="Leave the old owner's open deals with them.")
@click.option("--keep-activities", is_flag=True, help="Leave the old owner's planned activities with them.")
@click.option("--dry-run", is_flag=True, help="Only show what would move; change nothing.")
@click.option("--as", "actor", required=True, help="A manager of the owner's team, or an admin.")
def hand_over(partner_id: int, to: str, closed_deals: str, others_open_deals: bool, keep_open_deals: bool,
              keep_activities: bool, dry_run: bool, actor: str) -> None:
    """Hand partner PARTNER_ID to rep --to: its open deals and their open tasks of the
    old owner, and its planned activities, move in one step; history stays as it was."""
    report = open_engine().hand_over_partner(
        partner_id, to=to, actor=actor, closed_deals=closed_deals, open_deals=not keep_open_deals,
        others_open_deals=others_open_deals, activities=not keep_activities, dry_run=dry_run)
    click.echo(report_text(report))


def report_text(report: HandOverReport) -> str:
    def ids(values: tuple[int, ...]) -> str:
        return f" ({', '.join(f'#{i}' for i in values)})" if values and len(values) <= 10 else ""

    return "\n".join([
        f"Partner #{report.partner_id} {report.partner_name}: {report.from_owner or 'nobody'} -> {report.to_owner}"
        + (" (dry run: nothing changed)" if report.dry_run else ""),
        f"  open deals moved    {len(report.open_deals_moved)}{ids(report.open_deals_moved)}",
        f"  open tasks moved    {report.tasks_moved}",
        f"  activities moved    {report.activities_moved} planned",
        f"  closed deals        {len(report.closed_deals_moved)} moved{ids(report.closed_deals_moved)}, "
        f"{len(report.closed_deals_kept)} kept",
    ] + ([f"  open deals kept     {len(report.open_deals_kept)}{ids(report.open_deals_kept)} (left with their owners)"]
         if report.open_deals_kept else []))


PARTNER_COMMANDS = [hand_over]
COMMANDS: list = []  # the group is partners.py's
