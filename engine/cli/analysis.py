"""``dealflow report pipeline`` (also ``--as-of DATE``, from the daily snapshots),
``dealflow report changes`` and ``dealflow report methodologies``: the pipeline
analysis (M16), what moved since a day (M17) and the methodology comparison on the
terminal — as aligned tables (the same tables the web pages show beside their
charts), as JSON (the API's), or one table as CSV."""

from __future__ import annotations

import json
from contextlib import closing

import click

from engine.cli.common import open_engine
from engine.views.pipeline_analysis import GROUPS, ReportTable
from engine.views.report_json import methodology_report_json, pipeline_report_json
from engine.views.snapshot_json import as_of_json, deal_changes_json
from engine.views.snapshot_reports import AS_OF_GROUPS

FORMATS = click.Choice(["table", "json", "csv"])


@click.command("pipeline")
@click.option("--group-by", default="stage", type=click.Choice(list(dict.fromkeys([*GROUPS, *AS_OF_GROUPS]))),
              show_default=True,
              help=f"What the deals are grouped by; with --as-of one of {', '.join(AS_OF_GROUPS)}.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="The open pipeline as the daily snapshot of DATE (YYYY-MM-DD) had it.")
@click.option("--format", "fmt", default="table", type=FORMATS, show_default=True)
@click.option("--table", "table", default=None,
              help="With --format csv: groups (default), stages or sources (with --as-of: groups).")
@click.option("--as", "viewer", required=True,
              help="Who asks: a rep (their deals), a manager (theirs and their teams'), an admin or designer (all).")
def report_pipeline(group_by, as_of, fmt, table, viewer) -> None:
    """Deals grouped: counts, amounts per currency, weighted, win rate, cycle; the
    funnel with conversion and time in stage; lead-source effectiveness. With
    --as-of: the open deals of a past day, grouped."""
    with closing(open_engine()) as engine:
        if as_of is not None:
            _report_as_of(engine, viewer, as_of, group_by, fmt, table)
            return
        if fmt == "csv":
            click.echo(engine.pipeline_report_file(viewer=viewer, format="csv", group_by=group_by,
                                                   table=table).content.decode("utf-8-sig"), nl=False)
            return
        report = engine.pipeline_report(viewer=viewer, group_by=group_by)
    click.echo(_json(pipeline_report_json(report)) if fmt == "json" else render(report.tables, f"Counting {report.scope}."))


def _report_as_of(engine, viewer, as_of, group_by, fmt, table) -> None:
    if fmt == "csv":
        click.echo(engine.pipeline_as_of_file(viewer=viewer, as_of=as_of, format="csv", group_by=group_by,
                                              table=table).content.decode("utf-8-sig"), nl=False)
        return
    report = engine.pipeline_report_as_of(viewer=viewer, as_of=as_of, group_by=group_by)
    heading = " ".join(filter(None, (
        f"The open pipeline as of {report.day.isoformat()} (daily snapshot), counting {report.scope}.",
        report.note, "Won and lost deals, the funnel and lead sources are not in the snapshots: run it "
                     "without --as-of for those.")))
    click.echo(_json(as_of_json(report)) if fmt == "json" else render(report.tables, heading))


@click.command("changes")
@click.option("--since", default=None, metavar="DATE", help="From the snapshot of DATE (default: a week before the end).")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Up to the snapshot of DATE (default: the deals as they are now).")
@click.option("--period", default=None, metavar="PERIOD",
              help="The pipeline due by the end of PERIOD (2027-Q1, 2027-03, FY2027; default: the fiscal quarter "
                   "of the end day).")
@click.option("--format", "fmt", default="table", type=FORMATS, show_default=True)
@click.option("--table", "table", default=None, help="With --format csv: waterfall (default), changes or deals.")
@click.option("--as", "viewer", required=True,
              help="Who asks: a rep (their deals), a manager (theirs and their teams'), an admin or designer (all).")
def report_changes(since, as_of, period, fmt, table, viewer) -> None:
    """What moved in the pipeline since a day: new, won, lost, pushed out, pulled
    in, amounts up and down, stages and categories — per currency, as a waterfall
    from the start pipeline to the end one, with the deals."""
    with closing(open_engine()) as engine:
        if fmt == "csv":
            click.echo(engine.deal_changes_file(viewer=viewer, format="csv", since=since, as_of=as_of, period=period,
                                                table=table).content.decode("utf-8-sig"), nl=False)
            return
        report = engine.deal_changes(viewer=viewer, since=since, as_of=as_of, period=period)
    end = f"the snapshot of {report.until.isoformat()}" if report.until else "now"
    heading = " ".join(filter(None, (
        f"Deals due by {report.period_end.isoformat()} (end of {report.period}) that moved between the snapshot "
        f"of {report.since.isoformat()} and {end}, counting {report.scope}. Amounts per currency.", report.note)))
    click.echo(_json(deal_changes_json(report)) if fmt == "json" else render(report.tables, heading))


@click.command("methodologies")
@click.option("--format", "fmt", default="table", type=FORMATS, show_default=True)
@click.option("--table", "table", default=None,
              help="With --format csv: methodologies (default), conversions or swaps.")
@click.option("--as", "viewer", required=True,
              help="Who asks: a rep (their deals), a manager (theirs and their teams'), an admin or designer (all).")
def report_methodologies(fmt, table, viewer) -> None:
    """Which methodology sells better: per version and segment the win rate with its
    95 % interval, cycle length, average won amount, stage conversion; before and
    after each swap."""
    with closing(open_engine()) as engine:  # its connections closed, also on a mistake
        if fmt == "csv":
            click.echo(engine.methodology_report_file(viewer=viewer, format="csv", table=table)
                       .content.decode("utf-8-sig"), nl=False)
            return
        report = engine.methodology_report(viewer=viewer)
    click.echo(_json(methodology_report_json(report)) if fmt == "json" else render(
        report.tables, f"Counting {report.scope}. Win rate = won / (won + lost), with its 95 % Wilson interval."))


def render(tables: tuple[ReportTable, ...], heading: str) -> str:
    lines = [heading]
    for table in tables:
        cells = [list(table.headers)] + [["—" if c is None else str(c) for c in row] for row in table.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(table.headers))]
        lines += ["", table.title]
        for n, row in enumerate(cells):
            lines.append("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                          for i, (c, w) in enumerate(zip(row, widths))).rstrip())
            if n == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        if not table.rows:
            lines.append("  (no deals)")
    return "\n".join(lines)


def _json(data: dict) -> str:
    """The API's JSON (engine.views.report_json), indented for a reader."""
    return json.dumps(data, indent=2, ensure_ascii=False)


REPORT_COMMANDS = [report_pipeline, report_changes, report_methodologies]
