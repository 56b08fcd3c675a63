"""Blueprint 'board': the pipeline board (issue 15) — a kanban per methodology
version, or the same deals as a table (``?view=table``), through one read-only façade
call (Engine.board). GET only: nothing here changes a deal.

A stage move is a process step: a card's "Move to…" menu (and dropping it on a
column, board.js with SortableJS) opens the task form of the open task that leads
there, with ``next`` pointing back here; the task form enforces its fields and the
stage's exit criteria as always. A drop on a column no open task leads to snaps
back with a message."""

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
    errors: dict[str, str] = {}
    try:
        view = engine.board(current_user.username, params)
    except FormError as err:
        errors = err.fields
        view = engine.board(current_user.username, {k: v for k, v in params.items() if k not in errors})
    table = request.args.get("view") == "table"
    here = url_for("board.index", **view.filters(**({"view": "table"} if table else {})))
    def moves_of(card) -> dict:
        """What board.js needs to open the step of a drop: per stage, the task form's address."""
        return {m.stage_id: {"url": url_for("inbox.task", task_id=m.task_id, next=here), "task": m.task_name,
                             "stage": m.stage_name} for m in card.moves}

    return render_template("board.html", view=view, table=table, errors=errors, here=here, moves_of=moves_of,
                           sortable=SORTABLE if sortable_ready() else None), 400 if errors else 200
