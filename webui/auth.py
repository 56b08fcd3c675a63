"""Blueprint 'auth': log in with username and password, log out (a POST with its
CSRF token), and the viewer's time zone when the browser does not send one.

Failed logins are throttled per account and per client address by the façade
(engine.service.logins): while they must wait, the form answers 429 with
Retry-After. Logging out ends the user's sessions on the server, so a copied
session cookie stops working too."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from engine import shown_name
from engine.errors import FormError, PermissionDeniedError, TooManyAttemptsError

from webui.app_engine import engine_of
from webui.pages import TZ_COOKIE, WebUser, zone

bp = Blueprint("auth", __name__)

WRONG_LOGIN = "Wrong username or password."


def _safe_next(target: str | None) -> str:
    """Only a path on this site; anything else (another host, //evil) goes to the inbox."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("inbox.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    username = request.form.get("username", "").strip()
    if request.method == "POST":
        engine = engine_of(current_app)
        try:
            user = engine.authenticate(username, request.form.get("password", ""), address=request.remote_addr)
        except TooManyAttemptsError as err:
            wait = f"Too many failed logins. Try again in {err.retry_after} seconds."
            return render_template("login.html", error=wait, username=shown_name(username),
                                   next=request.form.get("next", "")), 429, {"Retry-After": str(err.retry_after)}
        except (PermissionDeniedError, FormError) as err:  # FormError: a name no user can have (a NUL)
            shown = (WRONG_LOGIN, 401) if isinstance(err, PermissionDeniedError) else (str(err), 422)
            return render_template("login.html", error=shown[0], username=shown_name(username),
                                   next=request.form.get("next", "")), shown[1]
        login_user(WebUser(user, engine.session_generation(user.username)))
        return redirect(_safe_next(request.form.get("next")))
    return render_template("login.html", error=None, username="", next=request.args.get("next", ""))


@bp.post("/logout")
@login_required
def logout():
    engine_of(current_app).end_sessions(current_user.username)  # every copy of the cookie too
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/timezone")
@login_required
def set_timezone():
    """Remember the zone picked in the footer (for browsers without JavaScript)."""
    chosen = request.form.get("tz", "")
    response = redirect(_safe_next(request.form.get("next")))
    if str(zone(chosen)) == chosen or chosen == "UTC":
        response.set_cookie(TZ_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    else:  # said beside the field (base.html's footer), not ignored
        typed = chosen.strip()[:64] or "an empty name"
        flash(f"“{typed}” is not a time zone; times stay as they were. Type a name such as Europe/Warsaw or UTC.",
              "tz")
    return response
