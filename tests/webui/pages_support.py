"""Helpers for the tests of the server-rendered screens: an app over a real engine,
logging in through the login form, and the CSRF token of a rendered page.

Most screen tests build the app with CSRF off (WTF_CSRF_ENABLED False) to keep the
requests short; test_pages_auth.py runs with it on and checks that a POST without
the token is refused."""

from __future__ import annotations

import re

from engine.service import Engine
from webui import create_app

PASSWORD = "demo"
TITLE, PARTNER = "Secret cold room", "Hidden Partner Ltd"


def make_app(engine: Engine, *, csrf: bool = False):
    return create_app({"ENGINE": engine, "SECRET_KEY": "test-secret", "TESTING": True,
                       "WTF_CSRF_ENABLED": csrf})


def with_passwords(engine: Engine) -> Engine:
    """Give every user of tests.conftest.make_engine the password 'demo'."""
    for user in engine.list_users():
        engine.ensure_demo_user(user.username, user.role, user.display_name)
    return engine


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def log_in(client, username: str, password: str = PASSWORD, csrf: bool = False):
    data = {"username": username, "password": password}
    if csrf:
        data["csrf_token"] = csrf_token(client.get("/login").text)
    return client.post("/login", data=data)


def client_for(app, username: str):
    client = app.test_client()
    response = log_in(client, username)
    assert response.status_code == 302, response.text
    return client


def open_deal(engine: Engine, title: str = TITLE, partner: str = PARTNER, channel: str = "retail", **attributes):
    """A deal in the base test methodology (tests/methodology/base): the first goes to
    rep1, the next to rep2 (round robin in team 'sales', managed by 'manager')."""
    return engine.create_opportunity(title=title, amount="1000.00", partner=partner,
                                     attributes={"channel": channel, **attributes}, actor="manager")


def assert_nothing_leaks(response, *secrets: str) -> None:
    for secret in secrets or (TITLE, PARTNER):
        assert secret not in response.text
