"""What every screen shares: logging in (Flask-Login), CSRF tokens (Flask-WTF) and
the template filters that show UTC moments in the viewer's time zone. Error pages
are webui/errors.py's.

The time zone comes from a ``tz`` cookie that static/timezone.js (loaded by the layout) sets
from the browser (``Intl.DateTimeFormat().resolvedOptions().timeZone``), or that
the zone form in the footer sets without JavaScript; without it, UTC."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from engine.errors import NotFoundError
from engine.views import UserView
from engine.views.sales import score_text

from webui.app_engine import engine_of

csrf = CSRFProtect()
TZ_COOKIE = "tz"


class WebUser(UserMixin):
    """The logged-in person, as Flask-Login wants it. ``get_id`` — what the session
    cookie holds — is the user's session generation and username: once the user's
    sessions are ended on the server (logout counts the generation up), the id in
    any copy of an older cookie names no session, and ``load_user`` finds nobody."""

    def __init__(self, view: UserView, generation: int):
        self.view = view
        self.username = view.username
        self.role = view.role
        self.generation = generation

    def get_id(self) -> str:
        return f"{self.generation}:{self.username}"

    @property
    def may_see_pipeline(self) -> bool:
        return self.view.may_see_pipeline

    @property
    def may_swap(self) -> bool:
        return self.view.may_swap

    @property
    def may_see_reports(self) -> bool:
        return self.view.may_see_reports


class PagesOnlySessions(SecureCookieSessionInterface):
    """The signed session cookie for the screens; none for the JSON API (/api/), which
    names its caller by a bearer token on every request and keeps nothing between
    requests: its requests neither read a session cookie nor answer ``Vary: Cookie``
    (docs/benchmarks.md, load-web: ~0.04 ms a request)."""

    def open_session(self, app, request):
        if request.path.startswith("/api/"):
            return self.make_null_session(app)  # reads as empty; a write raises: a bug, not a silent cookie
        return super().open_session(app, request)


def init_app(app: Flask, exempt=()) -> None:
    app.session_interface = PagesOnlySessions()
    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = "Log in to continue."
    login.login_message_category = "info"

    @login.user_loader
    def load_user(session_id: str):
        generation, _, username = session_id.partition(":")
        if not generation.isdigit() or not username:
            return None  # a cookie from before sessions had generations
        try:
            return WebUser(engine_of(app).user_for_session(username, int(generation)), int(generation))
        except NotFoundError:
            return None

    csrf.init_app(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)

    @app.before_request
    def viewer_zone():
        g.tz = zone(request.cookies.get(TZ_COOKIE))

    @app.context_processor
    def layout_values():
        return {"current_user": current_user, "zone_name": g.get("tz", timezone.utc)}

    app.add_template_filter(localtime)
    app.add_template_filter(localdate)
    app.add_template_filter(money)
    app.add_template_filter(score_text, "score")  # one rule for every score shown (engine.rules.score_format)
    app.add_template_filter(zone_label)


def zone(name: str | None):
    """The zone named by the cookie, if it is a real IANA zone; UTC otherwise."""
    if name and len(name) < 64 and name in _zone_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.utc


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def zone_label(tz) -> str:
    return "UTC" if tz is timezone.utc else str(tz)


def localtime(moment: datetime | None) -> str:
    """'2026-11-04 10:00 CET' in the viewer's zone; '—' for none."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(g.get("tz", timezone.utc))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def localdate(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return f"{moment.astimezone(g.get('tz', timezone.utc)):%Y-%m-%d}"


def money(amount: Decimal | None, currency: str = "") -> str:
    """12 500.00 PLN (a thin space groups the thousands)."""
    if amount is None:
        return "—"
    text = f"{Decimal(amount):,.2f}".replace(",", "\u202f")
    return f"{text} {currency}".strip()
