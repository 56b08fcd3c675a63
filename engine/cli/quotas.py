"""``dealflow quota set|split|commit|show`` (M14) and ``dealflow fiscal-year``: quotas
entered top-down on the company's fiscal calendar. Periods are written 2027-03
(a month), 2027-Q1 (a fiscal quarter) or FY2027 (a fiscal year)."""

from __future__ import annotations

import json

import click

from engine.cli.common import open_engine, pairs
from engine.views.quota_json import sheet_json
from engine.views.quotas import QuotaSheet, SplitView

AS_HELP = "Who does it (a username)."


@click.command("fiscal-year")
@click.argument("start_month", required=False)
@click.option("--as", "actor", default=None, help="An admin, to set the first month.")
def fiscal_year(start_month, actor) -> None:
    """Show the fiscal year's first month, or set it (1-12; an admin)."""
    engine = open_engine()
    if start_month is None:
        click.echo(f"the fiscal year starts in month {engine.fiscal_year_start()}")
        return
    if not actor:
        raise click.UsageError("setting the fiscal year needs --as ADMIN")
    number = engine.set_fiscal_year_start(start_month, actor=actor)
    click.echo(f"the fiscal year starts in month {number}; stored quotas keep their days")


@click.group("quota")
def quota() -> None:
    """Quotas per person and period, split down the manager hierarchy."""


@quota.command("set")
@click.argument("user")
@click.argument("period")
@click.argument("amount")
@click.option("--currency", default=None, help="Three letters (default PLN).")
@click.option("--note", default="", help="Why, for the history.")
@click.option("--as", "actor", required=True, help="An admin or a manager above USER.")
def quota_set(user, period, amount, currency, note, actor) -> None:
    """Commit USER's quota for PERIOD from above (a new version each time)."""
    view = open_engine().set_quota(user, period, amount, actor=actor, currency=currency, note=note)
    click.echo(f"{user}'s quota for {view.period.name}: {view.total} {view.currency} (version {view.version})")


@quota.command("split")
@click.argument("manager")
@click.argument("period")
@click.argument("parts", nargs=-1, required=True)
@click.option("--currency", default=None, help="Three letters (default: the manager's quota's).")
@click.option("--commit", is_flag=True, help="Commit at once (the team sees it) instead of saving a draft.")
@click.option("--note", default="", help="Why, for the history.")
@click.option("--as", "actor", required=True, help=AS_HELP)
def quota_split(manager, period, parts, currency, commit, note, actor) -> None:
    """Split MANAGER's quota for PERIOD among their direct reports: PARTS as
    USER=AMOUNT. Saved as your draft unless --commit."""
    view = open_engine().split_quota(manager, period, pairs(parts, "PARTS"), actor=actor, currency=currency,
                                     commit=commit, note=note)
    click.echo(render_split(view))


@quota.command("commit")
@click.argument("manager")
@click.argument("period")
@click.option("--note", default="", help="Why, for the history.")
@click.option("--as", "actor", required=True, help=AS_HELP)
def quota_commit(manager, period, note, actor) -> None:
    """Commit your draft of MANAGER's split for PERIOD as the next version."""
    click.echo(render_split(open_engine().split_quota(manager, period, None, actor=actor, commit=True, note=note)))


@quota.command("show")
@click.argument("period", required=False)
@click.option("--manager", default=None, help="Whose split (default: yours, or your manager's).")
@click.option("--format", "kind", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--as", "viewer", required=True, help="Who asks.")
def quota_show(period, manager, kind, viewer) -> None:
    """A manager's quota for PERIOD (default: this quarter), its split and versions."""
    sheet = open_engine().quota_sheet(viewer=viewer, period=period, manager=manager)
    click.echo(json.dumps(sheet_json(sheet), indent=2) if kind == "json" else render_sheet(sheet))


def render_split(v: SplitView) -> str:
    state = f"version {v.version}" if v.version else "draft (only you see it)"
    lines = [f"{v.manager}'s split for {v.period.name}: {state}, {v.total} {v.currency}"]
    lines += [f"  {line.username:<20} {line.amount:>15} {v.currency}" for line in v.lines]
    if v.warning:
        lines.append(f"warning: {v.warning}")
    return "\n".join(lines)


def render_sheet(s: QuotaSheet) -> str:
    head = f"{s.period.name} ({s.period.start} to {s.period.last_day}; fiscal year starts in month " \
           f"{s.fiscal_year_start_month})"
    lines = [head]
    if s.own_quota:
        lines.append(f"your quota: {s.own_quota.amount} {s.own_quota.currency}")
    if s.manager is None:
        lines.append("no split to show")
        return "\n".join(lines)
    mq = s.manager_quota
    lines.append(f"{s.manager}'s quota: " + (f"{mq.amount} {mq.currency} (version {mq.version})" if mq else "none"))
    for r in s.reports:
        quota_text = f"{r.quota.amount} {r.quota.currency}" if r.quota else "-"
        draft = f"  draft {r.draft_amount}" if r.draft_amount is not None else ""
        lines.append(f"  {r.username:<20} {quota_text:>20}{draft}")
    if s.draft:
        lines.append(render_split(s.draft))
    for v in s.history:
        lines.append(f"version {v.version} by {v.author} at {v.created_at:%Y-%m-%d %H:%M} UTC: {v.total} "
                     f"{v.currency}" + (f" — {v.note}" if v.note else ""))
    if not s.history:
        lines.append("not committed yet")
    return "\n".join(lines)


COMMANDS = [fiscal_year, quota]
