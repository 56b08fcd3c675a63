"""``dealflow snapshot``: file today's (or a given day's) snapshot of every open
deal — what ``dealflow worker`` does once a day, by hand. Idempotent."""

from __future__ import annotations

import click

from engine.cli.common import open_engine


@click.command()
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD",
              help="The day to file under (default: today, the company's day); a past day files the deals "
                   "as they are now.")
def snapshot(day: str | None) -> None:
    """Snapshot every open deal (stage, amount, probability, category, close date) for the day."""
    click.echo(summary(open_engine().take_snapshots(day)))


def summary(report) -> str:
    deals = "deal" if report.on_file == 1 else "deals"
    return f"snapshot {report.day.isoformat()}: {report.on_file} open {deals} on file ({report.new} new)"


COMMANDS = [snapshot]
