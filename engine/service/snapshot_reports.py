"""The reports over the daily snapshots (M17): the open pipeline as of a past day
and the deal changes between two days, for the deals in the viewer's scope
(engine.rules.report_scope, as the pipeline analysis counts them). Read-only: one
read transaction each, a handful of grouped or keyed reads
(engine.store.snapshot_reads); the comparison itself is engine.rules.deal_changes.

A day without a snapshot of its own reads the last day before it that has one, and
the report says so (``note``); a day before the first snapshot, or one that has not
come yet, is a FormError naming the field — a report never shows today's deals for
a past day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from engine.errors import FormError
from engine.methodology.model import ForecastRanges
from engine.rules import deal_changes as changes
from engine.rules import forecast_categories, periods, time_zones
from engine.rules import snapshot_reports as rules
from engine.rules.report_scope import Scope
from engine.rules.report_tables import FORMATS, table_file
from engine.service import organisation, report_scope, unit_of_work
from engine.service.context import ServiceContext
from engine.service.organisation import fiscal_start
from engine.store import people
from engine.store import snapshot_reads as store
from engine.views.pipeline_analysis import ReportFile
from engine.views.snapshot_reports import AS_OF_GROUPS, AsOfPipeline, DealChanges

WEEK = timedelta(days=7)  # "what moved since last week" by default


def as_of_group(value: object) -> str:
    """The grouping asked for (default: stage); FormError naming the ones the
    snapshots can answer."""
    if value is None or value == "":
        return "stage"
    if isinstance(value, str) and value.strip() in AS_OF_GROUPS:
        return value.strip()
    shown = value if isinstance(value, str) and len(value) <= 40 else "that"
    return _refuse("group_by", f"the daily snapshots cannot group by '{shown}' (they keep each deal's stage, "
                               f"category, methodology version, segment, rep and team as they were that day); "
                               f"as of a past day use one of {', '.join(AS_OF_GROUPS)}")


def pipeline_as_of(ctx: ServiceContext, *, viewer: str, as_of: object, group_by: object = None) -> AsOfPipeline:
    group_by = as_of_group(group_by)
    asked = parse_day(as_of, "as_of")
    if asked is None:
        _refuse("as_of", "give the day to report on (YYYY-MM-DD)")
    with unit_of_work.read(ctx) as session:
        scope = scope_for(session, viewer)
        day = snapshot_day(session, asked, organisation.company_today(session, ctx.now()), "as_of")
        rows = store.as_of_totals(session, day, scope, group_by)
        names = _stages(ctx, session, {row[0] for row in rows}) if group_by in ("stage", "methodology") else {}
    label, order = _labels(group_by, names)
    report = AsOfPipeline(asked=asked, day=day, group_by=group_by, group_label=AS_OF_GROUPS[group_by],
                          groups=rules.groups(rows, label, order), currencies=rules.figures(r[-4:] for r in rows),
                          scope=scope.label)
    return replace(report, tables=rules.as_of_tables(report))


def deal_changes(ctx: ServiceContext, *, viewer: str, since: object = None, as_of: object = None,
                 period: object = None) -> DealChanges:
    now = ctx.now()
    until_asked = parse_day(as_of, "as_of")
    since_given = parse_day(since, "since")
    with unit_of_work.read(ctx) as session:
        today, zone = organisation.company_today(session, now), organisation.company_zone(session)
        end = until_asked or today
        since_asked = since_given or end - WEEK
        if since_asked > end or (until_asked is not None and since_asked == end):
            _refuse("since", f"give a day before {end.isoformat()}, the day the changes are counted up to"
                    if until_asked else f"give today ({end.isoformat()}) or a day before it")
        scope = scope_for(session, viewer)
        until_day = snapshot_day(session, until_asked, today, "as_of") if until_asked else None
        since_day = snapshot_day(session, since_asked, today, "since")
        if until_day is not None and until_day <= since_day:
            _refuse("since", f"{since_asked.isoformat()} and {until_asked.isoformat()} read the same snapshot "
                             f"({until_day.isoformat()}); give an earlier day")
        chosen = _period(session, period, end)
        start = store.due_totals(session, since_day, scope, chosen.last_day)
        finish = store.due_totals(session, until_day, scope, chosen.last_day)
        rows = store.moved(session, since_day, until_day, scope, chosen.last_day)
        versions = {row[10] for row in rows if row[6]} | {row[19] for row in rows if row[15]}
        names = _stages(ctx, session, versions)
        ranges = {vid: ctx.catalog.version(session, vid)[1].forecast for vid in versions} if until_day is None else {}
    candidates = [_candidate(row, ranges, zone) for row in rows]
    deals = changes.compare(candidates, since=since_day, until=until_day, period_end=chosen.last_day,
                            positions={k: v[0] for k, v in names.items()},
                            stage_names={k: v[1] for k, v in names.items()})
    start_figures = tuple(rules.figures((c, n, a, a) for c, n, a in start))
    end_figures = tuple(rules.figures((c, n, a, a) for c, n, a in finish))
    report = DealChanges(
        since_asked=since_asked, since=since_day, until_asked=until_asked, until=until_day, period=chosen.name,
        period_end=chosen.last_day, scope=scope.label, at=now, start=start_figures, end=end_figures,
        counts=changes.counts(deals), waterfall=changes.waterfall(start_figures, end_figures, deals), deals=deals,
        counted_to=end)
    return replace(report, tables=rules.change_tables(report))


def report_file(report: AsOfPipeline | DealChanges, fmt: object, table: object = None) -> ReportFile:
    """The report's tables as CSV (one table: ``table``, else the first) or XLSX (all)."""
    if fmt not in FORMATS:
        _refuse("format", f"use one of {', '.join(FORMATS)}")
    names = [t.name for t in report.tables]
    if table not in (None, "") and table not in names:
        _refuse("table", f"use one of {', '.join(names)}")
    if isinstance(report, AsOfPipeline):
        base = f"pipeline-{report.day.isoformat()}"
    else:
        last = report.until or report.counted_to or report.at.date()
        base = f"changes-{report.since.isoformat()}-{last.isoformat()}"
    return table_file(report.tables, fmt, base, table or None)  # type: ignore[arg-type]


def scope_for(session, viewer: str) -> Scope:
    """Whose deals the viewer's reports count (engine.service.report_scope)."""
    return report_scope.scope_for(session, people.user(session, viewer))


def parse_day(value: object, field: str) -> date | None:
    """A day written YYYY-MM-DD (None or blank: None); FormError naming ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        _refuse(field, "give a day (YYYY-MM-DD), not a moment")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]) if len(value.strip()) == 10 else _bad(value, field)
        except ValueError:
            pass
    return _bad(value, field)


def snapshot_day(session, asked: date, today: date, field: str) -> date:
    """The day whose snapshot a report of ``asked`` reads: ``asked`` or the last
    day before it with snapshots."""
    if asked > today:
        _refuse(field, f"{asked.isoformat()} has not come yet; give today ({today.isoformat()}) or a past day")
    first, found = store.first_and_found(session, asked)
    if first is None:
        _refuse(field, "no daily snapshot has been taken yet: the worker takes one each day (dealflow worker), "
                       "or take one now with dealflow snapshot")
    if found is None:
        _refuse(field, f"the first daily snapshot is of {first.isoformat()}; give that day or a later one")
    return found


def _period(session, value: object, end: date) -> periods.Period:
    start_month = fiscal_start(session)
    if value is None or (isinstance(value, str) and not value.strip()):
        return periods.period_of(end, "quarter", start_month)
    return periods.parse(value, start_month)


def _candidate(row: tuple, ranges: dict[int, ForecastRanges], zone: str) -> changes.Candidate:
    (deal_id, title, owner, status, closed_at, opened_at), start, end = row[:6], row[6:15], row[15:24]
    # the days a deal opened and closed are the company's, as the snapshot days they are compared with
    return changes.Candidate(deal_id, title, owner, _side(start, ranges), _side(end, ranges), status,
                             time_zones.local_day(closed_at, zone) if closed_at else None,
                             time_zones.local_day(opened_at, zone))


def _side(columns: tuple, ranges: dict[int, ForecastRanges]) -> changes.Side | None:
    present, amount, currency, stage_id, version_id, category, close_date, probability, override = columns
    if not present:
        return None
    if category is None:  # a live deal: its category as a snapshot would file it now
        category = forecast_categories.category_of(probability, override, ranges[version_id])
    return changes.Side(amount, currency, stage_id, version_id, category, close_date)


def _stages(ctx: ServiceContext, session, version_ids) -> dict[tuple[int, str], tuple[int, str, str, str]]:
    """(version id, stage id) -> (position, name, methodology id, version label);
    (version id, "") -> (-1, "(no stage)", ...) for each version."""
    result = {}
    for vid in version_ids:
        info, methodology = ctx.catalog.version(session, vid)
        result[(vid, "")] = (-1, "(no stage)", info.methodology_id, info.label)
        for s in methodology.stages:
            result[(vid, s.id)] = (s.position, s.name, info.methodology_id, info.label)
    return result


def _labels(group_by: str, names: dict):
    """How a grouping's key reads (key text, label), and the groups' order."""
    if group_by == "stage":
        def stage(key):
            position, name, methodology, version = names.get((key[0], key[1]), (99, key[1], "?", "?"))
            return f"{methodology}@{version}:{key[1] or '-'}", f"{name} · {methodology} {version}"
        rank = {f"{m}@{v}:{sid or '-'}": (m, v, p) for (vid, sid), (p, _, m, v) in names.items()}
        return stage, lambda g: rank.get(g.key, ("~", g.label, 0))
    if group_by == "methodology":
        def version(key):
            _, _, methodology, label = names[(key[0], "")]
            return f"{methodology}@{label}", f"{methodology} {label}"
        return version, None
    if group_by == "category":
        order = {c: i for i, c in enumerate(forecast_categories.CATEGORIES)}
        return (lambda key: (key[0], forecast_categories.LABELS.get(key[0], key[0]))), \
            lambda g: (order.get(g.key, 99), g.key)
    return (lambda key: (key[0] or "(none)", key[0] or "(none)")), None


def _bad(value: object, field: str):
    _refuse(field, f"'{str(value).strip()[:20]}' is not a day; write it as YYYY-MM-DD")


def _refuse(field: str, message: str):
    raise FormError({field: message})
