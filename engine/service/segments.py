"""Segments and swapping their methodology (M7).

A manager swaps the methodology of a segment: new opportunities of the segment
follow the new methodology at once, and its open opportunities move to the mapped
stage of the new process, keeping their history, events, workflow data, buying
center, scores and completed tasks. One swap is one transaction over all of the
segment's deals: the plan is pure (``engine.rules.swap_plan``), the workflows are positioned
by ``ProcessRunner.start_at`` (one runner per version), and the rows are written in
bulk (``store.segments``). A swap can be reversed: a deal nobody touched
since gets its exact old state back, the others move back by the inverse map.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Iterable, Mapping

from engine.rules import swap_plan as swapping
from engine.errors import ConflictError, NotFoundError, WorkflowError
from engine.rules import inputs, policy
from engine.methodology.model import Methodology, Segment, Stage
from engine.methodology.problems import did_you_mean_or_known
from engine.runtime.step import StepResult
from engine.rules.scoring import stage_probability
from engine.service import message_rows, notifications, unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import people, versions
from engine.store import segments as segment_store
from engine.store.inbox import Assigner, activity_values, workflow_task_values
from engine.store.models import User
from engine.store.opportunities import opportunity_views
from engine.views.segments import NotMoved, SegmentView, StageMoveCount, SwapReport, SwapView
from engine.views.swap_options import SwapOptions, SwapStage

SWAPPED = "methodology_swapped"
# A deal another transaction held while the swap ran (a step on it): it stays where it is.
BUSY = "someone else was changing the deal during the swap; swap the segment again to move it"


# --- reading -----------------------------------------------------------------------

def list_segments(ctx: ServiceContext, *, viewer: str | None) -> list[SegmentView]:
    """The routing file's segments with the methodology each follows now and how
    many open deals it has. ``viewer`` None: the command line's operator."""
    with unit_of_work.quick_read(ctx) as session:
        if viewer is not None:
            _check_may_swap(people.user(session, viewer), "see the segments")
        routing = ctx.catalog.routing(session)
        chosen = segment_store.overrides(session)
        counts = segment_store.open_counts(session)
        views = []
        for segment in routing.segments:
            version, _, pinned = _segment_choice(ctx, session, segment, chosen.get(segment.id))
            routed = segment.methodology + (f"@{segment.methodology_version}"
                                            if segment.methodology_version else "")
            views.append(SegmentView(
                id=segment.id, name=segment.name, team=segment.team, methodology_id=version.methodology_id,
                methodology_label=version.label, version_id=version.id,
                chosen_by="swap" if segment.id in chosen else "routing", pinned=pinned,
                open_deals=counts.get(segment.id, 0), routing_methodology=routed))
        return views


def list_swaps(ctx: ServiceContext, segment_id: str | None = None) -> list[SwapView]:
    """Every swap (of one segment), newest first."""
    with unit_of_work.quick_read(ctx) as session:
        rows = segment_store.swaps(session, segment_id)
        latest: dict[str, int] = {}
        for row, *_ in rows:
            latest.setdefault(row.segment_id, row.id)
        return [SwapView(
            id=row.id, segment_id=row.segment_id, from_methodology=from_, to_methodology=to,
            stage_map=dict(row.stage_map or {}), moved=row.moved,
            not_moved=sum(len(ids) for ids in (row.not_moved or {}).values()), by=by, at=row.at,
            reverses_id=row.reverses_id, reversed_by_id=row.reversed_by_swap_id,
            reversible=(latest[row.segment_id] == row.id and row.reverses_id is None
                        and row.reversed_by_swap_id is None))
            for row, from_, to, by in rows]


def methodology_choices(ctx: ServiceContext) -> list[str]:
    """Every deployed methodology as "id@label", newest version first per id."""
    with unit_of_work.quick_read(ctx) as session:
        return versions.deployed_versions(session)


def methodology_names(ctx: ServiceContext) -> dict[str, str]:
    """Every deployed methodology's id -> its name (as its newest version spells it),
    for pages that show a methodology by name rather than by id."""
    with unit_of_work.quick_read(ctx) as session:
        ids = dict.fromkeys(choice.split("@", 1)[0] for choice in versions.deployed_versions(session))
        return {methodology_id: ctx.catalog.newest(session, methodology_id)[1].name for methodology_id in ids}


# --- swapping ----------------------------------------------------------------------

def swap_segment(ctx: ServiceContext, segment_id: str, methodology: str, *, version: str | None = None,
                 stage_map: Mapping[str, str] | None = None, dry_run: bool = False,
                 actor: str) -> SwapReport:
    """Move segment ``segment_id`` to ``methodology`` (its ``version``, else the
    newest, followed as new versions are deployed). ``stage_map`` maps old stage
    ids to new ones (default: the same id). ``dry_run``: only say what would happen."""
    for field, value in (("segment", segment_id), ("methodology", methodology), ("version", version),
                         ("stage_map", dict(stage_map or {}))):
        inputs.storable_data(value, field)  # recorded on the swap and in every moved deal's event
    if "@" in methodology and version is None:
        methodology, version = methodology.split("@", 1)
    stage_map = dict(stage_map or {})
    now = ctx.now()

    def work(session: Session):
        actor_row = people.user(session, actor)
        _check_may_swap(actor_row, "swap a segment's methodology")
        segment = _segment(ctx.catalog.routing(session), segment_id)
        if not dry_run:
            segment_store.lock_segment(session, segment.id)  # one swap of a segment at a time
        current, _, _ = _segment_choice(ctx, session, segment, segment_store.override(session, segment.id))
        target, new = ctx.catalog.newest(session, methodology, version)
        swap = None if dry_run else segment_store.new_swap(
            session, segment_id=segment.id, from_version_id=current.id, to_version_id=target.id,
            stage_map=stage_map, moved=0, not_moved={}, by_id=actor_row.id, at=now)
        deals = segment_store.open_deals(session, segment.id, not_on=target.id, lock=not dry_run)
        olds = {vid: ctx.catalog.version(session, vid)[1]
                for vid in {current.id} | {d.version_id for d in deals}}
        busy = set() if dry_run else (
            set(segment_store.open_deal_ids(session, segment.id, not_on=target.id)) - {d.id for d in deals})
        if not deals and not busy and current.id == target.id:  # e.g. the same swap made just before
            raise ConflictError(f"segment '{segment.id}' already follows {_label(target)} and none of "
                                "its open deals is on another version")
        swapping.check_stage_map(stage_map, olds.values(), new)
        plan = swapping.plan((swapping.Deal(d.id, d.stage_id, d.error_message, _stage_name(olds[d.version_id], d))
                              for d in deals), new, stage_map, shown_as=_shown(target, new))
        report = dict(segment_id=segment.id, from_methodology=_label(current), to_methodology=_label(target))
        if dry_run:
            return _report(plan.moves, plan.not_moved, dry_run=True, explained=plan.explained, **report)
        by_id = {d.id: d for d in deals}
        explained = dict(plan.explained)
        moved, not_moved = _move(ctx, session, [(m, by_id[m.opportunity_id]) for m in plan.moves],
                                 target.id, new, swap.id, actor_row, now, explained)
        not_moved = _merge(plan.not_moved, not_moved, {BUSY: sorted(busy)} if busy else {})
        segment_store.write_moves(session, moved)
        message_rows.sync_moved(session, moved, now)  # the bulk write bypasses apply_step's sync
        swap.moved, swap.not_moved = len(moved), {r: list(ids) for r, ids in not_moved.items()}
        segment_store.set_override(session, segment.id, target.id, pinned=version is not None, swap_id=swap.id,
                        actor_id=actor_row.id, now=now)
        done = [swapping.Move(m.opportunity_id, m.move["from_stage"], m.move["to_stage"], "") for m in moved]
        _notify_owners(session, [by_id[m.opportunity_id] for m in done], segment.id, _label(target), actor_row, now)
        return _report(done, not_moved, dry_run=False, swap_id=swap.id, explained=explained, **report)

    return unit_of_work.run(ctx, work)


def reverse_swap(ctx: ServiceContext, swap_id: int, *, actor: str) -> SwapReport:
    """Undo swap ``swap_id``: the segment follows its old methodology again; a deal
    nobody touched since gets its exact old state back, the others move back to
    the stage they came from (or by the inverse map). Recorded as a swap itself."""
    now = ctx.now()

    def work(session: Session):
        actor_row = people.user(session, actor)
        _check_may_swap(actor_row, "reverse a swap")
        original = segment_store.swap(session, swap_id) if inputs.is_record_id(swap_id) else None
        if original is None:
            raise NotFoundError(f"no swap {swap_id}; 'dealflow segment list' shows the swaps")
        segment_store.lock_segment(session, original.segment_id)
        session.refresh(original)  # decided on as it is once no other swap of the segment runs
        if original.reversed_by_swap_id is not None:
            raise ConflictError(f"swap {swap_id} was already reversed by swap {original.reversed_by_swap_id}")
        if original.reverses_id is not None:
            raise ConflictError(f"swap {swap_id} is itself the reversal of swap {original.reverses_id}; "
                                "swap the segment again instead")
        latest = segment_store.latest_swap_id(session, original.segment_id)
        if latest != swap_id:
            raise ConflictError(f"swap {swap_id} is not the latest swap of segment '{original.segment_id}'; "
                                f"reverse swap {latest} first")
        if original.from_version_id is None:
            raise ConflictError(f"swap {swap_id} does not record the methodology it replaced")
        back_to, old = ctx.catalog.version(session, original.from_version_id)
        came_from, _ = ctx.catalog.version(session, original.to_version_id)
        inverse = {new: old_ for old_, new in (original.stage_map or {}).items()}
        swap = segment_store.new_swap(session, segment_id=original.segment_id, from_version_id=original.to_version_id,
                           to_version_id=original.from_version_id, stage_map=inverse, moved=0, not_moved={},
                           reverses_id=original.id, by_id=actor_row.id, at=now)
        moves = segment_store.swap_moves(session, swap_id)
        deals = segment_store.deals_by_id(session, [m[0] for m in moves])
        explained: dict[str, str] = {}
        moved, not_moved = _move_back(ctx, session, moves, deals, original, old, swap.id, actor_row, now, explained)
        segment_store.write_moves(session, moved)
        message_rows.sync_moved(session, moved, now)  # the bulk write bypasses apply_step's sync
        swap.moved, swap.not_moved = len(moved), {r: list(ids) for r, ids in not_moved.items()}
        original.reversed_by_swap_id = swap.id
        segment = next((s for s in ctx.catalog.routing(session).segments if s.id == original.segment_id), None)
        routed = None
        if segment is not None:
            routed, _, _ = _segment_choice(ctx, session, segment, None)
        if routed is not None and routed.id == back_to.id:
            segment_store.drop_override(session, original.segment_id)  # the routing file decides again
        else:
            segment_store.set_override(session, original.segment_id, back_to.id, pinned=True, swap_id=swap.id,
                            actor_id=actor_row.id, now=now)
        done = [swapping.Move(m.opportunity_id, m.history["from_stage"], m.history["to_stage"], "")
                for m in moved]
        return _report(done, not_moved, dry_run=False, swap_id=swap.id, reverses_id=original.id,
                       explained=explained, segment_id=original.segment_id, from_methodology=_label(came_from),
                       to_methodology=_label(back_to))

    return unit_of_work.run(ctx, work)


# --- internals ---------------------------------------------------------------------

def segment_methodology(ctx: ServiceContext, session: Session, segment: Segment):
    """(version, methodology) new opportunities of ``segment`` start on: a manager's
    swap wins over the routing file's line."""
    version, methodology, _ = _segment_choice(ctx, session, segment, segment_store.override(session, segment.id))
    return version, methodology


def _segment_choice(ctx: ServiceContext, session: Session, segment: Segment, chosen):
    if chosen is None:
        version, methodology = ctx.catalog.newest(session, segment.methodology, segment.methodology_version)
        return version, methodology, segment.methodology_version is not None
    version, methodology = ctx.catalog.version(session, chosen.methodology_version_id)
    if not chosen.pinned:
        version, methodology = ctx.catalog.newest(session, version.methodology_id)
    return version, methodology, chosen.pinned


def _move(ctx: ServiceContext, session: Session, moves, target_id: int, new: Methodology, swap_id: int,
          actor_row: User, now: datetime, explained: dict[str, str]):
    """Start each deal's new workflow at its move's node; (moved rows, not moved).
    Each reason that names the methodology or a stage is said with names in ``explained``."""
    runner = ctx.catalog.runner(session, target_id)
    shown_as = _shown(ctx.catalog.version(session, target_id)[0], new)
    assign = Assigner(session, ctx.catalog.lanes(session, new.id))
    done = segment_store.done_activities(session, [deal.id for _, deal in moves])
    moved, not_moved = [], {}
    for move, deal in moves:
        old_version, old = ctx.catalog.version(session, deal.version_id)
        data = ctx.catalog.runner(session, deal.version_id).data(deal.workflow_state)
        try:
            state, result = runner.start_at(move.node_id, data, now)
        except WorkflowError as err:
            not_moved.setdefault(str(err), []).append(deal.id)
            continue
        stage, reason = _stage_after(new, result, move.to_stage, shown_as, explained)
        if reason is None and result.external:  # a swap writes rows in bulk, external tasks' rows not
            reason = (f"the new process waits at external task '{result.external[0].node_id}' at once; "
                      "map that stage to the node before it")
        if reason is not None:
            not_moved.setdefault(reason, []).append(deal.id)
            continue
        event = dict(swap=swap_id, from_methodology=_label(old_version), to_methodology=_label(
            ctx.catalog.version(session, target_id)[0]), from_stage=deal.stage_id, to_stage=stage.id)
        row = _moved(deal, target_id, state, result, stage, new, assign, done.get(deal.id, ()), actor_row.id,
                     now, event)
        row.move = dict(swap_id=swap_id, opportunity_id=deal.id, from_version_id=deal.version_id,
                        from_stage=deal.stage_id, to_stage=stage.id, from_state=deal.workflow_state,
                        row_version_after=deal.row_version + 1)
        moved.append(row)
    return moved, not_moved


def _move_back(ctx: ServiceContext, session: Session, moves, deals, original, old: Methodology, swap_id: int,
               actor_row: User, now: datetime, explained: dict[str, str]):
    back_id, came_from_id = original.from_version_id, original.to_version_id
    shown_as = _shown(ctx.catalog.version(session, back_id)[0], old)  # as the swap's own preview names it
    back_runner = ctx.catalog.runner(session, back_id)
    came_runner = ctx.catalog.runner(session, came_from_id)
    assign = Assigner(session, ctx.catalog.lanes(session, old.id))
    done = segment_store.done_activities(session, [m[0] for m in moves])
    inverse = {new: old_ for old_, new in (original.stage_map or {}).items()}
    labels = {"from_methodology": _label(ctx.catalog.version(session, came_from_id)[0])}
    moved, not_moved = [], {}
    for opportunity_id, from_version, from_stage, to_stage, from_state, row_version_after in moves:
        deal = deals.get(opportunity_id)
        reason = None
        if deal is None:
            reason = "someone else is changing the deal right now; swap it back by hand"
        elif deal.status != "open":
            reason = f"closed ({deal.status}) since the swap"
        elif deal.version_id != came_from_id:
            reason = "moved to another methodology version since the swap"
        if reason is not None:
            not_moved.setdefault(reason, []).append(opportunity_id)
            continue
        version_id = from_version
        methodology = ctx.catalog.version(session, version_id)[1]
        if deal.row_version == row_version_after:  # untouched since: exactly as it was
            state, result = from_state, ctx.catalog.runner(session, version_id).result(from_state)
            stage = methodology.stage(from_stage) if from_stage else None
            if stage is None:
                not_moved.setdefault(f"stage '{from_stage}' is gone", []).append(opportunity_id)
                continue
        else:
            if deal.error_message is not None:
                not_moved.setdefault(f"a step failed ({deal.error_message}); retry or fix it first",
                                     []).append(opportunity_id)
                continue
            version_id, methodology, runner = back_id, old, back_runner
            target = from_stage if deal.stage_id == to_stage else inverse.get(deal.stage_id, deal.stage_id)
            node_id, why = swapping.entry(methodology, target or "", shown_as=shown_as)
            if node_id is None:
                explained[why.text] = why.named
                not_moved.setdefault(why.text, []).append(opportunity_id)
                continue
            try:
                state, result = runner.start_at(node_id, came_runner.data(deal.workflow_state), now)
            except WorkflowError as err:
                not_moved.setdefault(str(err), []).append(opportunity_id)
                continue
            stage, reason = _stage_after(methodology, result, target, shown_as, explained)
            if reason is not None:
                not_moved.setdefault(reason, []).append(opportunity_id)
                continue
        if result.external:  # the swap withdrew its external tasks' rows, and a reversal writes none
            not_moved.setdefault(f"the old process would wait at external task '{result.external[0].node_id}', "
                                 "which the swap withdrew from workers; swap it back by hand", []
                                 ).append(opportunity_id)
            continue
        event = dict(swap=swap_id, reverses=original.id, to_methodology=_label(
            ctx.catalog.version(session, version_id)[0]), from_stage=deal.stage_id, to_stage=stage.id,
            **labels)
        moved.append(_moved(deal, version_id, state, result, stage, methodology, assign,
                            done.get(deal.id, ()), actor_row.id, now, event))
    return moved, not_moved


def _moved(deal: segment_store.DealRow, version_id: int, state: str, result: StepResult, stage: Stage,
           methodology: Methodology, assign: Assigner, done: Iterable[str], actor_id: int, now: datetime,
           event: dict) -> segment_store.MovedDeal:
    """The rows of one deal put on ``version_id`` at ``stage`` with ``state``: its
    process's ready tasks and the stage's suggested activities (those not done
    before) as a step would make them, the probability from the stage and the
    deal's scores (a manager's override stays)."""
    tasks = [workflow_task_values(deal, methodology, task, assign, now) for task in result.ready]
    tasks += activity_values(deal, stage, assign, now, done)
    automatic = stage_probability(stage, methodology, deal.scores or {})
    probability = deal.probability_override if deal.probability_override is not None else automatic
    next_timer = min((t.due for t in result.timers), default=None)
    next_action = min([t.due for t in result.timers] + [t["due_at"] for t in tasks if t["due_at"]], default=None)
    values = dict(methodology_version_id=version_id, workflow_state=state, stage_id=stage.id,
                  stage_entered_at=now, probability_auto=automatic, probability=probability,
                  expected_revenue=(Decimal(deal.amount) * probability / 100).quantize(Decimal("0.01")),
                  next_timer_at=next_timer, next_action_at=next_action, error_message=None, error_node=None,
                  error_note=None)
    history = dict(opportunity_id=deal.id, from_stage=deal.stage_id, to_stage=stage.id, probability=probability,
                   changed_by_id=actor_id, changed_at=now, methodology_version_id=version_id)
    return segment_store.MovedDeal(deal.id, deal.row_version, values, tasks, history,
                        dict(opportunity_id=deal.id, kind=SWAPPED, actor_id=actor_id, at=now, data=event),
                        waits=tuple(result.messages))


def _stage_after(methodology: Methodology, result: StepResult, target: str, shown_as: str,
                 explained: dict[str, str]) -> tuple[Stage | None, str | None]:
    """The stage a freshly positioned workflow is in, or why the deal cannot move there
    (with ids; said with names in ``explained`` when it names the methodology)."""
    if result.error is not None:
        return None, f"the new process fails at {result.error.node_id}: {result.error.message}"
    stage = methodology.stage(target)
    for node_id in result.reached:
        stage = methodology.stage_of_node(node_id) or stage
    if result.finished or stage.outcome != "open":
        why = swapping.ends_at_once(methodology, target, shown_as=shown_as)
        explained[why.text] = why.named
        return None, why.text
    return stage, None


def _check_may_swap(actor_row: User, what: str) -> None:
    policy.require(policy.may_swap(policy.Actor(actor_row.id, actor_row.role)),
                   f"only managers and admins may {what}; '{actor_row.username}' is a {actor_row.role}")


def _segment(routing, segment_id: str) -> Segment:
    for segment in routing.segments:
        if segment.id == segment_id:
            return segment
    raise NotFoundError(f"no segment '{segment_id}'"
                        + did_you_mean_or_known(segment_id, [s.id for s in routing.segments], "segments"))


def _label(version) -> str:
    return f"{version.methodology_id}@{version.label}"


def _shown(version, methodology: Methodology) -> str:
    """A methodology version as people call it: 'Quick deal 1.0'."""
    return f"{methodology.name} {version.label}"


def _stage_name(methodology: Methodology, deal) -> str | None:
    stage = methodology.stage(deal.stage_id) if deal.stage_id else None
    return stage.name if stage else None


def _merge(*groups: Mapping[str, object]) -> dict[str, tuple[int, ...]]:
    merged: dict[str, list[int]] = {}
    for group in groups:
        for reason, ids in group.items():
            merged.setdefault(reason, []).extend(ids)
    return {reason: tuple(sorted(ids)) for reason, ids in merged.items()}


def _report(moves, not_moved, *, explained: Mapping[str, str] | None = None, **fields) -> SwapReport:
    """``explained``: reason -> the same with names (a reason not in it has none to give)."""
    plan = swapping.Plan(tuple(moves), {})
    explained = explained or {}
    return SwapReport(
        moved=len(moves), moves=tuple(StageMoveCount(a, b, n) for a, b, n in plan.counts()),
        not_moved=tuple(NotMoved(reason, tuple(sorted(ids)), explained.get(reason, reason))
                        for reason, ids in sorted(not_moved.items())),
        **fields)


def _notify_owners(session: Session, deals, segment_id: str, target: str, actor_row: User, now: datetime) -> None:
    """Tell each owner how many of their deals the swap moved (issue 15)."""
    by_owner: dict[int, list] = {}
    for deal in deals:
        by_owner.setdefault(deal.owner_id, []).append(deal)
    for owner_id, mine in sorted(by_owner.items()):
        notifications.notify(session, owner_id, "deals_swapped",
                             f"{actor_row.display_name} moved segment {segment_id} to {target}: "
                             f"{len(mine)} of your deal{'' if len(mine) == 1 else 's'} moved to its stages.",
                             now, actor_id=actor_row.id, opportunity_id=mine[0].id if len(mine) == 1 else None)


def swap_options(ctx: ServiceContext, segment_id: str, methodology: str, *, version: str | None = None,
                 viewer: str) -> SwapOptions:
    """Read only: what a manager maps when swapping ``segment_id`` to ``methodology``:
    the current methodology's stages with their open-deal counts, the target's open
    stages, and the open deals a swap would consider (those not on the target version)."""
    if "@" in methodology and version is None:
        methodology, version = methodology.split("@", 1)
    with unit_of_work.quick_read(ctx) as session:
        _check_may_swap(people.user(session, viewer), "swap a segment's methodology")
        segment = _segment(ctx.catalog.routing(session), segment_id)
        current, old, _ = _segment_choice(ctx, session, segment, segment_store.override(session, segment.id))
        target, new = ctx.catalog.newest(session, methodology, version)
        ids = [d.id for d in segment_store.open_deals(session, segment.id, not_on=target.id, lock=False)]
        deals = tuple(opportunity_views(session, ids, ctx.catalog))
        counts: dict[str, int] = {}
        names: dict[str, str] = {}
        for deal in deals:
            counts[deal.stage_id or ""] = counts.get(deal.stage_id or "", 0) + 1
            names.setdefault(deal.stage_id or "", deal.stage_name or deal.stage_id or "")
        stages = [SwapStage(s.id, s.name, counts.get(s.id, 0)) for s in old.stages if s.outcome == "open"]
        known = {s.id for s in stages}
        stages += [SwapStage(i, names[i], n) for i, n in counts.items() if i and i not in known]
        to_stages = tuple(SwapStage(s.id, s.name, 0) for s in new.stages if s.outcome == "open")
        return SwapOptions(segment_id=segment.id, segment_name=segment.name, from_methodology=_label(current), to_methodology=_label(target),
                           from_stages=tuple(stages), to_stages=to_stages, deals=deals,
                           owner_names=people.display_names(session, sorted({d.owner for d in deals if d.owner})),
                           suggested=swapping.suggested_targets(((s.id, s.name) for s in stages),
                                                                ((s.id, s.name) for s in to_stages)))
