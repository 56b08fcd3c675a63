"""Losing a deal and why (M13): closing it as lost by hand — a customer walks away
whatever the process says, as any CRM allows — always with a reason from the
methodology's list; noting the reason a process gave when it lost the deal, and
asking the owner for it (an inbox to-do) when the process gave none or not enough;
and recording the reason, which completes that to-do."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from engine.errors import ConflictError, FormError
from engine.methodology.model import Methodology
from engine.rules import inputs, lost_reasons, policy
from engine.service import opportunities, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.progress import change_stage
from engine.service.unit_of_work import Session
from engine.store import opportunities as opportunity_store
from engine.store import lost_asks, people
from engine.store.events import record_event
from engine.store.inbox import Assigner
from engine.store.models import InboxTask, Opportunity, User
from engine.store.opportunities import withdraw_open_tasks
from engine.views import OpportunityView
from engine.views.lost_analysis import LossPreview

MAX_REASON = inputs.MAX_REASON


def close_as_lost(ctx: ServiceContext, opportunity_id: int, *, actor: str, reason_code: str | None = None,
                  reason: str = "", stage: str | None = None) -> OpportunityView:
    """Close an open deal as lost: its open tasks and suggestions are withdrawn,
    its timers stop, and it enters the methodology's lost stage (``stage``, or the
    first lost stage of the table) with ``reason_code`` (one of the methodology's
    lost reasons) and the free text ``reason`` beside it recorded; free text
    without a code counts as 'other' (engine.rules.lost_reasons). Never refused for
    exit criteria. The owner, the deal's manager or an admin may do it."""
    inputs.text(reason, "reason", limit=MAX_REASON, required=False)  # checked before the deal is read
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row, opportunity = visibility.visible_opportunity(session, actor, opportunity_id, lock=True)
        methodology, decided, chosen = _checked_loss(ctx, session, actor_row, opportunity, actor,
                                                     reason_code, reason, stage)
        withdrawn = withdraw_open_tasks(session, opportunity)
        opportunity.next_timer_at = None  # the process stops here: nothing fires any more
        opportunity.next_action_at = None
        opportunity.lost_reason_code = decided.code
        opportunity.lost_reason = decided.note
        opportunity.failed_step = None
        opportunity.error_message = opportunity.error_node = opportunity.error_note = None
        record_event(session, opportunity, "closed_by_hand", actor_row.id, now, stage=chosen.id,
                     reason_code=decided.code, reason=decided.note, withdrawn=withdrawn)
        change_stage(session, opportunity, methodology, chosen.id, actor_row.id, now, Assigner(session, {}))

    unit_of_work.run(ctx, work)
    return opportunities.show_opportunity(ctx, opportunity_id)


def preview_loss(ctx: ServiceContext, opportunity_id: int, *, actor: str, reason_code: str | None = None,
                 reason: str = "", stage: str | None = None) -> LossPreview:
    """What ``close_as_lost`` would do with these arguments, checked the same way,
    changing nothing: the confirmation step of the web form (closing is final)."""
    inputs.text(reason, "reason", limit=MAX_REASON, required=False)
    with unit_of_work.read(ctx) as session:
        actor_row, opportunity = visibility.visible_opportunity(session, actor, opportunity_id)
        _, decided, chosen = _checked_loss(ctx, session, actor_row, opportunity, actor, reason_code, reason, stage)
        _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        label = methodology.lost_reason(decided.code).label
        return LossPreview(opportunity.id, opportunity.title, decided.code, label, decided.note,
                           chosen.id, chosen.name)


def _checked_loss(ctx: ServiceContext, session: Session, actor_row, opportunity: Opportunity, actor: str,
                  reason_code, reason, stage):
    """The checks of closing a deal as lost: who, its status, the reason, the stage."""
    _require_may_close(session, actor_row, opportunity, actor, "close")
    if opportunity.status != "open":
        raise ConflictError(f"opportunity {opportunity.id} is already {opportunity.status}")
    _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    decided = lost_reasons.decide(methodology.lost_reasons, reason_code, reason)
    lost = [s for s in methodology.stages if s.outcome == "lost"]
    chosen = next((s for s in lost if s.id == stage), None) if stage else lost[0]
    if chosen is None:
        raise FormError({"stage": "not a lost stage of this methodology; choose one of "
                                  + ", ".join(s.id for s in lost)})
    return methodology, decided, chosen


def record_lost_reason(ctx: ServiceContext, opportunity_id: int, *, actor: str, reason_code: str | None,
                       reason: str = "") -> OpportunityView:
    """Say why a lost deal was lost: for a deal the process lost without a reason
    (this completes the owner's "Record why … was lost" to-do), or to correct one
    (the event keeps what it was). Whoever may close the deal may record it; a
    reason that needs a note needs it here too."""
    inputs.text(reason, "reason", limit=MAX_REASON, required=False)
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row = people.user(session, actor)
        missing = f"no opportunity {opportunity_id}"
        visibility.known_id(opportunity_id, missing)
        opportunity = opportunity_store.lock_opportunity(session, opportunity_id, with_state=False,
                                                         missing=missing)
        visibility.check_sees(session, actor_row, opportunity, missing)
        record_reason(ctx, session, actor_row, opportunity, actor, reason_code, reason, now)

    unit_of_work.run(ctx, work)
    return opportunities.show_opportunity(ctx, opportunity_id)


def answer_ask(ctx: ServiceContext, session: Session, task: InboxTask, opportunity: Opportunity, actor_row: User,
               data: Mapping[str, object], now: datetime) -> None:
    """Complete the to-do ``task`` (kind WHY_LOST) of the locked deal with its form's
    ``reason_code`` and ``reason``: the same as ``record_lost_reason``, from the inbox."""
    if task.status != "ready":
        raise ConflictError(f"task '{task.id}' is no longer ready (it is {task.status})")
    policy.require(visibility.may_work(session, actor_row, task, opportunity),
                   f"user '{actor_row.username}' may not complete task '{task.id}'")
    # Whoever the deal's manager gave the to-do to (reassign_task) may answer it too.
    record_reason(ctx, session, actor_row, opportunity, actor_row.username, data.get("reason_code"),
                  data.get("reason", ""), now, delegated=task.assignee_id == actor_row.id)


def record_reason(ctx: ServiceContext, session: Session, actor_row: User, opportunity: Opportunity, actor: str,
                  reason_code: object, reason: object, now: datetime, *, delegated: bool = False) -> None:
    """Record the reason of the locked, lost ``opportunity`` and close its open asks.
    Whoever may close the deal may; ``delegated``: the actor holds its to-do."""
    if not delegated:
        _require_may_close(session, actor_row, opportunity, actor, "record why")
    if opportunity.status != "lost":
        raise ConflictError(f"opportunity {opportunity.id} is {opportunity.status}, not lost")
    _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
    decided = lost_reasons.decide(methodology.lost_reasons, reason_code, reason)
    asks = lost_asks.close_asks(session, opportunity.id, actor_row.id, now)
    record_event(session, opportunity, "lost_reason_recorded", actor_row.id, now,
                 reason_code=decided.code, reason=decided.note,
                 was_code=opportunity.lost_reason_code, was=opportunity.lost_reason,
                 **({"tasks": asks} if asks else {}))
    opportunity.lost_reason_code = decided.code
    opportunity.lost_reason = decided.note


def note_process_loss(session: Session, opportunity: Opportunity, methodology: Methodology,
                      form: Mapping[str, object], actor_id: int | None, now: datetime) -> None:
    """The process has just lost the deal: the completed form's lost_reason(_code)
    field gives the reason if it names one of the list, else the lost stage's own
    ``lost_reason`` if the stage table gives one, and a free-text
    lost_reason the note beside it. A deal left without a reason — or with one
    that needs a note and none — is owed it: its owner gets the to-do "Record why
    … was lost" (engine.store.lost_asks), which ``record_reason`` completes. Runs in
    the caller's transaction."""
    code = lost_reasons.from_form(methodology.lost_reasons, form)
    note = lost_reasons.note_from_form(methodology.lost_reasons, form)
    if code is None:  # no form said why: the lost stage may know (a "not qualified" end)
        code = next((s.lost_reason for s in methodology.stages if s.id == opportunity.stage_id), None)
    if code is not None:
        opportunity.lost_reason_code = code
    if note is not None:
        opportunity.lost_reason = note
    owed = lost_reasons.owed(methodology.lost_reasons, opportunity.lost_reason_code, opportunity.lost_reason)
    if owed is None:
        record_event(session, opportunity, "lost_reason_recorded", actor_id, now, reason_code=code)
        return
    task = lost_asks.ask_why_lost(session, opportunity, methodology.lost_reasons, owed, now)
    record_event(session, opportunity, "lost_reason_missing", actor_id, now, reason_code=code,
                 **({"missing": "note"} if owed == "note" else {}), task=task.id)


def _require_may_close(session: Session, actor_row, opportunity: Opportunity, actor: str, what: str) -> None:
    policy.require(policy.may_close(visibility.actor_of(session, actor_row), visibility.deal_of(opportunity)),
                   f"only the deal's owner, its manager or an admin may {what} opportunity {opportunity.id}"
                   f"{' was lost' if what == 'record why' else ''}; '{actor}' may not")
