"""Quota use cases (M14): setting a quota from above, a manager splitting their
quota among their direct reports as a draft (only its author sees it) or
committing it (the team sees it; immutable, versioned), and the sheet the split
is made on. Who may do which is engine.rules.policy's; the add-up warning is
engine.rules.quotas'.

Every write locks the quota's person first (engine.store.quotas.lock_subject), so
two managers committing the same split at once get versions n and n+1: nothing
is lost, both stay in the history.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from engine.service.unit_of_work import Session

from engine.errors import FormError, NotFoundError
from engine.rules import inputs, policy
from engine.rules import quotas as rules
from engine.rules.periods import Period
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.organisation import Organisation, organisation
from engine.store import people
from engine.store import quotas as store
from engine.views.quotas import QuotaSheet, QuotaView, ReportRow, SplitLine, SplitView

DEFAULT_CURRENCY = "PLN"


def _actor(session: Session, username: str) -> policy.Actor:
    return visibility.actor_of(session, people.user(session, username))


def _quota(org: Organisation, user_id: int, found: store.InForce | None) -> QuotaView | None:
    if found is None:
        return None
    return QuotaView(org.name(user_id), org.display(user_id), found.amount, found.currency, found.kind,
                     found.version, org.name(found.record_subject_id))


def _currency(value: object, fallback: str) -> str:
    return inputs.currency(value) if value not in (None, "") else fallback


def _split_view(org: Organisation, period: Period, row: store.RecordRow, manager_quota: store.InForce | None) -> \
        SplitView:
    total = sum((amount for _, amount in row.lines), Decimal("0.00"))
    manager = org.name(row.subject_id)
    warning = None
    if row.kind == rules.SPLIT:
        known = rules.Quota(manager_quota.amount, manager_quota.currency) if manager_quota else None
        warning = rules.warning(known, total, row.currency, manager)
    return SplitView(row.kind, manager, org.period_view(period), row.status, row.version, row.currency,
                     tuple(SplitLine(org.name(uid), org.display(uid), amount) for uid, amount in row.lines),
                     total, row.note, org.name(row.created_by_id), row.created_at, warning)


def _begin(ctx: ServiceContext, session: Session, actor: str, subject_name: str, period: object, allowed,
           refusal: str) -> tuple[Organisation, policy.Actor, int, Period]:
    """What every quota write starts with: the organisation, the actor, the person
    whose quota it is, the policy's answer, the period — and then the lock on that
    person's quotas, before anything is read to decide on."""
    org = organisation(session)
    who = _actor(session, actor)
    subject = org.id_of(subject_name)
    policy.require(allowed(who, org.hierarchy, subject), refusal)
    chosen = org.period(period, org.today(ctx.now()))  # the company's day, as the forecast's
    store.lock_subject(session, subject)
    return org, who, subject, chosen


def set_quota(ctx: ServiceContext, username: str, period: object, amount: object, *, actor: str,
              currency: object = None, note: object = "") -> SplitView:
    """Commit ``username``'s quota for the period from above (an admin, or a manager
    above them): version n+1 of their set quota."""
    value = inputs.money(amount)
    text = rules.note(note)

    def work(session: Session) -> SplitView:
        org, who, subject, chosen = _begin(ctx, session, actor, username, period, policy.may_set_quota,
                                           f"only an admin or a manager above {username} sets their quota")
        version = store.next_version(session, rules.SET, subject, chosen)
        store.add(session, kind=rules.SET, subject_id=subject, period=chosen,
                  currency=_currency(currency, DEFAULT_CURRENCY), status=rules.COMMITTED, version=version,
                  note=text, by=who.user_id, at=ctx.now(), lines={subject: value})
        return _split_view(org, chosen, store.committed(session, rules.SET, subject, chosen)[0], None)

    return unit_of_work.run(ctx, work)


def split_quota(ctx: ServiceContext, manager: str, period: object, parts: Mapping[str, object] | None, *,
                actor: str, currency: object = None, commit: bool = False, note: object = "") -> SplitView:
    """Save ``parts`` (username -> amount, direct reports of ``manager``) as the
    actor's draft, or (``commit``) commit them as the next version. ``parts`` None
    with ``commit``: commit the actor's draft as it is."""
    text = rules.note(note)

    def work(session: Session) -> SplitView:
        org, who, subject, chosen = _begin(
            ctx, session, actor, manager, period, policy.may_split_quota,
            f"only {manager}, a manager above them or an admin splits {manager}'s quota")
        reports = org.active_reports(subject)  # a deactivated rep gets no new quota
        if not reports:
            raise FormError({"manager": f"{manager} has no direct reports to split a quota among"})
        manager_quota = store.in_force(session, chosen, [subject]).get(subject)
        draft = store.draft_of(session, rules.SPLIT, subject, chosen, who.user_id)
        if parts is None:
            if draft is None:
                raise FormError({"parts": f"there is no draft of {manager}'s split for {chosen.name} to commit; "
                                          "give the parts"})
            lines, chosen_currency, kept_note = dict(draft.lines), draft.currency, text or draft.note
        else:
            names = tuple(org.name(uid) for uid in reports)
            amounts = rules.parts(parts, names)
            lines = {org.id_of(name): amount for name, amount in amounts.items()}
            fallback = manager_quota.currency if manager_quota else DEFAULT_CURRENCY
            chosen_currency, kept_note = _currency(currency, fallback), text
        if draft is not None:
            store.drop(session, draft.id)
        status = rules.COMMITTED if commit else rules.DRAFT
        version = store.next_version(session, rules.SPLIT, subject, chosen) if commit else None
        record_id = store.add(session, kind=rules.SPLIT, subject_id=subject, period=chosen,
                              currency=chosen_currency, status=status, version=version, note=kept_note,
                              by=who.user_id, at=ctx.now(), lines=lines)
        rows = (store.committed(session, rules.SPLIT, subject, chosen) if commit
                else [store.draft_of(session, rules.SPLIT, subject, chosen, who.user_id)])
        row = next(r for r in rows if r.id == record_id)
        return _split_view(org, chosen, row, manager_quota)

    return unit_of_work.run(ctx, work)


def quota_sheet(ctx: ServiceContext, *, viewer: str, period: object = None, manager: str | None = None) -> \
        QuotaSheet:
    """The split sheet of ``manager``'s quota (default: the viewer's own if they
    have reports, else their manager's committed split): their quota, their direct
    reports with their quotas, the viewer's draft and the committed versions."""
    with unit_of_work.read(ctx) as session:
        org = organisation(session)
        who = _actor(session, viewer)
        policy.require(policy.may_use_quotas(who), "quotas are for reps, managers and admins")
        chosen = org.period(period, org.today(ctx.now()))  # the company's day, as the forecast's
        h = org.hierarchy
        managers = tuple(sorted((org.name(m) for m in h.reports
                                 if policy.may_split_quota(who, h, m)
                                 or policy.may_see_split(who, h, m, committed=True)),
                                key=str.lower))
        if manager:
            subject = org.id_of(manager)
            if not (policy.may_split_quota(who, h, subject) or policy.may_see_split(who, h, subject, committed=True)):
                raise NotFoundError(f"no quota split of '{manager}' to show")
        elif h.is_manager(who.user_id):
            subject = who.user_id
        else:
            above = h.managers_of(who.user_id)
            subject = above[0] if above else None
        forces = store.in_force(session, chosen)
        own = _quota(org, who.user_id, forces.get(who.user_id))
        if subject is None:
            return QuotaSheet(org.period_view(chosen), org.start_month, None, "", None, (), None, (), managers,
                              False, False, own)
        may_split = policy.may_split_quota(who, h, subject)
        draft_row = store.draft_of(session, rules.SPLIT, subject, chosen, who.user_id) if may_split else None
        manager_quota = forces.get(subject)
        history = tuple(_split_view(org, chosen, row, manager_quota)
                        for row in store.committed(session, rules.SPLIT, subject, chosen))
        draft = _split_view(org, chosen, draft_row, manager_quota) if draft_row else None
        drafted = dict(draft_row.lines) if draft_row else {}
        sees_quota = policy.may_see_quota(who, h, subject)
        reports = tuple(ReportRow(org.name(uid), org.display(uid), h.is_manager(uid),
                                  _quota(org, uid, forces.get(uid))
                                  if policy.may_see_quota(who, h, uid) or uid in h.direct_reports(subject)
                                  and history else None,
                                  drafted.get(uid))
                        for uid in org.active_reports(subject))
        return QuotaSheet(org.period_view(chosen), org.start_month, org.name(subject), org.display(subject),
                          _quota(org, subject, manager_quota) if sees_quota or history else None, reports, draft,
                          history, managers, may_split, policy.may_set_quota(who, h, subject), own)
