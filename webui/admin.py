"""Blueprint 'admin': the users-and-teams screen (issue 15). Users with their role
and teams, teams with their manager and members, creating a user, changing a role,
adding and removing team members, and a user's API tokens (listed without the
secret; a new one's secret shown once; revoking). Admins only: the façade answers
everyone else with a 403. After a change the page is loaded again (303), a refused
change is a message at the top of it."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import DealflowError, PermissionDeniedError

from webui.app_engine import engine_of

bp = Blueprint("admin", __name__)


@bp.errorhandler(PermissionDeniedError)
def refused(err: PermissionDeniedError):
    """A clear 403 page: whose screens these are (a rep or manager followed a link)."""
    return render_template("error.html", status=403, title="Not allowed",
                           text="Users, teams and API tokens are managed by admins.", message=None), 403


def _back(message: str, category: str = "success", anchor: str | None = None):
    flash(message, category)
    return redirect(url_for("admin.users", _anchor=anchor), 303)


def _change(action, done: str, anchor: str | None = None):
    try:
        action()
    except PermissionDeniedError:
        raise
    except DealflowError as err:
        return _back(str(err), "error", anchor)
    return _back(done, anchor=anchor)


@bp.get("/admin/users")
@login_required
def users():
    overview = engine_of(current_app).organisation_overview(viewer=current_user.username)
    return render_template("admin_users.html", org=overview)


@bp.post("/admin/users")
@login_required
def create_user():
    username = request.form.get("username", "").strip()
    role = request.form.get("role", "")
    display = request.form.get("display_name", "").strip() or None
    password = request.form.get("password") or None
    return _change(lambda: engine_of(current_app).admin_create_user(username, role, display, password,
                                                                     actor=current_user.username),
                   f"User {username} created as {role}." + ("" if password else
                   " They log in once a password is set ('dealflow user password')."), "users")


@bp.post("/admin/users/<username>/role")
@login_required
def set_role(username: str):
    role = request.form.get("role", "")
    return _change(lambda: engine_of(current_app).set_role(username, role, actor=current_user.username),
                   f"{username} is now {role}.", "users")


@bp.post("/admin/teams/<team>/members")
@login_required
def add_member(team: str):
    username = request.form.get("username", "").strip()
    return _change(lambda: engine_of(current_app).admin_add_team_member(team, username,
                                                                         actor=current_user.username),
                   f"{username} added to {team}.", "teams")


@bp.post("/admin/teams/<team>/members/<username>/remove")
@login_required
def remove_member(team: str, username: str):
    return _change(lambda: engine_of(current_app).remove_team_member(team, username, actor=current_user.username),
                   f"{username} removed from {team}.", "teams")


def _tokens_page(username: str, secret: str | None = None):
    engine = engine_of(current_app)
    tokens = engine.api_tokens(username, viewer=current_user.username)
    user = engine.user_view(username)
    response = current_app.make_response(render_template("admin_tokens.html", user=user, tokens=tokens,
                                                         secret=secret))
    response.headers["Cache-Control"] = "no-store"  # the secret is shown once
    return response


@bp.get("/admin/users/<username>/tokens")
@login_required
def tokens(username: str):
    return _tokens_page(username)


@bp.post("/admin/users/<username>/tokens")
@login_required
def create_token(username: str):
    secret = engine_of(current_app).admin_create_token(username, actor=current_user.username)
    return _tokens_page(username, secret)


@bp.post("/admin/users/<username>/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(username: str, token_id: int):
    if request.form.get("confirm") != "yes":  # the box the form requires (the browser may not have checked it)
        flash(f"Token #{token_id} was not revoked: tick the box to confirm.", "error")
        return redirect(url_for("admin.tokens", username=username), 303)
    engine_of(current_app).revoke_token(username, token_id, actor=current_user.username)
    flash(f"Token #{token_id} revoked: it no longer opens the API.", "success")
    return redirect(url_for("admin.tokens", username=username), 303)
