"""Early warnings (M18): which deals are going wrong, and why, early enough to act.
Pure: the sweep (engine/service/warnings.py) reads the facts of every open deal and
asks ``warnings_for`` which warnings it deserves now.

A warning has a *cause key*: a deal gets at most one warning per cause, however
often the sweep runs, and the warning clears by itself when the sweep no longer
finds its cause (the deal moved on, an activity was done, the date was put right).
Each key names the very fact that raised it — the stage and when the deal entered
it, the missed date, the last activity — so that the same trouble coming back
later is a new cause, and a new warning, while the old one stays cleared.

The rules (Pipedrive's and Odoo's rotting, Salesforce's inspection flags):

    rotting             longer in its stage than the stage table's max_days_in_stage
    next_action_missed  the deal's next action (a task or activity due date) has passed
    idle                nothing done on the deal (an activity or a task) for N days
    close_date_passed   the expected close date is in the past, and the deal still open
    close_date_slipping the close date was moved later twice or more (each new date a cause)
    probability_dropped the probability is lower than it was within the last DROP_WINDOW
    amount_dropped      the amount is lower than it was within the last DROP_WINDOW
    left_commit         the deal counted as commit within the last DROP_WINDOW and no longer
                        does (SugarCRM tells the manager when a deal drops out of commit)
    criteria_skipped    a timer took the deal out of its last stage with that stage's exit
                        criteria unmet (timers are never held back); until it moves on

"Counted as commit" is read from the deal's probabilities in the window through
its methodology's forecast ranges, and from the category events of the rep's
overrides; an override set and cleared again inside the window without an event
is not seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Callable, Iterable

from engine.rules.forecast_categories import COMMIT, LABELS as CATEGORY_LABELS, category_of, derived
from engine.methodology.model import DEFAULT_FORECAST_RANGES, ForecastRanges

__all__ = ["RULES", "LABELS", "DEFAULT_IDLE_DAYS", "DROP_WINDOW", "DealFacts", "Point", "Warning",
           "warnings_for", "peak_since", "label"]

ROTTING, NEXT_ACTION, IDLE, CLOSE_DATE, SLIPPING, PROBABILITY, AMOUNT, LEFT_COMMIT, SKIPPED = (
    "rotting", "next_action_missed", "idle", "close_date_passed", "close_date_slipping", "probability_dropped",
    "amount_dropped", "left_commit", "criteria_skipped")
#: in the order a manager reads them: the most urgent first
RULES = (LEFT_COMMIT, NEXT_ACTION, CLOSE_DATE, SLIPPING, SKIPPED, ROTTING, IDLE, PROBABILITY, AMOUNT)
#: moving the close date later this many times is "slipping again"
SLIPS = 2
LABELS = {
    ROTTING: "Stuck in its stage",
    NEXT_ACTION: "Next action missed",
    IDLE: "No activity",
    CLOSE_DATE: "Close date passed",
    SLIPPING: "Close date slipping",
    PROBABILITY: "Probability dropped",
    AMOUNT: "Amount dropped",
    LEFT_COMMIT: "Left commit",
    SKIPPED: "Exit criteria skipped",
}
DEFAULT_IDLE_DAYS = 14
#: how far back a drop in probability or amount counts (Salesforce's "recent
#: changes" look back 7 days; a daily sweep with a week off needs two)
DROP_WINDOW = timedelta(days=14)


def label(rule: str) -> str:
    return LABELS.get(rule, rule.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Point:
    """A value the deal held from ``at`` on (a probability in percent, or an amount)."""

    at: datetime
    value: Decimal


@dataclass(frozen=True)
class DealFacts:
    """What the rules need of one open deal. ``last_activity_at``: the latest done
    activity or completed task (None: none yet — the deal's opening counts then).
    ``*_history``: the values it held, oldest first (empty: it never changed).
    ``close_date_moves``: each change of the expected close date (before, after)."""

    opportunity_id: int
    stage_name: str | None
    stage_entered_at: datetime | None
    max_days_in_stage: int | None
    next_action_at: datetime | None
    expected_close_date: date | None
    opened_at: datetime
    last_activity_at: datetime | None
    probability: int
    amount: Decimal
    currency: str = ""
    probability_history: tuple[Point, ...] = ()
    amount_history: tuple[Point, ...] = ()
    close_date_moves: tuple[tuple[date | None, date | None], ...] = ()  # (before, after), oldest first
    ranges: ForecastRanges = DEFAULT_FORECAST_RANGES  # the methodology's forecast ranges
    category_override: str | None = None  # the rep's forecast category override in force
    category_history: tuple[tuple[datetime, str | None, str | None], ...] = ()  # (at, before, after)
    # The latest time a timer took the deal out of a stage whose exit criteria were
    # unmet: (event id, at, that stage's name, what was still to do), or None.
    criteria_skipped: tuple[int, datetime, str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Warning:
    """One warning: which deal, which rule, its cause key, what is wrong (``message``)
    and what to do (``advice``), in plain words without ids."""

    opportunity_id: int
    rule: str
    cause: str
    message: str
    advice: str


def warnings_for(deal: DealFacts, now: datetime, *, idle_days: int = DEFAULT_IDLE_DAYS,
                 today: date | None = None) -> list[Warning]:
    """Every warning ``deal`` deserves at ``now`` (UTC), in RULES order. ``today``:
    the company's day at ``now`` (a close date is a local day); default: now's UTC day."""
    found = [_left_commit(deal, now), _next_action(deal, now), _close_date(deal, today or now.date()), _slipping(deal),
             _criteria_skipped(deal), _rotting(deal, now),
             _idle(deal, now, idle_days), _probability(deal, now), _amount(deal, now)]
    return [w for w in found if w is not None]


def _days(delta: timedelta) -> int:
    return delta.days


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _criteria_skipped(deal: DealFacts) -> Warning | None:
    # Only while the deal is still in the stage the timer took it to: once it moves on,
    # someone has worked it since, and the warning clears.
    if deal.criteria_skipped is None or deal.stage_entered_at is None:
        return None
    event_id, at, left, missing = deal.criteria_skipped
    if at < deal.stage_entered_at:
        return None
    return Warning(deal.opportunity_id, SKIPPED, f"{SKIPPED}:{event_id}",
                   f"A timer moved the deal on from {left} with its exit criteria unmet: "
                   f"{'; '.join(missing) or 'see the deal'}.",
                   "Catch up on what was skipped, or decide with the rep whether the deal is still real.")


def _rotting(deal: DealFacts, now: datetime) -> Warning | None:
    limit = deal.max_days_in_stage
    if limit is None or deal.stage_entered_at is None:
        return None
    days = _days(now - deal.stage_entered_at)
    if days <= limit:
        return None
    return Warning(deal.opportunity_id, ROTTING, f"{ROTTING}:{deal.stage_entered_at.isoformat()}",
                   f"In {deal.stage_name} for {_plural(days, 'day')}; this stage expects at most "
                   f"{_plural(limit, 'day')}.",
                   "Find out what holds it up and agree the next step with the customer — or close it as lost.")


def _next_action(deal: DealFacts, now: datetime) -> Warning | None:
    due = deal.next_action_at
    if due is None or due >= now:
        return None
    late = _days(now - due)
    # Not "today": the rule counts whole days in UTC and knows no reader's zone, so a
    # task due yesterday evening, 18 hours ago, would read as due today beside its date.
    when = "less than a day ago" if late == 0 else f"{_plural(late, 'day')} ago"
    return Warning(deal.opportunity_id, NEXT_ACTION, f"{NEXT_ACTION}:{due.isoformat()}",
                   f"The next action was due {when} and is not done.",
                   "Do the overdue task or activity, or plan a new date with the customer.")


def _idle(deal: DealFacts, now: datetime, idle_days: int) -> Warning | None:
    last = deal.last_activity_at or deal.opened_at
    days = _days(now - last)
    if days < idle_days:
        return None
    since = "since it was opened" if deal.last_activity_at is None else "on it"
    return Warning(deal.opportunity_id, IDLE, f"{IDLE}:{last.isoformat()}",
                   f"Nothing done {since} for {_plural(days, 'day')}.",
                   "Call or write to the customer and log it, or plan the next activity.")


def _close_date(deal: DealFacts, today: date) -> Warning | None:
    close = deal.expected_close_date
    if close is None or close >= today:
        return None
    days = (today - close).days
    return Warning(deal.opportunity_id, CLOSE_DATE, f"{CLOSE_DATE}:{close.isoformat()}",
                   f"Expected to close on {close.isoformat()}, {_plural(days, 'day')} ago, and still open.",
                   "Set a close date you believe in, or close the deal as won or lost.")


def _left_commit(deal: DealFacts, now: datetime) -> Warning | None:
    since = now - DROP_WINDOW
    current = category_of(deal.probability, deal.category_override, deal.ranges)
    if current == COMMIT:
        return None
    peak = peak_since(deal.probability_history, since)  # derived categories rise with the probability
    was_commit = peak is not None and derived(int(peak), deal.ranges) == COMMIT
    was_commit = was_commit or any(at >= since and COMMIT in (old, new) for at, old, new in deal.category_history)
    if not was_commit:
        return None
    return Warning(deal.opportunity_id, LEFT_COMMIT, f"{LEFT_COMMIT}:{current}",
                   f"It counted as commit in the last {DROP_WINDOW.days} days and is now "
                   f"{CATEGORY_LABELS[current].lower()}.",
                   "Find out what changed before the forecast goes up; put it back in commit only with a reason.")


def _slipping(deal: DealFacts) -> Warning | None:
    moves = [(before, after) for before, after in deal.close_date_moves if before is not None and after is not None]
    later = sum(1 for before, after in moves if after > before)
    close = deal.expected_close_date
    if later < SLIPS or close is None or not moves[-1][1] > moves[-1][0]:
        return None  # a date pulled in last is the good news: the warning clears, none fires
    return Warning(deal.opportunity_id, SLIPPING, f"{SLIPPING}:{close.isoformat()}",
                   f"The close date was moved later {later} times; it is now {close.isoformat()}.",
                   "Ask what really stands between the deal and a signature, and whether it belongs in "
                   "this period's forecast.")


def peak_since(history: Iterable[Point], since: datetime) -> Decimal | None:
    """The highest value held at any moment from ``since`` on: the one in force at
    ``since`` (the last set before it) and every one set after. None: no value set
    after ``since`` — nothing changed recently, so nothing dropped."""
    before, after = None, []
    for point in history:
        if point.at < since:
            before = point.value
        else:
            after.append(point.value)
    if not after:
        return None
    return max(after + ([before] if before is not None else []))


def _probability(deal: DealFacts, now: datetime) -> Warning | None:
    return _drop(deal, now, PROBABILITY, deal.probability_history, Decimal(deal.probability),
                 lambda v: f"{int(v)}%", "Ask the rep what changed, and whether the deal still belongs in the forecast.")


def _amount(deal: DealFacts, now: datetime) -> Warning | None:
    currency = f" {deal.currency}" if deal.currency else ""
    return _drop(deal, now, AMOUNT, deal.amount_history, deal.amount, lambda v: f"{v}{currency}",
                 "Check with the customer what was cut, and update the forecast.")


def _drop(deal: DealFacts, now: datetime, rule: str, history: tuple[Point, ...], current: Decimal,
          shown: Callable[[Decimal], str], advice: str) -> Warning | None:
    """``current`` below the highest value of the window: one cause per (peak, now) pair."""
    peak = peak_since(history, now - DROP_WINDOW)
    if peak is None or current >= peak:
        return None
    what = "probability" if rule == PROBABILITY else "amount"
    key = f"{int(peak)}>{int(current)}" if rule == PROBABILITY else f"{peak}>{current}"
    return Warning(deal.opportunity_id, rule, f"{rule}:{key}",
                   f"The {what} fell from {shown(peak)} to {shown(current)} in the last {DROP_WINDOW.days} days.",
                   advice)
