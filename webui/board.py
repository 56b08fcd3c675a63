"""Blueprint 'board': the pipeline board (issue 15) — a kanban per methodology
version, or the same deals as a table (``?view=table``), through one read-only façade
call (Engine.board). GET only: nothing here changes a deal.

A stage move is a process step: a card's "Move to…" menu (and dropping it on a
column, board.js with SortableJS) opens the task form of the open task that leads
there, with ``next`` pointing back here; the task form enforces its fields and the
stage's exit criteria as always. A drop on a column no open task leads to snaps
back with a message.

Each column shows its first cards (the next action due first) with a "Show all"
link (``?expand=VERSION:STAGE``); its count and totals cover every deal in it. A card
the viewer may close has a "Close as lost…" form posting to the deal's two-step
close (webui.sales_assistant.lose), which confirms first and comes back here; a card
the viewer manages has a "Hand over…" form posting to the deal's hand-over
(webui.manager), which notifies the new owner and comes back here."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import FormError
from webui.app_engine import engine_of
from webui.vendor import SORTABLE, sortable_ready

bp = Blueprint("board", __name__)

FILTERS = ("methodology", "owner", "team", "segment")


@bp.get("/board")
@login_required
def index():
    engine = engine_of(current_app)
    params = {name: request.args.get(name, "") for name in FILTERS}
    table = request.args.get("view") == "table"
    # the table lists every deal; the board shows each column's first cards, or all of
    # the one column "Show all" expanded
    per_column = current_app.config.get("BOARD_CARDS_PER_COLUMN")  # unset: the engine's default
    options = {"cards_per_column": None} if table else ({"cards_per_column": per_column} if per_column else {})
    expand = {"expand": request.args.get("expand", "")}
    errors: dict[str, str] = {}
    try:
        view = engine.board(current_user.username, params | expand, **options)
    except FormError as err:
        errors = err.fields
        view = engine.board(current_user.username, {k: v for k, v in params.items() if k not in errors} | expand,
                            **options)
    here = url_for("board.index", **view.filters(**({"view": "table"} if table else {})))
    def moves_of(card) -> dict:
        """What board.js needs to open the step of a drop: per stage, the task form's address."""
        return {m.stage_id: {"url": url_for("inbox.task", task_id=m.task_id, next=here), "task": m.task_name,
                             "stage": m.stage_name} for m in card.moves}

    # the reps a manager may hand a card to (only asked for when some card offers it)
    hands_over = not table and any(card.may_hand_over for b in view.boards for c in b.columns for card in c.cards)
    reps = [u for u in engine.list_users() if u.may_own_deals] if hands_over else []
    # the engine's "now": a card whose next action is past due says so, as the inbox does
    return render_template("board.html", view=view, table=table, errors=errors, here=here, moves_of=moves_of,
                           reps=reps, now=engine.now(), sortable=SORTABLE if sortable_ready() else None), 400 if errors else 200
