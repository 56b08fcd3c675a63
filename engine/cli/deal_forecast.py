"""``dealflow opportunity set-close-date`` and ``forecast-category``: a deal's place
in the forecast (M15) — its expected close date and the rep's category override."""

from __future__ import annotations

import click

from engine.cli import render
from engine.cli.common import open_engine


@click.command("set-close-date")
@click.argument("opportunity_id", type=int)
@click.argument("close_date", metavar="YYYY-MM-DD")
@click.option("--as", "actor", required=True, help="The deal's owner, its manager or an admin.")
def opportunity_set_close_date(opportunity_id: int, close_date: str, actor: str) -> None:
    """Move the day the deal is expected to close (recorded with the day before)."""
    click.echo(render.opportunity(open_engine().set_close_date(opportunity_id, close_date, actor=actor)))


@click.command("forecast-category")
@click.argument("opportunity_id", type=int)
@click.argument("category", metavar="commit|best_case|pipeline|omitted|none")
@click.option("--as", "actor", required=True, help="The deal's owner, its manager or an admin.")
def opportunity_forecast_category(opportunity_id: int, category: str, actor: str) -> None:
    """Count the deal in this forecast category whatever its probability says
    (none: back to the one its probability gives)."""
    click.echo(render.opportunity(open_engine().set_forecast_category(opportunity_id, category, actor=actor)))


OPPORTUNITY_COMMANDS = [opportunity_set_close_date, opportunity_forecast_category]
