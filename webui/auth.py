"""Blueprint 'auth' — being built (issue 4)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
