"""Daily snapshots of every open deal (M17): the sweep that files them, and the
deals as of a past day for reports.

The sweep files one row per open deal under a day (default: today, the company's
day — engine.service.organisation.company_today; UTC until an admin sets a zone), in
batches of ``BATCH`` deals, one transaction each. It is idempotent — a deal
already on file for the day keeps its row — so running it again the same day
changes nothing, and two processes may sweep at once (engine.store.snapshots).
``dealflow worker`` runs it at its first sweep of each day, so the snapshot of
day D is the pipeline as it stood when D began; ``dealflow snapshot`` runs it by
hand. A past ``day`` files the deals as they are *now* under that day (for a day
the worker missed, knowing that), and only deals opened by the end of it (the end
of the company's day); a day in the future is refused. Rows already on file keep
the day they were filed under (a UTC day before the company had a zone).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.errors import FormError
from engine.methodology.model import ForecastRanges
from engine.rules import forecast_categories, policy, time_zones
from engine.service import organisation, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.report_scope import scope_for
from engine.service.unit_of_work import Session
from engine.store import people
from engine.store import snapshots as store
from engine.views.snapshots import DealSnapshotView, SnapshotDay, SnapshotReport

BATCH = 5000


def take_snapshots(ctx: ServiceContext, day: object = None, *, batch: int = BATCH) -> SnapshotReport:
    now = ctx.now()
    with unit_of_work.read(ctx) as session:
        zone = organisation.company_zone(session)
        today = organisation.company_today(session, now)
        day = _day(day, today)
        if day > today:
            raise FormError({"date": f"{day.isoformat()} has not come yet; a snapshot files the deals of today "
                                     "or a past day"})
        before = store.count_on(session, day)
    opened_before = time_zones.day_start(day + timedelta(days=1), zone)  # the end of the company's day
    ranges: dict[int, ForecastRanges] = {}

    def range_of(session: Session, version_id: int) -> ForecastRanges:
        if version_id not in ranges:
            ranges[version_id] = ctx.catalog.version(session, version_id)[1].forecast
        return ranges[version_id]

    last_id = 0
    while True:
        def work(session: Session) -> int | None:
            deals = store.open_deals(session, day, after_id=last_id, opened_before=opened_before, limit=batch)
            store.file_rows(session, [_row(d, day, now, range_of(session, d.methodology_version_id)) for d in deals])
            return deals[-1].id if len(deals) == batch else None

        next_id = unit_of_work.run(ctx, work)
        if next_id is None:
            break
        last_id = next_id
    with unit_of_work.read(ctx) as session:
        on_file = store.count_on(session, day)
    return SnapshotReport(day=day, on_file=on_file, new=on_file - before)


def _row(deal, day: date, now: datetime, ranges: ForecastRanges) -> dict:
    override = deal.forecast_category_override
    return dict(
        snapshot_date=day, opportunity_id=deal.id, stage_id=deal.stage_id, amount=deal.amount,
        currency=deal.currency, probability=deal.probability,
        forecast_category=forecast_categories.category_of(deal.probability, override, ranges),
        category_overridden=override is not None, expected_close_date=deal.expected_close_date,
        owner_id=deal.owner_id, manager_id=deal.manager_id, team_id=deal.team_id,
        methodology_version_id=deal.methodology_version_id, segment_id=deal.segment_id, taken_at=now)


def deals_as_of(ctx: ServiceContext, day: object, *, viewer: str) -> SnapshotDay:
    """The open deals as the snapshot of ``day`` (or the latest before it) has
    them: for managers (their deals as the reports count them, by who owned and
    managed each deal that day), designers and admins (every deal), like the pipeline."""
    with unit_of_work.read(ctx) as session:
        asked = _day(day, organisation.company_today(session, ctx.now()))
        user = people.user(session, viewer)
        actor = visibility.actor_of(session, user)
        policy.require(policy.may_see_pipeline(actor), "past pipelines are for managers, designers and admins")
        found, rows = store.deals_as_of(session, asked, scope_for(session, user))
        owners = store.usernames(session, {r.owner_id for r in rows})
        deals = tuple(DealSnapshotView(
            r.opportunity_id, r.stage_id, r.amount, r.currency, r.probability, r.forecast_category,
            r.category_overridden, r.expected_close_date, owners.get(r.owner_id), r.segment_id,
            r.methodology_version_id, r.taken_at) for r in rows)
    return SnapshotDay(asked=asked, day=found, deals=deals)


def _day(value: object, default: date) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, datetime):
        raise FormError({"date": "give a day (YYYY-MM-DD), not a moment"})
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:20])
        except ValueError:
            pass
    raise FormError({"date": f"'{str(value).strip()[:20]}' is not a day; write it as YYYY-MM-DD"})
