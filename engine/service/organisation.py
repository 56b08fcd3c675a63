"""What quotas and forecasts read first, in the use case's session: the company's
fiscal calendar (the fiscal year's first month, default January, set by an admin)
and the manager hierarchy built from the teams, with everyone's names — and the
use cases that read and set the fiscal calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.service.unit_of_work import Session

from engine.errors import NotFoundError
from engine.rules import periods, policy, time_zones
from engine.rules.hierarchy import Hierarchy
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.store import hierarchy as hierarchy_store
from engine.store import people, settings
from engine.views.quotas import PeriodView


@dataclass(frozen=True)
class Organisation:
    """The fiscal calendar's first month, the hierarchy, and id -> (username,
    display name, role, active) of every user — deactivated ones too, whose past
    quotas and deals still roll up (engine.store.hierarchy)."""

    start_month: int
    hierarchy: Hierarchy
    people: dict[int, hierarchy_store.Person]
    time_zone: str = time_zones.DEFAULT  # the company's, for which day a moment falls on

    def today(self, now: datetime) -> date:
        return time_zones.local_day(now, self.time_zone)

    def id_of(self, username: object, missing: str | None = None) -> int:
        for uid, person in self.people.items():
            if person.username == username:
                return uid
        raise NotFoundError(missing or f"no user '{username}'")

    def name(self, user_id: int) -> str:
        return self.people[user_id][0] if user_id in self.people else f"#{user_id}"

    def display(self, user_id: int) -> str:
        return self.people[user_id][1] if user_id in self.people else f"#{user_id}"

    def is_active(self, user_id: int) -> bool:
        return user_id in self.people and self.people[user_id].active

    def active_reports(self, user_id: int) -> tuple[int, ...]:
        """The direct reports a new quota split is made among: the active ones."""
        return tuple(uid for uid in self.hierarchy.direct_reports(user_id) if self.is_active(uid))

    def period(self, text: object, today: date, kind: str = "quarter") -> periods.Period:
        """``text`` on this calendar; empty: the ``kind`` period holding ``today``."""
        if text is None or (isinstance(text, str) and not text.strip()):
            return periods.period_of(today, kind, self.start_month)
        return periods.parse(text, self.start_month)

    def period_view(self, period: periods.Period) -> PeriodView:
        return PeriodView(period.name, period.kind, period.start, period.last_day,
                          periods.shift(period, -1, self.start_month).name,
                          periods.shift(period, 1, self.start_month).name)


def fiscal_start(session: Session) -> int:
    stored = settings.get(session, settings.FISCAL_YEAR_START)
    return int(stored) if stored else periods.DEFAULT_START_MONTH


def organisation(session: Session) -> Organisation:
    names = hierarchy_store.people(session)
    hierarchy = Hierarchy.of(hierarchy_store.teams(session), {uid: n[0] for uid, n in names.items()})
    return Organisation(fiscal_start(session), hierarchy, names, company_zone(session))


def company_zone(session: Session) -> str:
    return settings.get(session, settings.TIME_ZONE) or time_zones.DEFAULT


def company_today(session: Session, now: datetime) -> date:
    """Which day it is for the company at ``now``: the one place every feature asks
    "which day is today" for business meaning (forecast, quotas, warnings, digests,
    snapshots, reports), so they agree with each other around midnight."""
    return time_zones.local_day(now, company_zone(session))


def company_day_of(session: Session, moment: datetime) -> date:
    """The company's day a stored UTC moment fell on — e.g. the day a deal opened,
    which a close date may not precede (a Warsaw deal opened at 23:30 UTC on
    31 December opened on 1 January)."""
    return time_zones.local_day(moment, company_zone(session))


def today(ctx: ServiceContext) -> date:
    with unit_of_work.quick_read(ctx) as session:
        return company_today(session, ctx.now())


def time_zone(ctx: ServiceContext) -> str:
    with unit_of_work.quick_read(ctx) as session:
        return company_zone(session)


def set_time_zone(ctx: ServiceContext, name: object, *, actor: str) -> str:
    """Admins set the company's time zone (an IANA name): from then on a won deal
    counts in the period of its close's local day."""
    zone = time_zones.zone_name(name)

    def work(session: Session) -> str:
        user = people.user(session, actor)
        policy.require(visibility.actor_of(session, user).role is policy.Role.ADMIN,
                       "only an admin sets the company's time zone")
        settings.put(session, settings.TIME_ZONE, zone, by=user.id, at=ctx.now())
        return zone

    return unit_of_work.run(ctx, work)


def fiscal_year_start(ctx: ServiceContext) -> int:
    with unit_of_work.quick_read(ctx) as session:
        return fiscal_start(session)


def set_fiscal_year_start(ctx: ServiceContext, month: object, *, actor: str) -> int:
    """Admins set the fiscal year's first month (1-12). Stored quotas keep their days."""
    number = periods.start_month(month)

    def work(session: Session) -> int:
        user = people.user(session, actor)
        policy.require(visibility.actor_of(session, user).role is policy.Role.ADMIN,
                       "only an admin sets the fiscal calendar")
        settings.put(session, settings.FISCAL_YEAR_START, str(number), by=user.id, at=ctx.now())
        return number

    return unit_of_work.run(ctx, work)
