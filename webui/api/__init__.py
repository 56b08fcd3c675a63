"""The JSON API under /api/v1, for scripts and other systems: the ``api`` blueprint
and the modules that put their routes on it.

    blueprint      the blueprint; every request but the public ones carries a bearer token
    parsing        JSON bodies in (numbers exact), the names a route takes
    shapes         JSON out: times, money, tasks, opportunities (schemas of openapi/)
    inbox          GET /inbox
    inbox_work     saved filters, a task's follow-up date, bulk claim and hand-over
    task_revision  a completed task's answers, revised until its stage is left
    opportunities  opening one, showing one, editing one, retrying its failed step
    deal_forecast  a deal's expected close date and forecast-category override
    tasks          claiming and completing a task
    task_events    one task with its boundary events; ending it through one of them
    sales          the Sales Assistant: questionnaires, probability override, closing as lost
    buying_center  contacts, relationships, the diagram
    handover       handing a partner to another rep
    partners       the partner list, a partner's card, its contact persons
    activities     activities, a rep's agenda, the week of a rep or a team
    reports        the lost-deal report
    analysis       the pipeline analysis and the methodology comparison
    forecast       the forecast (M15): rolled up, adjusting, submitting
    quotas         quotas (M14): the split sheet, setting, splitting, committing; the fiscal calendar
    lead_imports   uploading a lead file, an import's progress, its revert and rejects
    warnings       the early warnings (M18) and acknowledging one
    win_model      the learned win probability: the model, one deal's
    external_tasks workers' fetch-and-lock, complete, failure, bpmn-error, extend-lock; incidents
    messages       a message delivered to the deals waiting for it (or buffered, or opening a deal)
    signals        a signal broadcast to every deal waiting for it
    notifications  the caller's own notifications, marking them read
    discovery      the OpenAPI document; JSON 404/405 for unknown routes
    openapi/       the OpenAPI 3.1 document, one module per family of routes

Each view parses the request, calls the façade, and answers JSON. Every error, the
façade's and the parsing's, is answered by webui/errors.py as
``{"error": code, "message": ..., "fields": {...}}``. Money travels as strings
("12500.00") and is parsed from JSON as Decimal, never float; datetimes are ISO 8601
in UTC.
"""

from __future__ import annotations

from webui.api import activities, analysis, buying_center, deal_forecast, discovery, forecast, handover, inbox, \
    lead_imports, opportunities, partner_lists, partners, quotas, reports, sales, tasks, warnings
from webui.api import win_model
from webui.api import external_tasks
from webui.api import messages
from webui.api import signals
from webui.api import notifications
from webui.api import inbox_work, task_revision
from webui.api import task_events
from webui.api.blueprint import bp

ROUTES = (inbox, opportunities, deal_forecast, tasks, sales, buying_center, handover, partners, activities, reports,
          analysis, lead_imports, partner_lists, quotas, warnings, forecast, win_model, external_tasks,
          messages, signals, notifications, inbox_work, task_revision, task_events, discovery)

__all__ = ["bp"]
