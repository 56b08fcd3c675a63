"""``dealflow message send``: a message delivered to the deals waiting for it, as
``POST /api/v1/messages`` does (docs/integration.md)."""

from __future__ import annotations

import json

import click

from engine.cli.common import open_engine
from engine.views.messages import Correlation


def name_value(value: str, option: str) -> tuple[str, object]:
    """``name=value``: the value read as JSON when it is JSON (42, true, "x"), else as text."""
    name, sep, text = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"'{value}' is not name=value", param_hint=option)
    try:
        return name.strip(), json.loads(text)
    except ValueError:
        return name.strip(), text


@click.group()
def message() -> None:
    """Messages for the deals' processes."""


@message.command("send")
@click.argument("name")
@click.option("--deal", "deal_id", type=int, default=None, help="Correlate by opportunity id.")
@click.option("--business-key", default=None, help="Correlate by the deals' business_key attribute.")
@click.option("--var", "variable", default=None, help="Correlate by a process variable: name=value.")
@click.option("--key", "correlation_key", default=None,
              help="Correlate by Camunda 8's correlation key (what the catch's correlationKey gave).")
@click.option("--set", "values", multiple=True, help="A variable the message brings: name=value (repeat).")
@click.option("--buffer-seconds", type=int, default=None, help="Keep it this long if nothing waits yet.")
@click.option("--new-deal", "new_deal", default=None,
              help="For a message start event: the deal to open, as JSON (title, amount, partner, attributes).")
@click.option("--as", "actor", default=None, help="Send (and open a deal) as this user (a designer or admin).")
def message_send(name: str, deal_id: int | None, business_key: str | None, variable: str | None,
                 correlation_key: str | None, values: tuple[str, ...], buffer_seconds: int | None, new_deal: str | None,
                 actor: str | None) -> None:
    """Deliver message NAME to the deals waiting for it (--deal, --business-key, --var or --key),
    keep it --buffer-seconds if nothing waits yet, or open --new-deal at a message start
    event."""
    correlation = Correlation(deal_id=deal_id, business_key=business_key,
                              variable=name_value(variable, "--var") if variable is not None else None,
                              key=correlation_key)
    deal = None
    if new_deal is not None:
        try:
            deal = json.loads(new_deal)
        except ValueError as err:
            raise click.BadParameter(f"not JSON: {err}", param_hint="--new-deal") from None
        if not isinstance(deal, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--new-deal")
    sent = open_engine().send_message(name, correlation, dict(name_value(v, "--set") for v in values),
                                      buffer_seconds=buffer_seconds, actor=actor, deal=deal)
    if sent.opened is not None:
        click.echo(f"{name}: opened opportunity {sent.opened}")
    elif sent.buffered_id is not None:
        click.echo(f"{name}: nothing waits yet; kept as buffered message {sent.buffered_id} until "
                   f"{sent.expires_at:%Y-%m-%d %H:%M:%S} UTC")
    else:
        click.echo(f"{name}: delivered to opportunit{'y' if len(sent.delivered_to) == 1 else 'ies'} "
                   + ", ".join(str(i) for i in sent.delivered_to))


COMMANDS = [message]
