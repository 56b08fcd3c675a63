"""Browser tests: real Chromium (Debian's, driven by Playwright) against the real
server on a free local port, on an SQLite database of the test's own."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run 'sh tests/install-browser.sh' (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $DEALFLOW_SCREENSHOTS, else the test's own folder (a module
    may define its own)."""
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser):
    context = browser.new_context(timezone_id="Europe/Warsaw", locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _closing_before_sending(app):
    """``app`` with each response body read to the end and closed before the server
    writes a byte of it. Werkzeug's development server closes the body only after
    draining the socket, and skips the close when that drain raises because the
    browser reset the connection (Chromium does when it navigates away mid-load): the
    static file behind the response is then left open and its ResourceWarning fails
    an unrelated test. The app's responses are small, and none is an endless stream."""

    def buffered(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return buffered


def serve(app):
    """Start ``app`` on a free port in a thread; returns (base url, stop)."""
    server = make_server("127.0.0.1", 0, _closing_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        thread.join()

    return f"http://127.0.0.1:{server.server_port}", stop


def log_in(page, url, username):
    """Log in through the login form (every demo and test user's password is 'demo')."""
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("#login-submit")
    page.wait_for_url(f"{url}/")


@contextmanager
def demo_site(tmp_path, clock=None, **deal):
    """The real app (CSRF on) on a free port over a fresh SQLite database with the
    demo accounts and the shipped methodologies, and one deal opened with ``deal``
    (create_opportunity's arguments, actor 'manager'); yields (url, deal, engine).
    ``clock``: a FakeClock, by default at the suite's fixed instant (2026-11-02 09:00
    UTC), never the wall clock: every page's "today" (due dates, periods, "overdue")
    is then the test's, not the hour CI runs at; a test that needs another day passes
    its own."""
    from engine.demo import seed_demo
    from engine.service import Engine
    from tests.conftest import SHIPPED, FakeClock

    engine = Engine(f"sqlite:///{tmp_path / 'dealflow.db'}", clock=clock or FakeClock())
    seed_demo(engine, str(SHIPPED), count=0)
    opened = engine.create_opportunity(actor="manager", **deal)
    with served(engine) as url:
        yield url, opened, engine


@contextmanager
def served(engine, **config):
    """The real app (CSRF on) over ``engine`` with ``config`` on a free port; yields its
    url; the server is stopped and the engine closed afterwards."""
    from webui import create_app

    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests", **config}))
    try:
        yield url
    finally:
        stop()
        engine.close()



@contextmanager
def watched_page(browser, width: int, height: int, watch_script: str):
    """A page of ``width`` x ``height`` in Warsaw's zone that runs ``watch_script``
    before any page script, and the list of console errors and page errors seen
    (a missing favicon aside); closed afterwards."""
    context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": height})
    context.add_init_script(watch_script)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page, errors
    finally:
        context.close()
