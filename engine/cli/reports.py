"""``dealflow report lost``: the lost-deal report (M13) on the terminal — per
methodology version, where deals died and why — or as CSV (--csv FILE)."""

from __future__ import annotations

import click

from engine.cli.common import open_engine
from engine.views.lost_analysis import CountRow, LostReport


@click.group("report")
def report() -> None:
    """Reports over the deals."""


@report.command("lost")
@click.option("--from", "since", default=None, metavar="DATE", help="Closed on or after this day (YYYY-MM-DD).")
@click.option("--to", "until", default=None, metavar="DATE", help="Closed on or before this day (YYYY-MM-DD).")
@click.option("--methodology", default=None, help="Only this methodology's deals.")
@click.option("--segment", default=None, help="Only this segment's deals.")
@click.option("--rep", default=None, help="Only this rep's deals (a username).")
@click.option("--csv", "csv_file", default=None, type=click.Path(dir_okay=False, writable=True),
              help="Write one row per deal to FILE instead.")
@click.option("--as", "viewer", required=True, help="Who asks: a manager (their deals), designer or admin (all).")
def report_lost(since, until, methodology, segment, rep, csv_file, viewer) -> None:
    """Lost deals: at which stage they died and why, per methodology."""
    engine = open_engine()
    filters = dict(since=since, until=until, methodology=methodology, segment=segment, rep=rep)
    if csv_file:
        text = engine.lost_report_csv(viewer=viewer, **filters)
        with open(csv_file, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        click.echo(f"wrote {text.count(chr(10)) - 1} lost deals to {csv_file}")
        return
    click.echo(render_report(engine.lost_report(viewer=viewer, **filters)))


def render_report(r: LostReport) -> str:
    amounts = ", ".join(f"{a.total} {a.currency}" for a in r.amounts) or "nothing"
    lines = [f"{r.count} deal{'' if r.count == 1 else 's'} lost ({amounts})"
             + (f"; {r.missing_reasons} without a reason" if r.missing_reasons else "")]
    for m in r.methodologies:
        lines.append("")
        lines.append(f"{m.methodology_id} {m.version_label}: {m.count} lost, median {m.median_days_open} days open")
        lines.append("  died after")
        lines += _rows(m.by_stage)
        lines.append("  why")
        lines += _rows(m.by_reason)
    if r.count:
        lines.append("")
        lines.append("per rep")
        lines += _rows(r.by_rep)
        lines.append("")
        lines.append("deals")
        for d in r.deals:
            lines.append(f"  #{d.id} {d.title} ({d.owner}, {d.amount} {d.currency}): after {d.stage_before_name}, "
                         f"{d.reason_label}" + (f" — {d.reason}" if d.reason else "")
                         + f"; {d.days_open} days open, {len(d.work)} things done before")
    return "\n".join(lines)


def _rows(rows: tuple[CountRow, ...]) -> list[str]:
    width = max((len(row.label) for row in rows), default=0)
    return [f"    {row.label:<{width}}  {row.count:>4}  {'#' * row.count}" for row in rows]


COMMANDS = [report]
