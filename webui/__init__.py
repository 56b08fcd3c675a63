"""Dealflow's web application: the app factory.

The task inbox arrives with its own issue; until then the application only answers
a health check, so deployments and tests have a real app to start.
"""

from __future__ import annotations

from flask import Flask, jsonify


def create_app(test_config: dict | None = None) -> Flask:
    """Build a new application; ``test_config`` overrides settings in tests."""
    app = Flask(__name__)
    app.config.from_mapping(METHODOLOGIES_PATH="methodologies")
    if test_config:
        app.config.update(test_config)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
