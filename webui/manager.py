"""Blueprint 'manager' — being built (issue 4)."""

from flask import Blueprint

bp = Blueprint("manager", __name__)
