"""``dealflow forecast PERIOD --as USER [--format table|json|csv]`` (M15): a person's
forecast with everyone below them, rolled up, per currency; ``forecast-adjust``
(a manager's figure for a direct report, with a note) and ``forecast-submit`` (an
immutable snapshot)."""

from __future__ import annotations

import csv
import io
import json

import click

from engine.cli.common import open_engine
from engine.views.forecast import CurrencyLine, ForecastView
from engine.views.forecast_json import CSV_HEADER, forecast_json, forecast_rows


@click.command("forecast")
@click.argument("period", required=False)
@click.option("--user", default=None, help="Whose forecast (default: yours); someone below you.")
@click.option("--format", "kind", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--as", "viewer", required=True, help="Who asks.")
def forecast(period, user, kind, viewer) -> None:
    """The forecast of PERIOD (2027-03, 2027-Q1, FY2027; default this quarter)."""
    view = open_engine().forecast(viewer=viewer, period=period, user=user)
    if kind == "json":
        click.echo(json.dumps(forecast_json(view), indent=2))
    elif kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(forecast_rows(view))
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(render(view))


@click.command("forecast-adjust")
@click.argument("user")
@click.argument("period")
@click.argument("category", type=click.Choice(["commit", "best_case", "pipeline"]))
@click.argument("amount")
@click.option("--currency", default="PLN", show_default=True)
@click.option("--note", required=True, help="Why (kept beside the figure).")
@click.option("--as", "actor", required=True, help="USER's manager.")
def forecast_adjust(user, period, category, amount, currency, note, actor) -> None:
    """Adjust a direct report's CATEGORY figure for PERIOD to AMOUNT."""
    open_engine().adjust_forecast(actor=actor, user=user, period=period, category=category, amount=amount,
                                  note=note, currency=currency)
    click.echo(f"{user}'s {category} for {period}: {amount} {currency} (adjusted by {actor})")


@click.command("forecast-submit")
@click.argument("period", required=False)
@click.option("--as", "actor", required=True, help="Whose forecast: yours.")
def forecast_submit(period, actor) -> None:
    """Submit your forecast of PERIOD: a snapshot kept as it is now."""
    done = open_engine().submit_forecast(actor=actor, period=period)
    click.echo(f"forecast #{done.id} of {done.figures['period']['name']} submitted at "
               f"{done.submitted_at:%Y-%m-%d %H:%M} UTC")


@click.command("time-zone")
@click.argument("name", required=False)
@click.option("--as", "actor", default=None, help="An admin, to set it.")
def time_zone(name, actor) -> None:
    """Show the company's time zone, or set it (an IANA name such as Europe/Warsaw; an
    admin): the day, and so the forecast period, a won deal's close counts on."""
    engine = open_engine()
    if name is None:
        click.echo(f"the company's time zone is {engine.company_time_zone()}")
        return
    if not actor:
        raise click.UsageError("setting the time zone needs --as ADMIN")
    click.echo(f"the company's time zone is {engine.set_company_time_zone(name, actor=actor)}; "
               "won deals count on the day they closed there")


def _line(label: str, line: CurrencyLine) -> str:
    f, a = line.figures, line.adjusted
    quota = f"{line.quota}" if line.quota is not None else "-"
    progress = f"{line.progress}%" if line.progress is not None else "-"
    text = (f"{label:<24} {line.currency} quota {quota:>12}  won {f.closed_won:>12}  commit {f.commit:>12}  "
            f"best {f.best_case:>12}  pipeline {f.pipeline:>12}  weighted {f.weighted:>12}  {progress}")
    if (a.commit, a.best_case, a.pipeline) != (f.commit, f.best_case, f.pipeline):
        text += f"\n{'':<24}     adjusted: commit {a.commit}, best {a.best_case}, pipeline {a.pipeline}"
    return text


def render(v: ForecastView) -> str:
    lines = [f"forecast of {v.username} for {v.period.name} ({v.period.start} to {v.period.last_day})"]
    for p in v.people:
        label = "  " * p.depth + p.username
        shown = p.rollup if p.is_manager else p.own
        lines += [_line(label + (" (team)" if p.is_manager else ""), line) for line in shown] or [
            f"{label:<24} nothing in this period"]
    lines.append("rolled up:")
    lines += [_line("  total", line) for line in v.total] or ["  nothing in this period"]
    if v.submissions:
        lines.append(f"last submitted {v.submissions[0].submitted_at:%Y-%m-%d %H:%M} UTC")
    return "\n".join(lines)


COMMANDS = [forecast, forecast_adjust, forecast_submit, time_zone]
