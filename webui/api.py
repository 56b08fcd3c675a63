"""Blueprint 'api' — being built (issue 4)."""

from flask import Blueprint

bp = Blueprint("api", __name__)
