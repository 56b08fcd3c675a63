"""``dealflow activity`` and ``dealflow calendar``: planning, recording, moving,
cancelling and listing activities with partners, and the calendar feed's link.

Times are written 2026-12-07T10:00 (read in --zone, UTC by default) or with their
offset, 2026-12-07T10:00+01:00. The feed's link is printed once, when it is made:
only a hash of its token is kept, so ``calendar url`` refuses while a link exists
unless --rotate makes a new one (and the old one stops working).
"""

from __future__ import annotations

import click

from engine.cli.common import fail, open_engine
from engine.views.activities import ACTIVITY_KINDS, ActivityView, AgendaItem

KINDS = [kind for kind, _ in ACTIVITY_KINDS]
AS_HELP = "Who does it (a username)."
ZONE_HELP = "The time zone of a time written without an offset (an IANA name such as Europe/Warsaw)."


def activity_line(a: ActivityView) -> str:
    deal = f"  deal #{a.opportunity_id} {a.opportunity_title}" if a.opportunity_id else ""
    flags = " OVERDUE" if a.overdue else ""
    outcome = f"  -> {a.outcome}" if a.outcome else ""
    return (f"#{a.id:<5} {a.starts_at:%Y-%m-%d %H:%M}Z {a.duration_minutes:>4} min  {a.kind:<7} {a.status:<9}"
            f"{flags} {a.subject}  [partner #{a.partner_id} {a.partner_name}]{deal}  ({a.owner}){outcome}")


def item_line(item: AgendaItem) -> str:
    if item.activity is not None:
        return activity_line(item.activity)
    deal = f"  deal #{item.opportunity_id} {item.opportunity_title}" if item.opportunity_id else ""
    flags = " OVERDUE" if item.overdue else ""
    return f"task   {item.at:%Y-%m-%d %H:%M}Z due       {item.kind:<9}{flags} {item.title}{deal}  ({item.ref})"


# --- dealflow activity -----------------------------------------------------------------

@click.group()
def activity() -> None:
    """Calls, meetings, e-mails, visits and tasks with partners."""


def _plan_options(command):
    for option in reversed([
        click.option("--partner", "partner_id", type=int, default=None, help="The partner's id (default: the deal's)."),
        click.option("--deal", "opportunity_id", type=int, default=None, help="One of the partner's deals."),
        click.option("--kind", type=click.Choice(KINDS), default="call", show_default=True),
        click.option("--subject", required=True),
        click.option("--at", "starts_at", required=True, help="When: 2026-12-07T10:00 (in --zone) or with an offset."),
        click.option("--minutes", "duration_minutes", type=int, default=30, show_default=True),
        click.option("--zone", default="UTC", show_default=True, help=ZONE_HELP),
        click.option("--owner", default=None, help="Whose activity (default: --as)."),
        click.option("--notes", default=""),
        click.option("--as", "actor", required=True, help=AS_HELP),
    ]):
        command = option(command)
    return command


@activity.command("plan")
@_plan_options
def activity_plan(actor: str, **values) -> None:
    """Plan an activity with a partner (on one of its open deals)."""
    click.echo(activity_line(open_engine().plan_activity(actor=actor, **values)))


@activity.command("log")
@_plan_options
@click.option("--outcome", required=True, help="How it went.")
def activity_log(actor: str, **values) -> None:
    """Record an activity already done (a call just made)."""
    click.echo(activity_line(open_engine().log_done_activity(actor=actor, **values)))


@activity.command("done")
@click.argument("activity_id", type=int)
@click.option("--outcome", required=True, help="How it went.")
@click.option("--notes", default="")
@click.option("--as", "actor", required=True, help=AS_HELP)
def activity_done(activity_id: int, outcome: str, notes: str, actor: str) -> None:
    """Mark a planned activity done, with its outcome."""
    click.echo(activity_line(open_engine().record_activity_outcome(activity_id, actor=actor, outcome=outcome,
                                                                   notes=notes)))


@activity.command("reschedule")
@click.argument("activity_id", type=int)
@click.option("--at", "starts_at", required=True, help="The new time: 2026-12-07T10:00 (in --zone) or with an offset.")
@click.option("--minutes", "duration_minutes", type=int, default=None, help="A new duration.")
@click.option("--zone", default="UTC", show_default=True, help=ZONE_HELP)
@click.option("--as", "actor", required=True, help=AS_HELP)
def activity_reschedule(activity_id: int, starts_at: str, duration_minutes: int | None, zone: str,
                        actor: str) -> None:
    """Move a planned activity (subscribed calendars follow)."""
    click.echo(activity_line(open_engine().reschedule_activity(
        activity_id, actor=actor, starts_at=starts_at, duration_minutes=duration_minutes, zone=zone)))


@activity.command("cancel")
@click.argument("activity_id", type=int)
@click.option("--reason", default="")
@click.option("--as", "actor", required=True, help=AS_HELP)
def activity_cancel(activity_id: int, reason: str, actor: str) -> None:
    """Call a planned activity off."""
    click.echo(activity_line(open_engine().cancel_activity(activity_id, actor=actor, reason=reason)))


@activity.command("list")
@click.option("--partner", "partner_id", type=int, default=None, help="A partner's activities.")
@click.option("--deal", "opportunity_id", type=int, default=None, help="A deal's activities.")
@click.option("--days", default=7, show_default=True, help="Without --partner or --deal: the agenda's days.")
@click.option("--zone", default="UTC", show_default=True, help="The agenda's days are this zone's.")
@click.option("--as", "actor", required=True, help="Whose agenda, or who asks.")
def activity_list(partner_id: int | None, opportunity_id: int | None, days: int, zone: str, actor: str) -> None:
    """A partner's or a deal's activities (latest first), or the --as user's agenda."""
    engine = open_engine()
    if partner_id is not None and opportunity_id is not None:
        fail("give --partner or --deal, not both")
    if partner_id is not None or opportunity_id is not None:
        found = (engine.activities_for_partner(partner_id, viewer=actor) if partner_id is not None
                 else engine.activities_for_deal(opportunity_id, viewer=actor))
        for a in found:
            click.echo(activity_line(a))
        click.echo(f"{len(found)} activit{'y' if len(found) == 1 else 'ies'}", err=True)
        return
    agenda = engine.agenda(actor, viewer=actor, days=days, zone=zone)
    click.echo(f"overdue ({len(agenda.overdue)})")
    for item in agenda.overdue:
        click.echo("  " + item_line(item))
    for day in agenda.days:
        click.echo(f"{day.day:%a %Y-%m-%d} ({len(day.items)})")
        for item in day.items:
            click.echo("  " + item_line(item))


# --- dealflow calendar -----------------------------------------------------------------

@click.group()
def calendar() -> None:
    """Calendar feeds (iCalendar) that Outlook, Google and Apple subscribe to."""


@calendar.command("url")
@click.argument("username")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where the web app is served (dealflow serve's default), as calendar clients reach it.")
@click.option("--rotate", is_flag=True, help="Make a new link; the old one stops working.")
@click.option("--as", "actor", default=None, help="Who asks: the user (default) or an admin.")
def calendar_url(username: str, base_url: str, rotate: bool, actor: str | None) -> None:
    """Print the secret address of USERNAME's calendar feed (made if there is none)."""
    if not base_url.startswith(("http://", "https://")):
        fail(f"--base-url must start with http:// or https://, not '{base_url}'")
    token = open_engine().calendar_feed_url_token(username, actor=actor or username, rotate=rotate)
    click.echo(f"{base_url.rstrip('/')}/calendar/{token}.ics")


@calendar.command("revoke")
@click.argument("username")
@click.option("--as", "actor", default=None, help="Who asks: the user (default) or an admin.")
def calendar_revoke(username: str, actor: str | None) -> None:
    """Stop USERNAME's calendar link: subscribed calendars get 404 from now on."""
    count = open_engine().revoke_calendar_feed(username, actor=actor or username)
    click.echo(f"revoked {count} link(s) of {username}")


COMMANDS = [activity, calendar]
