"""The pipeline board (issue 15), read-only: the deals the viewer's report scope
covers (engine.service.report_scope: a rep their own, a manager everyone below them
and the teams they lead, admins and designers every deal), one board per methodology
version, columns in stage order with won and lost last, cards with the moves the
process allows (engine.rules.board_moves) and totals per column per currency.

A fixed number of statements whatever the number of deals: the viewer and their
scope, the deals, their open tasks, their warnings and the filters' choices, each
set-based (engine.store.board); methodology versions come from the catalog."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Mapping

from engine.errors import FormError
from engine.rules import board_moves, inputs, policy
from engine.service import unit_of_work, visibility
from engine.service.pipeline import currency_totals  # amount and weighted per currency, never one sum
from engine.service.context import ServiceContext
from engine.service.report_scope import scope_for
from engine.store import board as board_store
from engine.store import people
from engine.views.board import Board, BoardCard, BoardColumn, BoardMove, BoardView

CLOSED_DAYS = 30  # the won and lost columns show the deals closed in the last 30 days
CARDS_PER_COLUMN = 40  # a column shows its first cards; its count and totals cover every deal in it


def board(ctx: ServiceContext, viewer: str, params: Mapping[str, object] | None = None, *,
          cards_per_column: int | None = CARDS_PER_COLUMN) -> BoardView:
    """``params``: methodology (id), owner (username), team (id), segment; a FormError
    names each one that cannot be a filter at all. Each column shows its first
    ``cards_per_column`` cards (the next action due first; None: all), except the
    column ``params['expand']`` names ("VERSION_ID:STAGE_ID"), which shows them all."""
    expand = params.get("expand") if params else None
    where = parse_filter(params or {})
    closed_since = ctx.now() - timedelta(days=CLOSED_DAYS)
    with unit_of_work.read(ctx) as session:
        user = people.user(session, viewer)
        actor = visibility.actor_of(session, user)
        scope = scope_for(session, user)
        deals = board_store.deals(session, scope, where, closed_since)
        tasks = board_store.open_tasks(session, scope, where, closed_since)
        warnings = board_store.warning_counts(session, scope, where, closed_since)
        choices = board_store.choices(session, scope, closed_since)
        version_ids = set(choices.version_ids) | {d.methodology_version_id for d in deals}
        versions = {v: ctx.catalog.version(session, v) for v in sorted(version_ids)}
    tasks_of: dict[int, list[board_store.TaskRow]] = defaultdict(list)
    for task in tasks:
        tasks_of[task.opportunity_id].append(task)
    deals_of: dict[int, list[board_store.DealRow]] = defaultdict(list)
    for deal in deals:
        deals_of[deal.methodology_version_id].append(deal)
    boards = []
    for version_id in sorted(deals_of, key=lambda v: (versions[v][1].name.lower(), versions[v][0].methodology_id,
                                                      -v)):
        info, methodology = versions[version_id]
        boards.append(_board(info, methodology, deals_of[version_id], tasks_of, warnings, actor,
                             cards_per_column, expand))
    names: dict[str, str] = {}
    for version_id in sorted(versions, reverse=True):  # the newest version names the methodology
        info, methodology = versions[version_id]
        names.setdefault(info.methodology_id, methodology.name)
    return BoardView(
        boards=tuple(boards), scope=scope.label, methodology=where.methodology, owner=where.owner,
        team_id=where.team_id, segment=where.segment, closed_days=CLOSED_DAYS,
        methodologies=tuple(sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))),
        owners=choices.owners, teams=choices.teams, segments=choices.segments)


def parse_filter(params: Mapping[str, object]) -> board_store.BoardFilter:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name in ("methodology", "owner", "segment"):
        raw = params.get(name)
        if isinstance(raw, str) and raw.strip():
            try:
                values[name] = inputs.text(raw.strip(), name, limit=80)
            except FormError as err:
                errors.update(err.fields)
    team = params.get("team")
    if isinstance(team, str) and team.strip():
        text = team.strip()
        if text.isascii() and text.isdigit() and inputs.is_record_id(int(text)):
            values["team_id"] = int(text)
        else:
            errors["team"] = "a team from the list"
    if errors:
        raise FormError(errors)
    return board_store.BoardFilter(**values)  # type: ignore[arg-type]


def _board(info, methodology, deals: list[board_store.DealRow], tasks_of, warnings: Mapping[int, int],
           actor: policy.Actor, cards_per_column: int | None, expand: object) -> Board:
    stages = board_moves.columns(methodology)
    order = {s.id: i for i, s in enumerate(stages)}
    names = {s.id: s.name for s in stages}
    targets = board_moves.stage_targets(methodology)
    in_columns: dict[str | None, list[board_store.DealRow]] = defaultdict(list)
    for deal in deals:
        in_columns[board_moves.column_of(methodology, deal.stage_id, deal.status)].append(deal)

    def column(stage_id, name, outcome, probability) -> BoardColumn:
        rows = sorted(in_columns.get(stage_id, []), key=lambda d: _urgency(d, tasks_of.get(d.id, [])))
        limit = None if expand == f"{info.id}:{stage_id or ''}" else cards_per_column
        # only the cards shown are built (their tasks and moves): a column of a thousand
        # deals costs its count and totals, not a thousand cards
        cards = tuple(_card(d, tasks_of.get(d.id, []), warnings.get(d.id, 0), actor, targets, order, names)
                      for d in (rows if limit is None else rows[:limit]))
        return BoardColumn(stage_id, name, outcome, probability, cards, currency_totals(rows), len(rows))

    columns = [column(None, "No stage", "open", None)] if in_columns.get(None) else []
    columns += [column(stage.id, stage.name, stage.outcome, stage.probability) for stage in stages]
    return Board(info.methodology_id, methodology.name, info.id, info.label, tuple(columns), currency_totals(deals),
                 tuple(methodology.lost_reasons))


def _urgency(deal: board_store.DealRow, tasks: list[board_store.TaskRow]) -> tuple:
    """A column's order: the deals whose next task is due soonest first, then those
    with nothing due (closed ones too), oldest first."""
    due = min((t.due_at for t in tasks if t.due_at is not None), default=None)
    return (True, 0, deal.id) if due is None else (False, due, deal.id)


def _card(deal: board_store.DealRow, tasks: list[board_store.TaskRow], warnings: int, actor: policy.Actor,
          targets, order, names) -> BoardCard:
    facts = policy.Deal(deal.owner_id, deal.manager_id, deal.team_id)
    process_tasks = [t for t in tasks if t.kind == "workflow"] if deal.status == "open" else []
    open_tasks = [board_moves.OpenTask(t.id, t.node_id, t.name, policy.may_work(
        actor, policy.Task(t.assignee_id, t.candidate_team_id), facts)) for t in process_tasks]
    moves = board_moves.moves(targets, deal.stage_id, open_tasks, order)
    first = (process_tasks or tasks or [None])[0] if deal.status == "open" else None
    return BoardCard(
        id=deal.id, title=deal.title, partner_name=deal.partner_name, amount=deal.amount, currency=deal.currency,
        probability=deal.probability, owner=deal.owner, owner_name=deal.owner_name or deal.owner,
        status=deal.status, stage_id=deal.stage_id, next_action=first.name if first else None,
        next_action_due=first.due_at if first else None, next_task_id=first.id if first else None,
        warnings=warnings,
        moves=tuple(BoardMove(m.stage_id, names.get(m.stage_id, m.stage_id), m.task_id, m.task_name)
                    for m in moves),
        may_close=deal.status == "open" and policy.may_close(actor, facts),
        may_hand_over=deal.status == "open" and policy.may_manage(actor, facts))
