"""``dealflow worker``: fires due timers, again and again (or once)."""

from __future__ import annotations

import time

import click

from engine.cli.common import open_engine


@click.command()
@click.option("--once", is_flag=True, help="Fire what is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between sweeps.")
def worker(once: bool, interval: float) -> None:
    """Fire due timers, again and again (or once). Several workers may share a database."""
    engine = open_engine()
    while True:
        fired = engine.fire_due_timers()
        if fired or once:
            click.echo(f"fired timers on {fired} opportunit{'y' if fired == 1 else 'ies'}")
        if once:
            return
        time.sleep(interval)  # polling: the next-timer column is indexed, a sweep is cheap


COMMANDS = [worker]
