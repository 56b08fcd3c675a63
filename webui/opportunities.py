"""Blueprint 'opportunities' — being built (issue 4)."""

from flask import Blueprint

bp = Blueprint("opportunities", __name__)
