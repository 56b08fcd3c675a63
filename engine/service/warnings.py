"""Early warnings (M18): the sweep, the board, a deal's warnings, acknowledging.

The sweep reads every open deal's facts with a handful of whole-table queries
(store.warnings), asks the pure rules (rules.warnings) what each deserves, and in
one transaction inserts the warnings whose cause is new and clears those whose
cause went away. It changes no deal, so it locks none: the (deal, cause) unique
pair is what keeps two sweeps at once from doubling a warning. A deal that changes
between the sweep's read and its write may get a warning whose cause just went;
the next sweep clears it.

Who sees which warnings is engine.rules.report_scope's, the same scope every report
counts: reps their own deals', managers those of everyone below them in the
hierarchy and of the teams they lead, admins all, designers none.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from decimal import Decimal

from engine.errors import ConflictError, FormError, NotFoundError
from engine.rules import policy
from engine.rules import warnings as rules
from engine.rules.report_scope import Scope, for_warnings
from engine.service import organisation, unit_of_work, visibility
from engine.service.report_scope import scope_for
from engine.service.context import ServiceContext
from engine.store import notifications as notification_store
from engine.store import people
from engine.store import warnings as store
from engine.store.models import Opportunity
from engine.views import UserView
from engine.views.warnings import RepGroup, RuleGroup, SweepReport, WarningBoard, WarningPage, WarningView


def _idle_days(value: object) -> int:
    try:
        days = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FormError({"idle_days": "give a whole number of days"}) from None
    if not 1 <= days <= 3650:
        raise FormError({"idle_days": "give a number of days from 1 to 3650"})
    return days


def find(ctx: ServiceContext, now: datetime, idle_days: int) -> tuple[int, list[store.Found]]:
    """(open deals looked at, the warnings they deserve now)."""
    since = now - rules.DROP_WINDOW
    with unit_of_work.quick_read(ctx) as session:
        deals = store.open_deals(session)
        today = organisation.company_today(session, now)
        last_work = store.last_work(session)
        probabilities = store.value_history(session, store.PROBABILITY_EVENTS, "probability", since)
        amounts = store.value_history(session, store.AMOUNT_EVENTS, "amount", since)
        close_moves = store.close_date_moves(session)
        categories = store.category_changes(session, since)
        skipped = store.criteria_skipped(session)
        stages, ranges = {}, {}
        for version_id in {d.methodology_version_id for d in deals}:
            methodology = ctx.catalog.version(session, version_id)[1]
            stages[version_id] = {s.id: s for s in methodology.stages}
            ranges[version_id] = methodology.forecast
    found = []
    for deal in deals:
        stage = stages[deal.methodology_version_id].get(deal.stage_id) if deal.stage_id else None
        facts = rules.DealFacts(
            opportunity_id=deal.id, stage_name=stage.name if stage else deal.stage_id,
            stage_entered_at=deal.stage_entered_at, max_days_in_stage=stage.max_days_in_stage if stage else None,
            next_action_at=deal.next_action_at, expected_close_date=deal.expected_close_date,
            opened_at=deal.opened_at, last_activity_at=last_work.get(deal.id), probability=deal.probability,
            amount=deal.amount, currency=deal.currency,
            probability_history=tuple(rules.Point(at, v) for at, v in probabilities.get(deal.id, ())),
            amount_history=tuple(rules.Point(at, Decimal(v)) for at, v in amounts.get(deal.id, ())),
            close_date_moves=tuple(close_moves.get(deal.id, ())), ranges=ranges[deal.methodology_version_id],
            category_override=deal.category_override, category_history=tuple(categories.get(deal.id, ())),
            criteria_skipped=skipped.get(deal.id))
        for w in rules.warnings_for(facts, now, idle_days=idle_days, today=today):
            found.append(store.Found(w.opportunity_id, w.rule, w.cause, w.message, w.advice))
    return len(deals), found


def sweep(ctx: ServiceContext, *, idle_days: object = rules.DEFAULT_IDLE_DAYS,
          actor: str | None = None) -> SweepReport:
    """Raise the warnings open deals deserve now, once per cause, and clear those
    whose cause went away. ``actor``: who asks (an admin); None: the worker."""
    days = _idle_days(idle_days)
    if actor is not None:
        with unit_of_work.read(ctx) as session:
            asker = visibility.actor_of(session, people.user(session, actor))
            policy.require(policy.may_sweep_warnings(asker), "only an admin runs the warnings' sweep by hand")
    now = ctx.now()
    deals, found = find(ctx, now, days)

    def write(session) -> SweepReport:
        wanted = {(f.opportunity_id, f.cause) for f in found}
        existing = store.open_causes(session)  # inside the transaction: what other sweeps committed
        new = [f for f in found if (f.opportunity_id, f.cause) not in existing]
        fired = store.fire(session, new, now)
        _tell_owners_overdue(session, [f for f in new if f.rule == rules.NEXT_ACTION], now)
        cleared = store.clear(session, (wid for key, wid in existing.items() if key not in wanted), now)
        return SweepReport(deals=deals, fired=fired, cleared=cleared, open=len(wanted))

    return unit_of_work.run(ctx, write)


def _tell_owners_overdue(session, overdue: list[store.Found], now: datetime) -> None:
    """A notification for each deal's owner whose next action has just become overdue
    (issue 15): once per deal and missed date, however many sweeps find it."""
    notification_store.tell_owners_once(session, "task_overdue", [
        (f.opportunity_id, f"{f.opportunity_id}:{f.cause}", f.message) for f in overdue], now)


# --- reading and acknowledging ----------------------------------------------------------

EVERY_DEAL = Scope(everything=True, user_id=0, managed=True)


def _scope(session, viewer: str | UserView) -> Scope:
    """``viewer``: a username, or the caller as their login gave them with their team
    ids (the inbox's warnings on every inbox page: then neither the user nor their
    teams are read again)."""
    if isinstance(viewer, UserView) and viewer.team_ids is not None:
        actor = policy.Actor(viewer.id, viewer.role, list(viewer.team_ids))
        return for_warnings(actor, visibility.scope_of_actor(session, actor))
    return scope_of_user(session, people.user(session, viewer))


def scope_of_user(session, user) -> Scope:
    """Whose deals' warnings ``user`` (a User row) sees (also the digest's)."""
    return for_warnings(visibility.actor_of(session, user), scope_for(session, user))


def _may_see(session, viewer: str, opportunity: Opportunity) -> bool:
    """The deal's warnings (and acknowledging one): the board's scope, for one deal."""
    return _scope(session, viewer).covers(opportunity.owner_id, opportunity.manager_id, opportunity.team_id)

def _view(row: store.WarningRow, may_acknowledge: bool) -> WarningView:
    return WarningView(id=row.id, opportunity_id=row.opportunity_id, deal_title=row.deal_title,
                       partner_name=row.partner_name, owner=row.owner, owner_name=row.owner_name, rule=row.rule,
                       rule_label=rules.label(row.rule), message=row.message, advice=row.advice,
                       fired_at=row.fired_at, acknowledged_at=row.acknowledged_at,
                       acknowledged_by=row.acknowledged_by, cleared_at=row.cleared_at,
                       may_acknowledge=may_acknowledge and row.acknowledged_at is None and row.cleared_at is None)


MAX_PER_PAGE = 1000  # the API's page at most
BOARD_PER_PAGE = 500  # the dashboard's page


MAX_PAGE = 100_000  # a page beyond it is a mistake, not an offset the database overflows on


def paging(page: object, per_page: object, default: int) -> tuple[int, int]:
    """(page, per_page) from what was asked: whole numbers, page from 1 to MAX_PAGE,
    per_page from 1 to MAX_PER_PAGE; FormError per field otherwise."""
    problems, values = {}, {}
    for name, value, fallback, top in (("page", page, 1, MAX_PAGE), ("per_page", per_page, default, MAX_PER_PAGE)):
        if value is None or value == "":
            values[name] = fallback
            continue
        try:
            number = int(str(value).strip()) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or number < 1 or (top is not None and number > top):
            problems[name] = "a whole number from 1" + (f" to {top}" if top else "")
        else:
            values[name] = number
    if problems:
        raise FormError(problems)
    return values["page"], values["per_page"]


def list_warnings(ctx: ServiceContext, *, viewer: str | UserView, include_cleared: bool = False,
                  include_acknowledged: bool = True, limit: int = MAX_PER_PAGE) -> list[WarningView]:
    """The viewer's newest warnings (at most ``limit``): the board's scope
    (engine.rules.report_scope). ``warnings_page`` pages through all of them."""
    with unit_of_work.quick_read(ctx) as session:
        rows = store.visible(session, _scope(session, viewer), include_cleared=include_cleared,
                             include_acknowledged=include_acknowledged, limit=limit)
    return [_view(row, True) for row in rows]


def warnings_page(ctx: ServiceContext, *, viewer: str | UserView, include_cleared: bool = False,
                  include_acknowledged: bool = True, page: object = 1, per_page: object = None) -> WarningPage:
    """One page of the viewer's warnings, newest first, with their total: one
    statement (the inbox shows the newest few on every page view, and how many more)."""
    number, size = paging(page, per_page, MAX_PER_PAGE)
    with unit_of_work.quick_read(ctx) as session:
        scope = _scope(session, viewer)
        rows, total = store.visible_page(session, scope, include_cleared=include_cleared,
                                         include_acknowledged=include_acknowledged, limit=size,
                                         offset=(number - 1) * size)
        if total is None:  # an empty page: none at all on the first, else past the end
            total = 0 if number == 1 else store.count_visible(session, scope, include_cleared=include_cleared,
                                                              include_acknowledged=include_acknowledged)[0]
    return WarningPage(tuple(_view(row, True) for row in rows), number, size, total)


def board(ctx: ServiceContext, *, viewer: str, page: object = 1, per_page: object = None) -> WarningBoard:
    """The dashboard: open warnings grouped by rep, then rule (RULES order), newest
    first; a page of ``per_page`` (default BOARD_PER_PAGE) warnings in rep order,
    the counts of all."""
    number, size = paging(page, per_page, BOARD_PER_PAGE)
    with unit_of_work.quick_read(ctx) as session:
        scope = _scope(session, viewer)
        total, unacknowledged = store.count_visible(session, scope)
        rows = store.visible(session, scope, limit=size, offset=(number - 1) * size, by_owner=True)
    per_rep: OrderedDict[str, list[WarningView]] = OrderedDict()
    for row in rows:  # in the owner's order already
        per_rep.setdefault(row.owner, []).append(_view(row, True))
    reps = []
    for owner, views in per_rep.items():
        groups = []
        for rule in rules.RULES + tuple(sorted({v.rule for v in views} - set(rules.RULES))):
            mine = sorted((v for v in views if v.rule == rule), key=lambda v: (v.fired_at, v.id), reverse=True)
            if mine:
                groups.append(RuleGroup(rule, rules.label(rule), tuple(mine)))
        reps.append(RepGroup(owner, views[0].owner_name, len(views), tuple(groups)))
    return WarningBoard(total=total, unacknowledged=unacknowledged, reps=tuple(reps), everything=scope.everything,
                        page=number, per_page=size, pages=max(1, -(-total // size)))


def for_deal(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> list[WarningView]:
    """The deal's open warnings, if the viewer may see them (else none: the deal page
    shows warnings only to those who act on them)."""
    with unit_of_work.quick_read(ctx) as session:
        _, opportunity = visibility.visible_opportunity(session, viewer, opportunity_id)
        if not _may_see(session, viewer, opportunity):
            return []
        rows = store.visible(session, EVERY_DEAL, opportunity_id=opportunity_id)
    return [_view(row, True) for row in rows]


def acknowledge(ctx: ServiceContext, warning_id: int, *, actor: str) -> WarningView:
    """Mark the warning seen and in hand: its deal's owner, manager or team manager,
    or an admin. A warning someone acknowledged already, or that cleared, is a conflict."""
    missing = f"no warning {warning_id}"
    now = ctx.now()

    def work(session) -> None:
        visibility.known_id(warning_id, missing)
        actor_row = people.user(session, actor)
        warning = store.lock_warning(session, warning_id)
        if warning is None:
            raise NotFoundError(missing)
        opportunity = session.get(Opportunity, warning.opportunity_id)
        if not _may_see(session, actor, opportunity):
            raise NotFoundError(missing)
        if warning.cleared_at is not None:
            raise ConflictError(f"this warning cleared on {warning.cleared_at:%Y-%m-%d}: its cause went away")
        if warning.acknowledged_at is not None:
            raise ConflictError("this warning was acknowledged already")
        warning.acknowledged_at = now
        warning.acknowledged_by_id = actor_row.id

    unit_of_work.run(ctx, work)
    with unit_of_work.quick_read(ctx) as session:
        row, = store.visible(session, EVERY_DEAL, include_cleared=True,
                             warning_id=warning_id)
    return _view(row, True)
