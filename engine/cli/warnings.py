"""``dealflow warnings``: the early warnings (M18) — sweep (raise and clear them),
list, ack (acknowledge one) and digest (today's digests, by e-mail when
DEALFLOW_SMTP_HOST is set)."""

from __future__ import annotations

import click

from engine.cli.common import open_engine
from engine.views.warnings import WarningView


@click.group("warnings")
def warnings() -> None:
    """Early warnings about deals going wrong."""


@warnings.command("sweep")
@click.option("--idle-days", default=14, show_default=True, type=str,
              help="Warn about deals with no activity for this many days.")
@click.option("--as", "actor", default=None, help="Who asks (an admin); the worker runs it without one.")
def sweep(idle_days: str, actor: str | None) -> None:
    """Raise the warnings open deals deserve now (once per cause), clear the rest."""
    report = open_engine().sweep_warnings(idle_days=idle_days, actor=actor)
    click.echo(f"looked at {report.deals} open deals: {report.fired} new warnings, {report.cleared} cleared, "
               f"{report.open} open")


@warnings.command("list")
@click.option("--as", "viewer", required=True, help="Who asks: a rep (their deals), manager (their teams'), admin.")
@click.option("--cleared", is_flag=True, help="Also the warnings whose cause went away.")
def list_warnings(viewer: str, cleared: bool) -> None:
    """The warnings the user sees, newest first."""
    items = open_engine().warnings(viewer=viewer, include_cleared=cleared)
    if not items:
        click.echo("no warnings")
    for w in items:
        click.echo(render(w))


def render(w: WarningView) -> str:
    state = (f"cleared {w.cleared_at:%Y-%m-%d}" if w.cleared_at else
             f"acknowledged by {w.acknowledged_by}" if w.acknowledged_by else "open")
    return (f"warning {w.id} [{state}] {w.rule_label}: {w.deal_title} ({w.partner_name}, {w.owner}) — "
            f"{w.message} {w.advice}")


@warnings.command("ack")
@click.argument("warning_id", type=int)
@click.option("--as", "actor", required=True, help="Who acknowledges: the deal's rep, its manager, or an admin.")
def ack(warning_id: int, actor: str) -> None:
    """Acknowledge a warning: it is in hand (it still clears when its cause goes)."""
    click.echo(render(open_engine().acknowledge_warning(warning_id, actor=actor)))


@warnings.command("digest")
def digest() -> None:
    """Today's digest for each user with unacknowledged warnings (once a day): by
    e-mail when DEALFLOW_SMTP_HOST is set, else kept in the app."""
    sent = open_engine().send_warning_digests()
    if not sent:
        click.echo("no digests due")
    for d in sent:
        click.echo(f"{d.username}: {d.count} warnings, " + (f"mailed to {d.sent_to}" if d.sent_to else "in the app"))


COMMANDS = [warnings]
