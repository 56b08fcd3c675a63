"""The pipeline analysis (M16) and the methodology comparison ("which methodology
sells better"): the use cases that read the deals in the viewer's scope
(``engine.rules.report_scope``) and their stage history, and sum them up with
``engine.rules.pipeline_analysis``. Read-only: one read transaction each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

from engine.errors import FormError
from engine.rules import pipeline_analysis as rules
from engine.rules import report_tables
from engine.service import organisation, unit_of_work
from engine.service.context import ServiceContext
from engine.service.report_scope import scope_for
from engine.store import people
from engine.store import pipeline_analysis as store
from engine.views.pipeline_analysis import (GROUPS, MethodologyFigures, MethodologyReport, PipelineReport, ReportFile,
                                            SwapComparison, TrendPoint)

TREND_DAYS = 90  # the open pipeline over the last 90 days of snapshots


def group_by_of(value: object) -> str:
    """The grouping asked for (default: stage); FormError naming the choices."""
    if value is None or value == "":
        return "stage"
    if not isinstance(value, str) or value.strip() not in GROUPS:
        shown = value if isinstance(value, str) and len(value) <= 40 else "that"
        raise FormError({"group_by": f"cannot group by '{shown}'; use one of {', '.join(GROUPS)}"})
    return value.strip()


def pipeline_report(ctx: ServiceContext, *, viewer: str, group_by: object = None) -> PipelineReport:
    group_by = group_by_of(group_by)
    now = ctx.now()
    with unit_of_work.read(ctx) as session:
        scope = _scope(session, viewer)
        versions = _versions(ctx, session, store.version_ids(session))
        by_stage = store.totals(session, scope, "stage")
        grouped = by_stage if group_by == "stage" else store.totals(session, scope, group_by)
        history = store.stages(session, scope)
        source_totals = store.totals(session, scope, "source_campaign")
        today = organisation.company_today(session, now)  # the trend ends on the last snapshot day
        trend = store.trend(session, scope, today - timedelta(days=TREND_DAYS - 1))
    label, order = _labels(group_by, versions)
    report = PipelineReport(
        group_by=group_by, group_label=GROUPS[group_by], groups=rules.groups(grouped, label, order),
        stages=rules.stage_figures(history, by_stage, versions), sources=rules.sources(source_totals),
        total=rules.outcomes(by_stage), currencies=rules.currency_figures(by_stage), scope=scope.label, at=now,
        trend=tuple(TrendPoint(*row) for row in trend))
    return replace(report, tables=report_tables.pipeline_tables(report))


def methodology_report(ctx: ServiceContext, *, viewer: str) -> MethodologyReport:
    now = ctx.now()
    with unit_of_work.read(ctx) as session:
        scope = _scope(session, viewer)
        swaps = store.swaps(session)
        versions = _versions(ctx, session, store.version_ids(session))
        totals = rules.by_key(store.totals(session, scope, "version_segment"))
        medians = store.cycle_medians(session, scope)
        history = rules.by_key(store.stages(session, scope, by_segment=True),
                               lambda k: (k[0], k[2]))
        compared = _swaps(session, scope, swaps, versions)
    figures = []
    for (vid, segment), members in totals.items():
        version = versions[vid]
        figures.append(MethodologyFigures(
            version.methodology_id, version.label, segment, rules.outcomes(members, median_days=medians.get((vid, segment))),
            rules.currency_figures(members), rules.conversions(history.get((vid, segment), []), version)))
    figures.sort(key=lambda f: (f.segment_id, f.methodology_id, f.version_label))
    report = MethodologyReport(rows=tuple(figures), swaps=compared, scope=scope.label, at=now)
    return replace(report, tables=report_tables.methodology_tables(report))


def _scope(session, viewer: str):
    return scope_for(session, people.user(session, viewer))


def _swaps(session, scope, swaps, versions) -> tuple[SwapComparison, ...]:
    """Per swap (not its reversal), the segment's deals opened since the swap
    before it, up to the swap, against those opened from the swap to the next one."""
    by_segment: dict[str, list] = defaultdict(list)
    for s in swaps:
        by_segment[s.segment_id].append(s)
    result = []
    for segment, its in by_segment.items():
        for i, swap in enumerate(its):
            if swap.reverses_id is not None:
                continue
            windows = ((its[i - 1].at if i else None, swap.at),
                       (swap.at, its[i + 1].at if i + 1 < len(its) else None))
            before, after = (rules.outcomes(
                store.totals(session, scope, "segment", segment_id=segment, opened_from=start, opened_before=end),
                [float(days) for _, days in store.cycles(session, scope, "segment", segment_id=segment,
                                                         opened_from=start, opened_before=end)])
                for start, end in windows)
            result.append(SwapComparison(
                swap_id=swap.id, segment_id=segment, at=swap.at,
                from_label=_label(versions.get(swap.from_version_id)), to_label=_label(versions.get(swap.to_version_id)),
                reversed=swap.reversed_by_swap_id is not None, before=before, after=after))
    return tuple(sorted(result, key=lambda c: (c.at, c.swap_id)))


def _labels(group_by: str, versions: dict[int, rules.VersionInfo]):
    """How a grouping's database key reads (its key text and label), and the
    groups' order: funnel order for stages, most deals first otherwise."""
    if group_by == "stage":
        def stage_label(key):
            version = versions[key[0]]
            names = {s.stage_id: s.name for s in version.stages}
            return (f"{version.methodology_id}@{version.label}:{key[1] or '-'}",
                    f"{names.get(key[1], key[1] or '(no stage)')} · {version.methodology_id} {version.label}")
        rank = {f"{v.methodology_id}@{v.label}:{s.stage_id}": (v.methodology_id, v.label, s.position)
                for v in versions.values() for s in v.stages}
        return stage_label, lambda g: rank.get(g.key, ("~", g.label, 0))
    if group_by == "methodology":
        return (lambda key: (f"{versions[key[0]].methodology_id}@{versions[key[0]].label}",
                             f"{versions[key[0]].methodology_id} {versions[key[0]].label}")), None
    return (lambda key: (key[0] or rules.NONE, key[0] or rules.NONE)), None


def _label(version: rules.VersionInfo | None) -> str:
    return f"{version.methodology_id}@{version.label}" if version else "(none)"


def _versions(ctx: ServiceContext, session, ids) -> dict[int, rules.VersionInfo]:
    result = {}
    for vid in ids:
        info, methodology = ctx.catalog.version(session, vid)
        result[vid] = rules.VersionInfo(info.methodology_id, info.label, tuple(
            rules.StageInfo(s.id, s.name, s.position, s.outcome) for s in methodology.stages))
    return result


def report_file(report: PipelineReport | MethodologyReport, fmt: object, table: object = None) -> ReportFile:
    """The report's tables as a CSV (one table: ``table``, else the first) or XLSX
    (all) download; FormError for another format or an unknown table."""
    if fmt not in report_tables.FORMATS:
        raise FormError({"format": f"use one of {', '.join(report_tables.FORMATS)}"})
    names = [t.name for t in report.tables]
    if table not in (None, "") and table not in names:
        raise FormError({"table": f"use one of {', '.join(names)}"})
    base = "pipeline" if isinstance(report, PipelineReport) else "methodologies"
    return report_tables.table_file(report.tables, fmt, base, table or None)  # type: ignore[arg-type]
