"""Forecast use cases (M15): the forecast of a period for a person and everyone
below them, rolled up the hierarchy, per currency (engine.rules.forecast); a
manager adjusting a direct report's figure with a note (the computed figure stays
beside it); submitting a forecast, which stores an immutable snapshot.

Reps see their own forecast, managers their hierarchy's, admins everyone's
(engine.rules.policy); a forecast one may not see is a NotFoundError.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from engine.errors import FormError, NotFoundError
from engine.rules import forecast as rules
from engine.rules import inputs, policy, report_tables
from engine.rules.forecast_categories import category_of
from engine.rules.hierarchy import rollup
from engine.rules.periods import Period
from engine.rules.time_zones import local_day
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.organisation import Organisation, organisation
from engine.service.unit_of_work import Session
from engine.store import forecast as store
from engine.store import people
from engine.store import quotas as quota_store
from engine.views.forecast import (Adjustment, Amounts, CurrencyLine, ForecastView, PersonForecast,
                                   Submission)
from engine.views.forecast_json import forecast_json
from engine.views.forecast_table import forecast_vs_quota
from engine.views.pipeline_analysis import ReportFile

MAX_NOTE = 2000


def _actor(session: Session, username: str) -> policy.Actor:
    return visibility.actor_of(session, people.user(session, username))


def _subject(org: Organisation, who: policy.Actor, username: str | None) -> int:
    if not username:
        return who.user_id
    subject = org.id_of(username, f"no forecast of '{username}' to show")
    if not policy.may_see_forecast(who, org.hierarchy, subject):
        raise NotFoundError(f"no forecast of '{username}' to show")
    return subject


def forecast(ctx: ServiceContext, *, viewer: str, period: object = None, user: str | None = None) -> ForecastView:
    """``user``'s forecast (default: the viewer's) for the period (default: this quarter)."""
    with unit_of_work.read(ctx) as session:
        org = organisation(session)
        who = _actor(session, viewer)
        policy.require(policy.may_use_quotas(who), "forecasts are for reps, managers and admins")
        subject = _subject(org, who, user)
        return _build(ctx, session, org, who, subject, org.period(period, org.today(ctx.now())))


def forecast_file(ctx: ServiceContext, *, viewer: str, period: object = None, user: str | None = None,
                  fmt: object = "csv") -> ReportFile:
    """The forecast against quota (engine.views.forecast_table) as CSV or XLSX."""
    if fmt not in report_tables.FORMATS:
        raise FormError({"format": f"use one of {', '.join(report_tables.FORMATS)}"})
    view = forecast(ctx, viewer=viewer, period=period, user=user)
    base = f"forecast-{view.username}-{view.period.name}"
    return report_tables.table_file((forecast_vs_quota(view),), str(fmt), base)


def _amounts(f: rules.Figures) -> Amounts:
    r = f.rounded()
    return Amounts(r.closed_won, r.commit, r.best_case, r.pipeline, r.weighted, r.deals)


def _lines(raw: rules.ByCurrency, adjusted: rules.ByCurrency, adjustments: dict[str, list[Adjustment]],
           quota: quota_store.InForce | None) -> tuple[CurrencyLine, ...]:
    currencies = sorted(set(raw) | ({quota.currency} if quota else set()))
    lines = []
    for currency in currencies:
        figures = raw.get(currency, rules.Figures())
        amount = quota.amount if quota and quota.currency == currency else None
        lines.append(CurrencyLine(currency, _amounts(figures), _amounts(adjusted.get(currency, figures)),
                                  tuple(adjustments.get(currency, ())), amount,
                                  rules.progress(figures.closed_won, amount)))
    return tuple(lines)


def _build(ctx: ServiceContext, session: Session, org: Organisation, who: policy.Actor, subject: int,
           period: Period) -> ForecastView:
    h = org.hierarchy
    members = [subject, *h.members_under(subject)]
    ranges: dict[int, object] = {}
    facts = []
    for row in store.deals(session, members, period, org.time_zone):
        if row.methodology_version_id not in ranges:
            ranges[row.methodology_version_id] = ctx.catalog.version(session, row.methodology_version_id)[1].forecast
        facts.append(rules.DealFacts(
            row.owner_id, row.currency, row.amount, row.probability, row.status,
            local_day(row.closed_at, org.time_zone) if row.closed_at else None, row.expected_close_date,
            category_of(row.probability, row.override, ranges[row.methodology_version_id])
            if row.status == "open" else None))
    own = rules.own_figures(facts, period)
    in_force: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    shown: dict[int, dict[str, list[Adjustment]]] = defaultdict(lambda: defaultdict(list))
    for a in store.adjustments(session, members, period):
        in_force[a.subject_id][a.currency][a.category] = a.amount
        shown[a.subject_id][a.currency].append(Adjustment(a.category, a.amount, a.note, a.by, a.at))
    adjusted = {uid: {c: f.adjusted(in_force[uid].get(c, {})) for c, f in own.get(uid, {}).items()}
                for uid in members}
    for uid, by_currency in in_force.items():  # an adjustment where the deals give nothing (yet)
        for currency, categories in by_currency.items():
            adjusted[uid].setdefault(currency, rules.Figures().adjusted(categories))
    quotas = quota_store.in_force(session, period, members)

    def rolled(values: dict[int, rules.ByCurrency], uid: int) -> rules.ByCurrency:
        return rollup(h, uid, values, rules.add_currencies, {})

    def counts(uid: int) -> bool:
        """Active, or deactivated with something in the period (quota, deals,
        adjustments) themselves or below them: a rep who left stays in the
        rollup of the periods they worked, marked inactive."""
        return org.is_active(uid) or any(own.get(p) or in_force.get(p) or p in quotas
                                         for p in (uid, *h.members_under(uid)))

    people_rows = []
    for uid, depth, above in _tree(h, subject, keep=lambda uid: uid == subject or counts(uid)):
        mine = own.get(uid, {})
        under = bool(h.direct_reports(uid))
        people_rows.append(PersonForecast(
            org.name(uid), org.display(uid), depth, org.name(above) if above is not None else None, under,
            _lines(mine, adjusted[uid], shown[uid], quotas.get(uid)),
            _lines(rolled(own, uid), rolled(adjusted, uid), {}, quotas.get(uid)) if under
            else _lines(mine, adjusted[uid], shown[uid], quotas.get(uid)),
            policy.may_adjust_forecast(who, h, uid), org.is_active(uid)))
    choices = sorted({org.name(uid) for uid in org.people  # everyone active in the hierarchy the viewer may see
                      if org.is_active(uid) and policy.may_see_forecast(who, h, uid) and (h.is_manager(uid) or h.managers_of(uid))},
                     key=str.lower)
    return ForecastView(org.period_view(period), org.name(subject), tuple(people_rows), people_rows[0].rollup,
                        tuple(Submission(i, at, figures) for i, at, figures in store.submissions(session, subject,
                                                                                                 period)),
                        policy.may_submit_forecast(who, subject), tuple(choices))


def _tree(h, root: int, keep):
    """(person, depth, their manager in this tree) depth first, each person once;
    a person ``keep`` refuses is left out with everyone below them."""
    seen, stack = set(), [(root, 0, None)]
    while stack:
        uid, depth, above = stack.pop()
        if uid in seen or not keep(uid):
            continue
        seen.add(uid)
        yield uid, depth, above
        stack.extend((r, depth + 1, uid) for r in reversed(h.direct_reports(uid)))


def adjust_forecast(ctx: ServiceContext, *, actor: str, user: str, period: object, category: object,
                    amount: object, note: object, currency: object = "PLN") -> ForecastView:
    """A manager's figure for a direct report's ``category`` (commit, best_case,
    pipeline) in one currency, with why; answers the manager's own forecast."""
    problems: dict[str, str] = {}
    if category not in rules.ADJUSTABLE:
        problems["category"] = "choose one of " + ", ".join(rules.ADJUSTABLE)
    for check in (lambda: inputs.money(amount, "amount"), lambda: inputs.currency(currency),
                  lambda: inputs.text(note, "note", limit=MAX_NOTE)):
        try:
            check()
        except FormError as err:
            problems.update(err.fields)
    if problems:
        raise FormError(problems)

    def work(session: Session) -> None:
        org = organisation(session)
        who = _actor(session, actor)
        subject = _subject(org, who, user)
        policy.require(policy.may_adjust_forecast(who, org.hierarchy, subject),
                       f"only {user}'s manager adjusts their forecast, and only of a person without "
                       "reports (a team's figures are adjusted through its members')")
        store.add_adjustment(session, subject_id=subject, period=org.period(period, org.today(ctx.now())),
                             currency=currency, category=category, amount=inputs.money(amount, "amount"),
                             note=inputs.text(note, "note", limit=MAX_NOTE), by=who.user_id, at=ctx.now())

    unit_of_work.run(ctx, work)
    return forecast(ctx, viewer=actor, period=period)


def submit_forecast(ctx: ServiceContext, *, actor: str, period: object = None) -> Submission:
    """Store the actor's forecast of the period as it is now: who, when, the figures."""
    def work(session: Session) -> Submission:
        org = organisation(session)
        who = _actor(session, actor)
        policy.require(policy.may_submit_forecast(who, who.user_id), "only reps and managers submit forecasts")
        chosen = org.period(period, org.today(ctx.now()))
        figures = forecast_json(_build(ctx, session, org, who, who.user_id, chosen), submissions=False)
        at = ctx.now()
        return Submission(store.add_submission(session, user_id=who.user_id, period=chosen, at=at,
                                               figures=figures), at, figures)

    return unit_of_work.run(ctx, work)
