"""``dealflow signal send``: a signal broadcast to every deal waiting for it, as
``POST /api/v1/signals`` does (docs/integration.md)."""

from __future__ import annotations

import click

from engine.cli.common import open_engine
from engine.cli.messages import name_value


@click.group()
def signal() -> None:
    """Signals for the deals' processes."""


@signal.command("send")
@click.argument("name")
@click.option("--set", "values", multiple=True, help="A variable the signal brings: name=value (repeat).")
@click.option("--as", "actor", default=None, help="Send as this user (a designer or admin).")
def signal_send(name: str, values: tuple[str, ...], actor: str | None) -> None:
    """Broadcast signal NAME to every open deal waiting for it (reaching none is not an error)."""
    sent = open_engine().send_signal(name, dict(name_value(v, "--set") for v in values), actor=actor)
    reached = ", ".join(str(i) for i in sent.delivered_to)
    click.echo(f"{name}: delivered to opportunit{'y' if len(sent.delivered_to) == 1 else 'ies'} {reached}"
               if sent.delivered_to else f"{name}: no deal waits for it")
    for deal_id, why in sent.failed:
        click.echo(f"{name}: not delivered to opportunity {deal_id}: {why}")


COMMANDS = [signal]
