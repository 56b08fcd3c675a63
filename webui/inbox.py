"""Blueprint 'inbox' — being built (issue 4)."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)
