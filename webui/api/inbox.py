"""GET /inbox: the caller's ready tasks, searched, filtered, sorted and paged by query
parameters (engine.rules.inbox_query reads them, as for the web inbox)."""

from __future__ import annotations

from flask import g, request

from engine.errors import FormError
from engine.views import InboxPage

from webui.api.blueprint import bp, facade
from webui.api.shapes import field_json, task_json
from webui.api.shared_json import jsonify_sharing
from webui.errors import HttpError

INBOX_PARAMS = ("q", "stage", "methodology", "due", "follow_up", "assignee", "queue", "sort", "page", "per_page")


@bp.get("/inbox")
def inbox():
    fields = {name: "unknown parameter; use " + ", ".join(INBOX_PARAMS)
              for name in request.args if name not in INBOX_PARAMS}
    fields |= {name: "give it once" for name in INBOX_PARAMS if len(request.args.getlist(name)) > 1}
    page = None
    try:
        page = facade().inbox(g.api_user, {name: request.args[name] for name in INBOX_PARAMS  # the token's user
                                           if name in request.args}, saved_filters=False)  # not in the answer
    except FormError as err:
        fields |= err.fields  # every problem at once
    if fields or page is None:
        raise HttpError(400, "bad query parameters; see fields", fields)
    document = inbox_json(page)
    return jsonify_sharing(document, document["tasks"], "form")  # each distinct form encoded once


def inbox_json(page: InboxPage) -> dict:
    """The Inbox schema. Tasks at the same step share their form (the store parses
    each form text once), and here its JSON too: one list object per distinct form."""
    forms: dict[int, list] = {}  # id of a form tuple -> its JSON; the tuples live in page
    tasks = []
    for t in page.tasks:
        form = forms.get(id(t.form))
        if form is None:
            form = forms[id(t.form)] = [field_json(f) for f in t.form]
        tasks.append(task_json(t, form=form))
    return {
        "tasks": tasks,
        "counts": {"total": page.total, "mine": page.mine, "queued": page.queued, "team": page.team,
                   "overdue": page.overdue},
        "paging": {"page": page.page, "per_page": page.per_page, "pages": page.pages, "total": page.total},
        "filters": {"stages": [{"id": stage_id, "name": name} for stage_id, name in page.stages],
                    "methodologies": list(page.methodologies), "queues": list(page.queues)},
        "query": page.query.as_query(),
    }
