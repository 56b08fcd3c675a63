"""Which façade an application works with: ``create_app`` keeps it in the app's
extensions, every view reads it with ``engine_of(current_app)``."""

from __future__ import annotations

from flask import Flask

from engine import Engine

EXTENSION = "dealflow"


def engine_of(app: Flask) -> Engine:
    """The façade this application works with."""
    return app.extensions[EXTENSION]
