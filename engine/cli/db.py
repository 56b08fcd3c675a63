"""``dealflow db``: the database schema."""

from __future__ import annotations

import click

from engine import Engine


@click.group()
def db() -> None:
    """The database schema."""


@db.command()
def upgrade() -> None:
    """Create or upgrade the schema of DEALFLOW_DATABASE_URL (default: SQLite dealflow.db)."""
    engine = Engine(upgrade_schema=True)
    click.echo(f"schema up to date: {engine.url.split('@')[-1]}")


COMMANDS = [db]
