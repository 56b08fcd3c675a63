"""What the activity and calendar use cases return (M9, M12): frozen, plain values.

An ``ActivityView`` is one call, meeting, e-mail, visit or task with a partner. An
``AgendaItem`` puts the three things a rep has to do at a time side by side: a dated
inbox task of a deal's process, a planned activity, and an activity the Sales
Assistant suggests for a deal's stage. An agenda lists them by day; a week is days ×
people (one row for a rep, one per member for a team).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


# The kinds of activity, with the label a screen shows (engine.rules.activities checks them).
ACTIVITY_KINDS = (("call", "Call"), ("meeting", "Meeting"), ("email", "E-mail"), ("visit", "Visit"),
                  ("task", "Task"))


@dataclass(frozen=True)
class ActivityView:
    id: int
    kind: str  # call, meeting, email, visit, task
    subject: str
    partner_id: int
    partner_name: str
    opportunity_id: int | None
    opportunity_title: str | None
    owner: str  # username of who does it
    owner_name: str  # their display name
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    duration_minutes: int
    status: str  # planned, done, cancelled
    outcome: str
    notes: str
    overdue: bool  # planned and already over
    may_edit: bool  # the viewer may move, record, or cancel it
    sequence: int = 0  # how often it moved (the calendar feed's SEQUENCE)
    done_at: datetime | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_planned(self) -> bool:
        return self.status == "planned"


# The three sources of an agenda item.
TASK = "task"              # a dated inbox task of a deal's process
ACTIVITY = "activity"      # a planned (or done) activity
SUGGESTED = "suggested"    # a Sales Assistant activity suggested for a deal's stage


@dataclass(frozen=True)
class AgendaItem:
    """One thing to do at a time: ``source`` says which kind (TASK, ACTIVITY,
    SUGGESTED); ``ref`` is the inbox task's id or the activity's id as text."""

    source: str
    ref: str
    title: str
    kind: str  # an activity's kind; "task" or "suggested" for inbox rows
    at: datetime  # the task's due date or the activity's start (aware, UTC)
    ends_at: datetime | None  # activities only
    owner: str | None  # username; None for a task waiting in a team queue
    partner_id: int | None
    partner_name: str | None
    opportunity_id: int | None
    opportunity_title: str | None
    status: str  # planned/done/cancelled for activities; ready/completed for tasks
    overdue: bool
    activity: ActivityView | None = None  # for ACTIVITY items
    queue: str | None = None  # the team whose queue holds this task, unclaimed (anyone of it may claim it)

    @property
    def is_activity(self) -> bool:
        return self.source == ACTIVITY

    @property
    def is_queued(self) -> bool:
        return self.queue is not None


@dataclass(frozen=True)
class AgendaDay:
    day: date  # in the viewer's zone
    items: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class AgendaView:
    """A rep's agenda: what is overdue, then each of ``days`` days from today (in
    ``zone``), each day's items in time order."""

    username: str
    display_name: str
    zone: str
    today: date
    overdue: tuple[AgendaItem, ...]
    days: tuple[AgendaDay, ...]

    @property
    def count(self) -> int:
        return len(self.overdue) + sum(len(d.items) for d in self.days)


@dataclass(frozen=True)
class WeekRow:
    """One person's week: ``days[i]`` holds the items of the week's i-th day."""

    username: str
    display_name: str
    days: tuple[tuple[AgendaItem, ...], ...]


@dataclass(frozen=True)
class WeekView:
    """A week (Monday to Sunday in ``zone``) for one rep or a team (one row each).
    A rep's row holds, beside their own items, the unclaimed tasks due that week in
    the queues of their teams (``AgendaItem.queue`` says which); a team's week has
    those of its own queue in ``queue``, a row of their own."""

    start: date  # a Monday
    zone: str
    user: str | None  # the rep asked for, or None for a team
    team: str | None
    rows: tuple[WeekRow, ...]
    today: date
    queue: WeekRow | None = None  # a team's week: the tasks waiting unclaimed in its queue
    # Whose week the viewer may pick instead (engine.rules.activities): (username, display
    # name) of the people who plan activities, by name; the names of the teams.
    people: tuple[tuple[str, str], ...] = ()
    teams: tuple[str, ...] = ()

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range(7))

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next_start(self) -> date:
        return self.start + timedelta(days=7)


@dataclass(frozen=True)
class CalendarFeedView:
    """A user's calendar feed as its owner (or an admin) sees it: the secret
    ``token`` of the active link, None when there is none or it was made before
    tokens were kept (migration 0012)."""

    username: str
    active: bool
    created_at: datetime | None
    token: str | None = None


@dataclass(frozen=True)
class PlanTarget:
    """Something an activity can be planned on: a partner, or one of its open deals."""

    partner_id: int
    partner_name: str
    opportunity_id: int | None
    opportunity_title: str | None

    @property
    def key(self) -> str:
        """The value a form's choice sends: "partner_id" or "partner_id:opportunity_id"."""
        return f"{self.partner_id}" if self.opportunity_id is None else f"{self.partner_id}:{self.opportunity_id}"

    @property
    def label(self) -> str:
        if self.opportunity_title is None:
            return self.partner_name
        return f"{self.partner_name} — {self.opportunity_title}"
