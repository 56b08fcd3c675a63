"""Dealflow's web application: the app factory and its blueprints.

Views parse the request, call one method of the engine's façade, and render; they
never touch SQL or SpiffWorkflow. One blueprint per screen family:

    auth           log in, log out
    inbox          the inbox and the task page
    opportunities  the opportunity page and its diagram
    manager        pipeline, reassigning deals and tasks
    calendar       the agenda, the week calendar, activities, the calendar feed
    partners       the partner list and page, archiving, handing a partner over
    quotas         quotas split down the hierarchy (draft, commit, versions)
    warnings       early warnings: the dashboard, acknowledging, the inbox's and deal page's partials
    forecast       the forecast rolled up the hierarchy, adjustments, submitting
    win_model      the learned win probability: its page, the deal page's partial
    methodologies  the designer's: deployed versions, validate, deploy, diff between versions
    admin          users and teams, roles, API tokens (admins)
    board          the pipeline board: a kanban per methodology version, its table beside it
    api            the JSON API under /api/v1 (tokens, OpenAPI document), a package

Every error is answered by webui/errors.py: JSON of one shape under /api/, an HTML
page elsewhere. Every HTML form carries a CSRF token (Flask-WTF's CSRFProtect); the JSON API is
exempt, it authenticates each request with a bearer token instead. Every response carries
the security headers of webui/headers.py (docs/security.md).
"""

from __future__ import annotations

import os

from flask import Flask, jsonify

from engine import Engine

from webui import (analysis, api, auth, buying_center, calendar, deal_forecast, deals, errors, forecast, headers, inbox,
                   lead_import, lead_runs, manager, opportunities, pages, partner_lists, partners, quotas, reports,
                   sales_assistant, segments, vendor, warnings)
from webui import win_model
from webui import admin, methodologies
from webui import board
from webui import notifications
from webui import people
from webui import figures
from webui import task_events
from webui.app_engine import EXTENSION, engine_of
from webui.ids import RecordId

__all__ = ["create_app", "engine_of"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build a new application; ``test_config`` overrides settings in tests.

    Settings: DATABASE_URL (default: DEALFLOW_DATABASE_URL, else SQLite
    dealflow.db), SECRET_KEY (default: DEALFLOW_SECRET_KEY; required outside tests
    and the demo), METHODOLOGIES_PATH, ENGINE (an Engine to use instead of making
    one), WTF_CSRF_ENABLED (default True), MAX_CONTENT_LENGTH (default:
    DEALFLOW_MAX_CONTENT_LENGTH, else 1 MiB; a larger request body is refused, 413).

    Behind HTTPS: SECURE_COOKIES (default: DEALFLOW_SECURE_COOKIES=1) sends the
    session cookies with ``Secure``; TRUSTED_PROXIES (default:
    DEALFLOW_TRUSTED_PROXIES, 0) is how many proxies' X-Forwarded-* headers to believe,
    so the app sees the client's address and whether it came over HTTPS (HSTS)."""
    app = Flask(__name__)
    app.url_map.converters["int"] = RecordId  # an id no row can have matches no route: 404
    app.config.from_mapping(
        METHODOLOGIES_PATH="methodologies",
        DATABASE_URL=os.environ.get("DEALFLOW_DATABASE_URL"),
        SECRET_KEY=os.environ.get("DEALFLOW_SECRET_KEY"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        SECURE_COOKIES=os.environ.get("DEALFLOW_SECURE_COOKIES", "") in ("1", "true", "yes"),
        TRUSTED_PROXIES=int(os.environ.get("DEALFLOW_TRUSTED_PROXIES") or 0),
        MAX_CONTENT_LENGTH=int(os.environ.get("DEALFLOW_MAX_CONTENT_LENGTH") or 1024 * 1024),  # larger: 413
    )
    if test_config:
        app.config.update(test_config)
    if app.config["SECURE_COOKIES"]:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    app.extensions[EXTENSION] = app.config.get("ENGINE") or Engine(app.config["DATABASE_URL"])

    for module in (auth, inbox, opportunities, manager, segments, buying_center, sales_assistant, calendar,
                   lead_import, reports, analysis, vendor, partner_lists, partners, quotas, warnings, deal_forecast, deals,
                   forecast, win_model, methodologies, admin, board, notifications, task_events):
        app.register_blueprint(module.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    lead_runs.init_app(app, engine_of(app))
    lead_import.init_app(app)  # the upload's body limit: before anything reads a form
    pages.init_app(app, exempt=[api.bp])
    people.init_app(app)  # the person filter: display names for usernames
    figures.init_app(app)  # a report table's cells as the pages show them
    errors.init_app(app)
    headers.init_app(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app

