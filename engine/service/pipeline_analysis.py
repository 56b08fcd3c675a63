"""The pipeline analysis (M16) and the methodology comparison ("which methodology
sells better"): the use cases that read the deals in the viewer's scope
(``engine.rules.report_scope``) and their stage history, and sum them up with
``engine.rules.pipeline_analysis``. Read-only: one read transaction each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from engine.errors import FormError
from engine.rules import pipeline_analysis as rules
from engine.rules import report_tables
from engine.rules.report_scope import scope_of
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.store import people
from engine.store import pipeline_analysis as store
from engine.views.pipeline_analysis import (MethodologyFigures, MethodologyReport, PipelineReport, ReportFile,
                                            SwapComparison)

GROUPS = {"stage": "Stage", "methodology": "Methodology version", "segment": "Segment", "rep": "Rep",
          "team": "Team", "territory": "Territory", "industry": "Industry", "source": "Lead source",
          "campaign": "Campaign"}


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
        user = people.user(session, viewer)
        scope = scope_of(visibility.actor_of(session, user), store.led_team_ids(session, user.id))
        rows = store.deals(session, scope)
        steps = store.steps(session, scope)
        versions = _versions(ctx, session, {r.version_id for r in rows} | {s.version_id for s in steps})
    deals = [_facts(r, versions) for r in rows]
    stage_rows = rules.stage_figures(deals, (rules.Step(s.deal_id, s.version_id, s.stage_id, s.at) for s in steps),
                                    versions)
    order = None
    if group_by == "stage":
        rank = {_stage_key(versions[vid], stage.stage_id): (versions[vid].methodology_id, versions[vid].label,
                                                            stage.position)
                for vid in versions for stage in versions[vid].stages}
        order = lambda g: rank.get(g.key, ("~", g.label, 0))  # noqa: E731
    report = PipelineReport(
        group_by=group_by, group_label=GROUPS[group_by], groups=rules.groups(deals, group_by, order),
        stages=stage_rows, sources=rules.sources(deals), total=rules.outcomes(deals),
        currencies=rules.currency_figures(deals), scope=scope.label, at=now)
    return replace(report, tables=report_tables.pipeline_tables(report))


def methodology_report(ctx: ServiceContext, *, viewer: str) -> MethodologyReport:
    now = ctx.now()
    with unit_of_work.read(ctx) as session:
        user = people.user(session, viewer)
        scope = scope_of(visibility.actor_of(session, user), store.led_team_ids(session, user.id))
        rows = store.deals(session, scope)
        steps = store.steps(session, scope)
        swaps = store.swaps(session)
        versions = _versions(ctx, session, {r.version_id for r in rows} | {s.version_id for s in steps}
                             | {v for s in swaps for v in (s.from_version_id, s.to_version_id) if v})
    deals = [_facts(r, versions) for r in rows]
    segment_of = {r.id: r.segment_id for r in rows}
    history: dict[int, list[rules.Step]] = defaultdict(list)
    for s in steps:
        history[s.deal_id].append(rules.Step(s.deal_id, s.version_id, s.stage_id, s.at))
    members: dict[tuple[int, str], list[rules.DealFacts]] = defaultdict(list)
    for d in deals:
        members[(d.version_id, segment_of[d.id])].append(d)
    figures = []
    for (vid, segment), group in members.items():
        version = versions[vid]
        stage_rows = rules.stage_figures(group, (s for d in group for s in history.get(d.id, ())
                                                 if s.version_id == vid), {vid: version})
        figures.append(MethodologyFigures(version.methodology_id, version.label, segment, rules.outcomes(group),
                                          rules.currency_figures(group), rules.conversions(stage_rows)))
    figures.sort(key=lambda f: (f.segment_id, f.methodology_id, f.version_label))
    report = MethodologyReport(rows=tuple(figures), swaps=_swaps(swaps, deals, segment_of, versions),
                               scope=scope.label, at=now)
    return replace(report, tables=report_tables.methodology_tables(report))


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


def _swaps(swaps, deals, segment_of, versions) -> tuple[SwapComparison, ...]:
    """Per swap (not its reversal), the segment's deals opened since the swap
    before it, up to the swap, against those opened from the swap to the next one."""
    by_segment: dict[str, list] = defaultdict(list)
    for s in swaps:
        by_segment[s.segment_id].append(s)
    result = []
    for segment, its in by_segment.items():
        bounds = [s.at for s in its]
        segment_deals = [d for d in deals if segment_of[d.id] == segment]
        for i, swap in enumerate(its):
            if swap.reverses_id is not None:
                continue
            start = bounds[i - 1] if i else None
            end = bounds[i + 1] if i + 1 < len(bounds) else None
            before = [d for d in segment_deals if d.opened_at < swap.at and (start is None or d.opened_at >= start)]
            after = [d for d in segment_deals if d.opened_at >= swap.at and (end is None or d.opened_at < end)]
            result.append(SwapComparison(
                swap_id=swap.id, segment_id=segment, at=swap.at,
                from_label=_label(versions.get(swap.from_version_id)), to_label=_label(versions.get(swap.to_version_id)),
                reversed=swap.reversed_by_swap_id is not None,
                before=rules.outcomes(before), after=rules.outcomes(after)))
    return tuple(sorted(result, key=lambda c: (c.at, c.swap_id)))


def _label(version: rules.VersionInfo | None) -> str:
    return f"{version.methodology_id}@{version.label}" if version else "(none)"


def _versions(ctx: ServiceContext, session, ids) -> dict[int, rules.VersionInfo]:
    result = {}
    for vid in ids:
        info, methodology = ctx.catalog.version(session, vid)
        result[vid] = rules.VersionInfo(info.methodology_id, info.label, tuple(
            rules.StageInfo(s.id, s.name, s.position, s.outcome) for s in methodology.stages))
    return result


def _stage_key(version: rules.VersionInfo, stage_id: str | None) -> str:
    return f"{version.methodology_id}@{version.label}:{stage_id or '-'}"


def _facts(row: store.DealRow, versions: dict[int, rules.VersionInfo]) -> rules.DealFacts:
    version = versions[row.version_id]
    names = {s.stage_id: s.name for s in version.stages}
    stage_label = f"{names.get(row.stage_id, row.stage_id or '(no stage)')} · {version.methodology_id} {version.label}"
    keys = {
        "stage": (_stage_key(version, row.stage_id), stage_label),
        "methodology": (f"{version.methodology_id}@{version.label}", f"{version.methodology_id} {version.label}"),
        "segment": (row.segment_id, row.segment_id),
        "rep": (row.owner, row.owner),
    }
    for name in ("team", *store.ATTRIBUTES):
        value = getattr(row, name) or rules.NONE
        keys[name] = (value, value)
    return rules.DealFacts(id=row.id, status=row.status, currency=row.currency, amount=row.amount,
                           weighted=row.weighted, opened_at=row.opened_at, closed_at=row.closed_at,
                           version_id=row.version_id, stage_id=row.stage_id, keys=keys)
