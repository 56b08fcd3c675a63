"""GET /inbox: the caller's ready tasks, filtered and paged by query parameters."""

from __future__ import annotations

import re

from flask import jsonify, request

from engine.views import InboxPage

from webui.api.blueprint import bp, facade, username
from webui.api.shapes import task_json
from webui.errors import HttpError

INBOX_PARAMS = ("stage", "methodology", "page", "per_page")


@bp.get("/inbox")
def inbox():
    return jsonify(inbox_json(facade().inbox(username(), **_inbox_query())))


def _inbox_query() -> dict:
    fields = {name: "unknown parameter; use " + ", ".join(INBOX_PARAMS)
              for name in request.args if name not in INBOX_PARAMS}
    query: dict = {"stage": request.args.get("stage") or None,
                   "methodology": request.args.get("methodology") or None}
    for name, default, most in (("page", 1, None), ("per_page", 25, 200)):
        text = request.args.get(name)
        if text is None:
            query[name] = default
        elif not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
            fields[name] = "enter a whole number of at least 1"
        elif most is not None and int(text) > most:
            fields[name] = f"enter {most} or less"
        else:
            query[name] = int(text)
    if fields:
        raise HttpError(400, "bad query parameters; see fields", fields)
    return query


def inbox_json(page: InboxPage) -> dict:
    """The Inbox schema."""
    return {
        "tasks": [task_json(t) for t in page.tasks],
        "counts": {"total": page.total, "mine": page.mine, "queued": page.queued, "team": page.team,
                   "overdue": page.overdue},
        "paging": {"page": page.page, "per_page": page.per_page, "pages": page.pages, "total": page.total},
        "filters": {"stages": [{"id": stage_id, "name": name} for stage_id, name in page.stages],
                    "methodologies": list(page.methodologies)},
    }
