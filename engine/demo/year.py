"""The demo's year: deals opened over the twelve months before now and walked
through their methodologies day by day, with the engine's clock moving along, so
that every screen that looks back (snapshots and trends, the pipeline analysis,
the methodology comparison, quotas and the forecast, early warnings) has
something true to show.

Nothing is written afterwards with a date in the past: each step is taken through
the façade while the clock reads its day, a snapshot of the open deals is filed as
each day ends, and the HORECA segment is swapped to the seed 002 funnel half-way
through the year, so the comparison has a before and an after. Deterministic (one
seeded random generator); titles are unique, and what exists is left as it is."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Iterable

from engine import DealflowError, Engine
from engine.demo.answers import ANSWERS, LOST_EARLY, LOST_ON_PRICE
from engine.demo.walk import meet_exit_criteria, next_step

HISTORY_DAYS = 365
SWAP_SEGMENT, SWAP_TO = "horeca", "seed002-funnel"  # the swap half-way through the year
LOST_TO_COMPETITOR = {task: {**answers, "lost_reason": "competitor"} for task, answers in LOST_ON_PRICE.items()}
# (share of the year's deals, how far they go, the answers that differ from ANSWERS)
_FATES = [(40, None, {}), (18, None, LOST_EARLY), (10, None, LOST_ON_PRICE), (8, None, LOST_TO_COMPETITOR),
          (24, "open", {})]


@dataclass(frozen=True)
class Scheduled:
    """A deal of the simulation: opened on ``opened`` (UTC), one step every ``gap``
    days, ``steps`` of them (None: to the end)."""
    title: str
    partner: str
    amount: str
    attributes: dict
    owner: str | None
    steps: int | None
    answers: dict
    opened: datetime
    gap: int
    close_in: int  # days from opening to the expected close date


def year_deals(count: int, now: datetime, partners, products, amounts) -> list[Scheduled]:
    """``count`` deals opened evenly over the year before ``now`` (the last month left
    to the recent funnel), each with a fate drawn from _FATES."""
    rng = random.Random(2026)
    fates = [fate for share, *fate in _FATES for _ in range(share)]
    start = now - timedelta(days=HISTORY_DAYS)
    deals = []
    for i in range(count):
        partner, channel, territory = partners[(i * 5) % len(partners)]
        steps, answers = rng.choice(fates)
        deals.append(Scheduled(
            title=f"{products[i % len(products)]} for {partner} (FY-{i + 1})", partner=partner,
            amount=rng.choice(amounts), attributes={"channel": channel, "territory": territory},
            owner=None if i % 4 == 3 else ("rep1", "rep2")[i % 2],
            steps=rng.randint(1, 6) if steps == "open" else None, answers=answers,
            opened=start + timedelta(days=(i * (HISTORY_DAYS - 30)) // max(count, 1), hours=8 + i % 8),
            gap=rng.randint(2, 9), close_in=rng.randint(30, 120)))
    return deals


class _MovingClock:
    """The simulation's clock: it only moves forward, and never past the real now."""

    def __init__(self, start: datetime, end: datetime):
        self.now, self.end = min(start, end), end

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, moment: datetime) -> None:
        self.now = max(self.now, min(moment, self.end))


def live_through(engine: Engine, deals: Iterable[Scheduled], now: datetime, swap: bool,
                 say: Callable[[str], None]) -> int:
    """Open and walk ``deals`` day by day up to ``now`` on an engine whose clock reads
    each day in turn, filing the day's snapshots when it ends; how many deals it opened."""
    deals = sorted(deals, key=lambda d: d.opened)
    if not deals:
        return 0
    clock = _MovingClock(deals[0].opened, now)
    past = Engine(engine.url, clock=clock, upgrade_schema=False)  # the same database, an earlier "now"
    swapped = bool(engine.list_swaps(SWAP_SEGMENT))
    swap_day = (now - timedelta(days=HISTORY_DAYS // 2)).date()
    live: dict[str, tuple[Scheduled, int, int]] = {}  # title -> (deal, opportunity id, steps done)
    pending = list(deals)
    day = deals[0].opened.date()
    try:
        while day < now.date() or day == now.date() and (pending or live):
            morning = datetime.combine(day, time(8), tzinfo=timezone.utc)
            if swap and not swapped and day >= swap_day:
                clock.move_to(morning)
                _swap(past, say)
                swapped = True
            while pending and pending[0].opened.date() == day:
                deal = pending.pop(0)
                clock.move_to(deal.opened)
                opened = past.create_opportunity(
                    title=deal.title, amount=deal.amount, currency="PLN", partner=deal.partner,
                    attributes=deal.attributes, actor="manager", owner=deal.owner,
                    expected_close_date=(deal.opened + timedelta(days=deal.close_in)).date().isoformat())
                live[deal.title] = (deal, opened.id, 0)
            for title, (deal, opportunity_id, done) in list(live.items()):
                if (day - deal.opened.date()).days < deal.gap * (done + 1):
                    continue  # not this deal's day yet
                clock.move_to(morning + timedelta(hours=1, minutes=done))
                opportunity = past.show_opportunity(opportunity_id)
                task = next_step(opportunity)
                if task is None or (deal.steps is not None and done >= deal.steps) or done >= 40:
                    say(f"#{opportunity.id} {deal.title}: {opportunity.stage_name} ({opportunity.status})")
                    del live[title]
                    continue
                opportunity = meet_exit_criteria(past, opportunity)
                data = {**ANSWERS.get(task.node_id, {}), **deal.answers.get(task.node_id, {})}
                past.complete_task(task.id, actor=task.assignee or "manager", data=data)
                live[title] = (deal, opportunity_id, done + 1)
            if day.weekday() == 4:
                clock.move_to(morning + timedelta(hours=10))
                past.fire_due_timers()  # the worker's round: meetings left open too long are chased
            if day < now.date():
                clock.move_to(datetime.combine(day, time(22), tzinfo=timezone.utc))
                past.take_snapshots(day)
            day += timedelta(days=1)
    finally:
        past.close()
    for deal, opportunity_id, _ in live.values():
        opportunity = engine.show_opportunity(opportunity_id)
        say(f"#{opportunity.id} {deal.title}: {opportunity.stage_name} ({opportunity.status})")
    return len(deals)


def _swap(engine: Engine, say: Callable[[str], None]) -> None:
    try:
        report = engine.swap_segment(SWAP_SEGMENT, SWAP_TO, actor="manager")
    except DealflowError as err:  # e.g. a methodologies folder without these segments
        say(f"no swap of {SWAP_SEGMENT}: {err}")
        return
    say(f"segment {SWAP_SEGMENT} swapped to {SWAP_TO}: {report}")


def as_scheduled(deal, now: datetime) -> Scheduled:
    """A deal of the recent funnel (engine.demo.seed.DemoDeal) in the simulation: a
    step a day, its last ``rest_days`` before now."""
    planned = deal.steps if deal.steps is not None else 20
    opened = now - timedelta(days=deal.rest_days + planned, hours=len(deal.title) % 7)
    return Scheduled(title=deal.title, partner=deal.partner, amount=deal.amount, attributes=deal.attributes,
                     owner=deal.owner, steps=deal.steps, answers=deal.answers, opened=opened, gap=1,
                     close_in=45)


def quotas_and_forecast(engine: Engine, today: date, say: Callable[[str], None]) -> None:
    """The year's quotas, top down — the admin sets the director's, the director
    commits the manager's part, the manager splits it among the reps — for the fiscal
    year and its current quarter, unless committed already; then the reps include two
    deals by hand in commit (below its range, as the seed asks a rep may)."""
    start = engine.fiscal_year_start()
    months = (today.month - start) % 12
    fiscal_year = today.year + (1 if start > 1 and today.month >= start else 0)
    quarter = f"{fiscal_year}-Q{months // 3 + 1}"
    committed = False
    # what the demo's year wins, about 6.6 M PLN (2.8 M in the last quarter): quotas a
    # little above it; rep1 and rep2, who own most deals, carry six shares each
    for period, amount in ((f"FY{fiscal_year}", 8_000_000), (quarter, 3_200_000)):
        if engine.quota_sheet(viewer="admin", period=period, manager="director").manager_quota is not None:
            continue  # committed by an earlier run
        engine.set_quota("director", period, str(amount), actor="admin", note="demo: the year's target")
        engine.split_quota("director", period, {"manager": str(amount)}, actor="director", commit=True)
        reports = [r.username for r in engine.quota_sheet(viewer="manager", period=period,
                                                          manager="manager").reports]
        engine.split_quota("manager", period, _shares(amount, reports), actor="manager", commit=True,
                           note="demo: six shares for rep1 and rep2, one for each territory rep")
        say(f"quota {period}: {amount} PLN, split among {len(reports)} reps")
        committed = True
    if not committed:
        return  # an earlier run set the quotas and included its deals
    quarter_end = engine.quota_sheet(viewer="manager", period=quarter, manager="manager").period.last_day
    included = 0
    for summary in engine.list_opportunities():
        if included == 2:
            break
        if summary.status != "open" or summary.owner not in ("rep1", "rep2"):
            continue
        deal = engine.show_opportunity(summary.id)
        if deal.forecast_category_derived not in ("best_case", "pipeline"):
            continue  # a deal that counts already: nothing to include
        if deal.expected_close_date is None or not today <= deal.expected_close_date <= quarter_end:
            continue  # included in this quarter's forecast, where the rep believes it closes
        engine.set_forecast_category(summary.id, "commit", actor=summary.owner)
        included += 1


def _shares(amount: int, reports: list[str]) -> dict[str, str]:
    """``amount`` split by shares (six for rep1 and rep2, one for everyone else),
    the rounding left with the first, so that the parts add up exactly."""
    weights = {name: 6 if name in ("rep1", "rep2") else 1 for name in reports}
    parts = {name: amount * weight // sum(weights.values()) for name, weight in weights.items()}
    parts[reports[0]] += amount - sum(parts.values())
    return {name: str(value) for name, value in parts.items()}


def learned_probability(engine: Engine, say: Callable[[str], None]) -> None:
    """The learned win probability trained on the year's closed deals, as the worker
    does each night, so that the deal page shows it beside the stage table's when it
    beat the stage table on the year's later deals (and the model's page says why
    not otherwise)."""
    model = engine.train_win_model(actor="designer")
    say(f"learned win probability {'enabled' if model.enabled else 'disabled'}: {model.reason}")
