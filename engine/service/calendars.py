"""Use cases of calendars (M9): a rep's agenda, the week of a rep or a team, and the
iCalendar feed a calendar client subscribes to without a login.

The agenda and the week put side by side what a rep has to do at a time: READY inbox
tasks with a due date (the process's steps, and the activities the Sales Assistant
suggests for a stage) and the activities planned with partners. Days are the
viewer's local days (``zone``, an IANA name; UTC without one).

The feed's URL holds a secret token, found by its SHA-256 (CalendarFeed) and kept so
that its owner can see and copy the link again (a second device subscribes to the same
link; making a new one would break the first). Making a new one revokes the old; a
revoked or unknown token is NotFoundError (404), saying nothing more.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from engine.errors import ConflictError, FormError, NotFoundError
from engine.rules import activities as rules
from engine.rules import calendar_feed as ical
from engine.rules import policy
from engine.service import unit_of_work
from engine.service.activities import Who, view_of
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import activities as store
from engine.store import people
from engine.store.models import Team, User
from engine.store.partner_models import CalendarFeed
from engine.views.activities import (ACTIVITY, SUGGESTED, TASK, AgendaDay, AgendaItem, AgendaView,
                                     CalendarFeedView, WeekRow, WeekView)

OVERDUE_LOOKBACK = timedelta(days=90)  # overdue activities older than this have been forgotten
FEED_PAST = timedelta(days=60)         # how far back the feed carries activities


# --- agenda and week -------------------------------------------------------------------

def agenda(ctx: ServiceContext, username: str, *, viewer: str, days: object = 7,
           zone: str | None = None) -> AgendaView:
    """What ``username`` has to do: overdue items, then today and the next days."""
    count = rules.agenda_days(days)
    tz = rules.zone_of(zone)
    now = ctx.now()
    today = rules.local_day(now, tz)
    start, end = rules.span(today, count, tz)
    with unit_of_work.quick_read(ctx) as session:
        who = Who.of(session, viewer)
        user = _person_seen_by(session, who, username)
        team_ids = people.team_ids_of(session, user.id)
        acts = store.of_owners(session, [user.id], start, end)
        late = [r for r in store.overdue_of(session, [user.id], now, now - OVERDUE_LOOKBACK)
                if rules.is_overdue("planned", rules.ends_at(r.activity.starts_at, r.activity.duration_minutes), now)]
        tasks = store.dated_tasks(session, [user.id], team_ids=team_ids, end=end)
        queues = _team_names(session, team_ids)
        items = ([_activity_item(session, who, r, now) for r in acts]
                 + [_task_item(t, now, queues) for t in tasks if t.task.due_at >= start])
        overdue = ([_activity_item(session, who, r, now) for r in late if r.activity.starts_at < start]
                   + [_task_item(t, now, queues) for t in tasks if t.task.due_at < start])
        by_day = _by_day(items, tz)
        return AgendaView(
            username=user.username, display_name=user.display_name, zone=_zone_name(tz), today=today,
            overdue=tuple(sorted(overdue, key=_order)),
            days=tuple(AgendaDay(today + timedelta(days=i), tuple(by_day.get(today + timedelta(days=i), ())))
                       for i in range(count)))


def week(ctx: ServiceContext, username: str | None = None, *, team: str | None = None, viewer: str,
         start: object = None, zone: str | None = None) -> WeekView:
    """The week (Monday to Sunday, in ``zone``) holding ``start`` (default: today) of
    one rep, or of each member of ``team`` (its manager or an admin)."""
    tz = rules.zone_of(zone)
    now = ctx.now()
    today = rules.local_day(now, tz)
    monday = rules.week_start(rules.day(start) if start not in (None, "") else today)
    first, last = rules.span(monday, 7, tz)
    if (username is None) == (team is None):
        raise FormError({"user": "name a user or a team"})
    with unit_of_work.quick_read(ctx) as session:
        who = Who.of(session, viewer)
        if team is not None:
            team_row = people.find_team(session, team)
            if team_row is None or not rules.may_see_team_calendar(who.actor, who.managed, team_row.id):
                raise NotFoundError(f"no team '{team}'")
            members = store.team_members(session, team_row.id)
        else:
            members = [_person_seen_by(session, who, username)]
        ids = [m.id for m in members]
        # Unclaimed tasks count for whoever may claim them: a rep's week shows those of
        # their teams' queues; a team's week shows its own queue as a row of its own.
        queue_teams = [team_row.id] if team is not None else people.team_ids_of(session, members[0].id)
        queues = _team_names(session, queue_teams)
        items = ([_activity_item(session, who, r, now) for r in store.of_owners(session, ids, first, last)]
                 + [_task_item(t, now, queues) for t in store.dated_tasks(session, ids, team_ids=queue_teams,
                                                                          start=first, end=last)])

        def row(username_: str, display_name: str, mine) -> WeekRow:
            by_day = _by_day([i for i in items if mine(i)], tz)
            return WeekRow(username_, display_name,
                           tuple(tuple(by_day.get(monday + timedelta(days=i), ())) for i in range(7)))

        if team is None:
            rows = [row(members[0].username, members[0].display_name,
                        lambda i: i.owner == members[0].username or i.is_queued)]
            queue = None
        else:
            rows = [row(m.username, m.display_name, lambda i, m=m: i.owner == m.username) for m in members]
            queue = row("", f"Queue of {team}", lambda i: i.is_queued)
        people_choices, team_choices = _week_choices(session, who)
        return WeekView(start=monday, zone=_zone_name(tz), user=username if team is None else None, team=team,
                        rows=tuple(rows), today=today, queue=queue, people=people_choices, teams=team_choices)


def _week_choices(session: Session, who: Who) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Whose week ``who`` may open: the people who plan activities whose calendar the
    rules let them see (by display name), and the teams whose week they may see."""
    users, teams = store.people_and_teams(session)
    seen = tuple((u.username, u.display_name or u.username) for u, team_ids in users
                 if policy.plans_activities(u.role)
                 and rules.may_see_calendar_of(who.actor, who.managed, rules.Person(u.id, team_ids)))
    return (tuple(sorted(seen, key=lambda pair: pair[1].casefold())),
            tuple(name for team_id, name in teams if rules.may_see_team_calendar(who.actor, who.managed, team_id)))


def _team_names(session: Session, team_ids: list[int]) -> dict[int, str]:
    return {team_id: session.get(Team, team_id).name for team_id in team_ids}


def _person_seen_by(session: Session, who: Who, username: str) -> User:
    """The user whose calendar is asked for, if the viewer may see it (else 404)."""
    user = people.find_user(session, username, active_only=True) if isinstance(username, str) else None
    if user is None or not rules.may_see_calendar_of(who.actor, who.managed, who.person(session, user)):
        raise NotFoundError(f"no user '{username}'")
    return user


def _activity_item(session: Session, who: Who, r: store.ActivityRow, now: datetime) -> AgendaItem:
    view = view_of(r, now, who.may_edit(session, r.activity))
    return AgendaItem(source=ACTIVITY, ref=str(view.id), title=view.subject, kind=view.kind, at=view.starts_at,
                      ends_at=view.ends_at, owner=view.owner, partner_id=view.partner_id,
                      partner_name=view.partner_name, opportunity_id=view.opportunity_id,
                      opportunity_title=view.opportunity_title, status=view.status, overdue=view.overdue,
                      activity=view)


def _task_item(t: store.TaskRow, now: datetime, queues: dict[int, str] | None = None) -> AgendaItem:
    """``queues``: the names of the teams whose unclaimed tasks are asked for, by id."""
    suggested = t.task.kind == "activity"
    queue = (queues or {}).get(t.task.candidate_team_id) if t.task.assignee_id is None else None
    return AgendaItem(source=SUGGESTED if suggested else TASK, ref=t.task.id, title=t.task.name,
                      kind="suggested" if suggested else "task", at=t.task.due_at, ends_at=None, owner=t.assignee,
                      partner_id=t.partner_id, partner_name=t.partner_name, opportunity_id=t.task.opportunity_id,
                      opportunity_title=t.opportunity_title, status=t.task.status, overdue=t.task.due_at < now,
                      queue=queue)


def _order(item: AgendaItem):
    return (item.at, item.source, item.ref)


def _by_day(items: list[AgendaItem], tz) -> dict[date, list[AgendaItem]]:
    days: dict[date, list[AgendaItem]] = {}
    for item in sorted(items, key=_order):
        days.setdefault(rules.local_day(item.at, tz), []).append(item)
    return days


def _zone_name(tz) -> str:
    return getattr(tz, "key", None) or "UTC"


# --- the feed --------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def calendar_feed_url_token(ctx: ServiceContext, username: str, *, actor: str, rotate: bool = False) -> str:
    """The secret token of ``username``'s feed (the user or an admin): the current
    one, or a new one when there is none or with ``rotate`` (the old link then stops
    working). A link made before tokens were kept cannot be shown again:
    ConflictError, saying to make a new one."""
    now = ctx.now()
    token = secrets.token_urlsafe(32)

    def work(session: Session) -> str:
        user = _feed_owner(session, username, actor)
        current = store.active_feeds(session, user.id)
        if current and not rotate:
            known = [feed.token for feed in current if feed.token]
            if known:
                return known[0]
            raise ConflictError(f"'{username}' has a calendar link made before links were kept, so it cannot be "
                                "shown again; ask for a new one to replace it ('dealflow calendar url --rotate', "
                                "or 'New link' on the agenda); the old one then stops working")
        for feed in current:
            feed.revoked_at = now
        session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token), token=token, created_at=now))
        return token

    return unit_of_work.run(ctx, work)


def revoke_calendar_feed(ctx: ServiceContext, username: str, *, actor: str) -> int:
    """Stop every link to the user's feed; how many there were."""
    now = ctx.now()

    def work(session: Session) -> int:
        feeds = store.active_feeds(session, _feed_owner(session, username, actor).id)
        for feed in feeds:
            feed.revoked_at = now
        return len(feeds)

    return unit_of_work.run(ctx, work)


def calendar_feed_status(ctx: ServiceContext, username: str, *, viewer: str) -> CalendarFeedView:
    with unit_of_work.quick_read(ctx) as session:
        user = _feed_owner(session, username, viewer)
        feeds = sorted(store.active_feeds(session, user.id), key=lambda f: f.created_at)
        return CalendarFeedView(username=user.username, active=bool(feeds),
                                created_at=feeds[-1].created_at if feeds else None,
                                token=feeds[-1].token if feeds else None)


def calendar_feed(ctx: ServiceContext, token: object, *, base_url: str = "") -> bytes:
    """The feed (RFC 5545 text) of the token's user; NotFoundError for a token that
    is unknown or revoked."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFoundError("no such calendar")
    now = ctx.now()
    with unit_of_work.quick_read(ctx) as session:
        feed = store.feed_by_hash(session, _hash(token))
        user = session.get(User, feed.user_id) if feed else None
        if user is None or not user.active:
            raise NotFoundError("no such calendar")
        acts = [view_of(r, now, False) for r in store.for_feed(session, user.id, now - FEED_PAST)]
        tasks = [_task_item(t, now) for t in store.dated_tasks(session, [user.id], start=now - FEED_PAST)]
        return ical.ics(user.display_name, acts, tasks, now=now, base_url=base_url)


def _feed_owner(session: Session, username: str, actor: str) -> User:
    who = Who.of(session, actor)
    user = people.find_user(session, username, active_only=True) if isinstance(username, str) else None
    if user is None:
        raise NotFoundError(f"no user '{username}'")
    policy.require(user.id == who.user.id or who.actor.role is policy.Role.ADMIN,
                   f"only '{username}' or an admin may manage their calendar link")
    return user
