"""The analysis charts as Vega-Lite specifications, built here as plain dicts from
the report values the façade returns; the page embeds each as JSON, and
webui/static/charts.js hands it to vega-embed (served from the npm-installed
vendor folder, webui/vendor.py). The same numbers are always in the table beside
the chart, so a page without the libraries, a screen reader and the tests read
them there.

Amounts are never added across currencies: a chart of amounts draws one bar per
currency (``yOffset``), and says so in its legend."""

from __future__ import annotations

from engine.views.pipeline_analysis import MethodologyReport, PipelineReport
from engine.views.snapshot_reports import AsOfPipeline, DealChanges

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # names the grammar; vega-embed never fetches it
ROW_HEIGHT = 26


def percent(rate: float | None) -> float | None:
    """As the tables show it (engine.rules.report_tables.percent): one decimal."""
    return None if rate is None else round(rate * 100, 1)


def _base(title: str, values: list[dict], rows: int) -> dict:
    return {"$schema": SCHEMA, "title": title, "data": {"values": values}, "width": "container",
            "height": max(rows, 1) * ROW_HEIGHT, "autosize": {"type": "fit-x", "contains": "padding"},
            "config": {"view": {"stroke": None}, "axis": {"labelLimit": 150}}}


def version_names(pairs, names: dict[str, str]) -> dict[tuple[str, str], str]:
    """(methodology id, version label) -> how a chart names it: the methodology's
    name (``names``; its id if it has none), with the version only where several
    versions of it are in view (else the version is noise a manager must read past)."""
    pairs = set(pairs)
    counts: dict[str, int] = {}
    for methodology_id, _ in pairs:
        counts[methodology_id] = counts.get(methodology_id, 0) + 1
    return {(m, v): f"{names.get(m, m)} {v}" if counts[m] > 1 else names.get(m, m) for m, v in pairs}


def funnel(report: PipelineReport, names: dict[str, str]) -> dict:
    """Per methodology version, how many deals reached each stage (open stages in
    funnel order, then won)."""
    values = []
    methodologies = sorted({(s.methodology_id, s.version_label) for s in report.stages})
    shown = version_names(methodologies, names)
    for rank, (methodology, version) in enumerate(methodologies):
        for s in report.stages:
            if (s.methodology_id, s.version_label) == (methodology, version) and s.outcome != "lost":
                said = shown[methodology, version]
                values.append({"stage": f"{s.stage_name} ({said})", "order": rank * 1000 + s.position,
                               "methodology": said, "deals": s.reached,
                               "conversion": percent(s.conversion)})
    spec = _base("Funnel: deals that reached each stage", values, len(values))
    spec.update(mark={"type": "bar", "tooltip": True}, encoding={
        "y": {"field": "stage", "type": "nominal", "sort": {"field": "order"}, "title": None},
        "x": {"field": "deals", "type": "quantitative", "title": "deals"},
        "color": {"field": "methodology", "type": "nominal", "legend": {"orient": "bottom", "title": None}},
        "tooltip": [{"field": "stage"}, {"field": "deals", "type": "quantitative"},
                    {"field": "conversion", "type": "quantitative", "title": "went on %"}]})
    return spec


def pipeline_by_stage(report: PipelineReport, names: dict[str, str]) -> dict:
    """The open deals' amounts and weighted amounts per stage, one bar per currency."""
    values = []
    shown = version_names(((s.methodology_id, s.version_label) for s in report.stages), names)
    for rank, s in enumerate(report.stages):
        if s.outcome != "open":
            continue
        for c in s.currencies:
            values.append({"stage": f"{s.stage_name} ({shown[s.methodology_id, s.version_label]})", "order": rank,
                           "currency": c.currency, "amount": float(c.open_amount), "weighted": float(c.weighted),
                           "deals": s.now_in})
    spec = _base("Open pipeline by stage (per currency)", values, len(values))
    spec.update(mark={"type": "bar", "tooltip": True}, encoding={
        "y": {"field": "stage", "type": "nominal", "sort": {"field": "order"}, "title": None},
        "yOffset": {"field": "currency"},
        "x": {"field": "amount", "type": "quantitative", "title": "open amount"},
        "color": {"field": "currency", "type": "nominal", "legend": {"orient": "bottom", "title": "currency"}},
        "tooltip": [{"field": "stage"}, {"field": "currency"}, {"field": "deals", "type": "quantitative"},
                    {"field": "amount", "type": "quantitative", "format": ",.2f"},
                    {"field": "weighted", "type": "quantitative", "format": ",.2f"}]})
    return spec


def win_rates(report: MethodologyReport, names: dict[str, str]) -> dict:
    """Win rate per methodology version and segment, with its 95 % interval as a
    bar behind the point: a wide bar means too few closed deals to tell."""
    shown = version_names(((r.methodology_id, r.version_label) for r in report.rows), names)
    values = [{"row": f"{r.segment_id} · {shown[r.methodology_id, r.version_label]}",
               "rate": percent(r.outcomes.win_rate), "low": percent(r.outcomes.interval_low),
               "high": percent(r.outcomes.interval_high), "closed": r.outcomes.won + r.outcomes.lost}
              for r in report.rows if r.outcomes.win_rate is not None]
    spec = _base("Win rate with its 95 % interval", values, len(values))
    y = {"field": "row", "type": "nominal", "title": None, "sort": None}
    x = {"field": "low", "type": "quantitative", "title": "win rate %", "scale": {"domain": [0, 100]}}
    spec.update(encoding={"y": y}, layer=[
        {"mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.5},
         "encoding": {"x": x, "x2": {"field": "high"}}},
        {"mark": {"type": "point", "filled": True, "size": 70, "tooltip": True},
         "encoding": {"x": {"field": "rate", "type": "quantitative"},
                      "tooltip": [{"field": "row", "title": "segment · version"},
                                  {"field": "rate", "title": "win rate %"}, {"field": "low", "title": "from %"},
                                  {"field": "high", "title": "to %"}, {"field": "closed", "title": "closed deals"}]}},
    ])
    return spec


def trend(report: PipelineReport) -> dict:
    """The open pipeline per day of the daily snapshots, one line per currency."""
    values = [{"day": t.day.isoformat(), "currency": t.currency, "amount": float(t.open_amount),
               "weighted": float(t.weighted), "deals": t.deals} for t in report.trend]
    spec = _base("Open pipeline over time (per currency)", values, 8)
    spec.update(mark={"type": "line", "point": True, "tooltip": True}, encoding={
        "x": {"field": "day", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": None,
              "axis": {"format": "%d %b", "tickCount": "day"}},  # a snapshot's day, not a moment in the viewer's zone
        "y": {"field": "amount", "type": "quantitative", "title": "open amount"},
        "color": {"field": "currency", "type": "nominal", "legend": {"orient": "bottom", "title": "currency"}},
        "tooltip": [{"field": "day", "type": "temporal", "timeUnit": "utcyearmonthdate"}, {"field": "currency"},
                    {"field": "deals", "type": "quantitative"},
                    {"field": "amount", "type": "quantitative", "format": ",.2f"},
                    {"field": "weighted", "type": "quantitative", "format": ",.2f"}]})
    return spec


def as_of_groups(report: AsOfPipeline) -> dict:
    """The open pipeline of a past day per group, one bar per currency."""
    values = [{"group": g.label, "order": rank, "currency": f.currency, "amount": float(f.amount),
               "weighted": float(f.weighted), "deals": f.deals}
              for rank, g in enumerate(report.groups) for f in g.currencies]
    spec = _base(f"Open pipeline on {report.day.isoformat()}", values, len(values))
    spec.update(mark={"type": "bar", "tooltip": True}, encoding={
        "y": {"field": "group", "type": "nominal", "sort": {"field": "order"}, "title": None},
        "yOffset": {"field": "currency"},
        "x": {"field": "amount", "type": "quantitative", "title": "open amount"},
        "color": {"field": "currency", "type": "nominal", "legend": {"orient": "bottom", "title": "currency"}},
        "tooltip": [{"field": "group"}, {"field": "currency"}, {"field": "deals", "type": "quantitative"},
                    {"field": "amount", "type": "quantitative", "format": ",.2f"},
                    {"field": "weighted", "type": "quantitative", "format": ",.2f"}]})
    return spec


WATERFALL_COLOURS = {"total": "#4c78a8", "up": "#54a24b", "down": "#e45756"}


def waterfall(report: DealChanges, currency: str) -> dict:
    """One currency's waterfall: the start pipeline, each step as a floating bar
    from the running total before it to the one after (green adds, red takes
    away), the end pipeline. Horizontal, so that it reads on a phone too."""
    values = []
    for order, w in enumerate(x for x in report.waterfall if x.currency == currency):
        kind = "total" if w.step in ("start", "end") else ("up" if w.amount >= 0 else "down")
        values.append({"step": w.label, "order": order, "from": float(w.before), "to": float(w.after),
                       "amount": float(w.amount), "deals": w.deals, "kind": kind})
    spec = _base(f"Start to end pipeline ({currency})", values, len(values))
    spec.update(mark={"type": "bar", "tooltip": True}, encoding={
        "y": {"field": "step", "type": "nominal", "sort": {"field": "order"}, "title": None},
        "x": {"field": "from", "type": "quantitative", "title": f"amount {currency}"},
        "x2": {"field": "to"},
        "color": {"field": "kind", "type": "nominal", "legend": None,
                  "scale": {"domain": list(WATERFALL_COLOURS), "range": list(WATERFALL_COLOURS.values())}},
        "tooltip": [{"field": "step"}, {"field": "deals", "type": "quantitative"},
                    {"field": "amount", "type": "quantitative", "format": ",.2f"},
                    {"field": "to", "type": "quantitative", "format": ",.2f", "title": "running total"}]})
    return spec


# --- the forecast page (M15): forecast against quota ---------------------------------

FORECAST_PARTS = (("closed won", "closed won"), ("commit", "commit"), ("best case", "best case"))


def forecast_vs_quota(table, currency: str) -> dict:
    """One currency of engine.views.forecast_table's rows: per person (a manager's
    team rolled up, a rep's own) closed won + commit + best case stacked, and a tick
    at their quota. One chart per currency: amounts are never added across them."""
    index = {name: i for i, name in enumerate(table.headers)}
    bars, quotas = [], []
    for order, row in enumerate(r for r in table.rows if r[index["currency"]] == currency):
        who = f"{row[index['person']]}" + (" (team)" if row[index["scope"]] == "team" else "")
        for rank, (column, label) in enumerate(FORECAST_PARTS):
            bars.append({"person": who, "order": order, "part": label, "rank": rank,
                         "amount": float(row[index[column]])})
        if row[index["quota"]] is not None:
            quotas.append({"person": who, "order": order, "quota": float(row[index["quota"]])})
    people = len({b["person"] for b in bars})
    spec = _base(f"Forecast against quota ({currency})", [], people)
    person = {"field": "person", "type": "nominal", "sort": {"field": "order"}, "title": None}
    spec["layer"] = [
        {"data": {"values": bars}, "mark": {"type": "bar", "tooltip": True},
         "encoding": {"y": person, "x": {"field": "amount", "type": "quantitative", "stack": "zero",
                                         "title": currency, "axis": {"format": "~s"}},
                      "color": {"field": "part", "type": "nominal",
                                "scale": {"domain": [label for _, label in FORECAST_PARTS]},
                                "legend": {"orient": "bottom", "title": None}},
                      "order": {"field": "rank"},
                      "tooltip": [{"field": "person"}, {"field": "part"},
                                  {"field": "amount", "type": "quantitative", "format": ",.2f"}]}},
        {"data": {"values": quotas}, "mark": {"type": "tick", "thickness": 3, "color": "#222", "tooltip": True},
         "encoding": {"y": person, "x": {"field": "quota", "type": "quantitative"},
                      "tooltip": [{"field": "person"}, {"field": "quota", "type": "quantitative", "format": ",.2f"}]}},
    ]
    del spec["data"]
    return spec
