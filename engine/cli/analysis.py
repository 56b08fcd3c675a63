"""``dealflow report pipeline`` and ``dealflow report methodologies``: the pipeline
analysis (M16) and the methodology comparison on the terminal — as aligned tables
(the same tables the web pages show beside their charts), as JSON, or one table as
CSV."""

from __future__ import annotations

import json
from contextlib import closing

import click

from engine.cli.common import open_engine
from engine.views.pipeline_analysis import GROUPS, ReportTable
from engine.views.report_json import methodology_report_json, pipeline_report_json

FORMATS = click.Choice(["table", "json", "csv"])


@click.command("pipeline")
@click.option("--group-by", default="stage", type=click.Choice(list(GROUPS)), show_default=True,
              help="What the deals are grouped by.")
@click.option("--format", "fmt", default="table", type=FORMATS, show_default=True)
@click.option("--table", "table", default=None, help="With --format csv: groups (default), stages or sources.")
@click.option("--as", "viewer", required=True,
              help="Who asks: a rep (their deals), a manager (theirs and their teams'), an admin or designer (all).")
def report_pipeline(group_by, fmt, table, viewer) -> None:
    """Deals grouped: counts, amounts per currency, weighted, win rate, cycle; the
    funnel with conversion and time in stage; lead-source effectiveness."""
    with closing(open_engine()) as engine:
        if fmt == "csv":
            click.echo(engine.pipeline_report_file(viewer=viewer, format="csv", group_by=group_by,
                                                   table=table).content.decode("utf-8-sig"), nl=False)
            return
        report = engine.pipeline_report(viewer=viewer, group_by=group_by)
    click.echo(_json(pipeline_report_json(report)) if fmt == "json" else render(report.tables, f"Counting {report.scope}."))


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


REPORT_COMMANDS = [report_pipeline, report_methodologies]
