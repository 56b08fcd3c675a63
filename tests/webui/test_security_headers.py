"""Security headers (webui/headers.py) on every response: each GET route of the
url_map, static files, JSON and HTML errors, werkzeug's own 500 page; HSTS only over
HTTPS; Secure cookies when configured; and no inline script or style in a template,
which the Content-Security-Policy would block."""

import re
from pathlib import Path

import pytest

from tests.webui.pages_support import client_for, make_app, open_deal
from webui import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "webui" / "templates"
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
CSP_PARTS = ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "object-src 'none'",
             "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'")


def assert_secured(response, what: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{what}: {name}"
    policy = response.headers.get("Content-Security-Policy", "")
    if response.mimetype == "image/svg+xml":  # the SVG download's own, stricter policy
        assert policy.startswith("default-src 'none'") and policy.endswith("; frame-ancestors 'none'"), policy
        return
    assert all(part in policy for part in CSP_PARTS), f"{what}: {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Strict-Transport-Security" not in response.headers, f"{what}: HSTS over plain HTTP"


def test_every_get_route_answers_with_the_security_headers_logged_in_and_not(app, engine):
    deal = open_deal(engine)
    values = {"opportunity_id": deal.id, "task_id": deal.open_tasks[0].id, "filename": "dealflow.css",
              "rest": "no-such-thing", "questionnaire_id": "bant",
              "token": "no-such-token", "import_id": 1, "list_id": 1, "kind": "csv", "activity_id": 1,
              "partner_id": deal.partner_id, "fmt": "csv", "warning_id": 1,
              "name": "vega/build/vega.min.js", "form": "contacts",
              "methodology_id": "base", "username": "rep1", "team": "sales", "contact_id": 1}
    token = engine.create_token("manager")
    manager = client_for(app, "manager")
    statuses = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        for who, client in (("manager", manager), ("anonymous", app.test_client())):
            response = client.get(path, headers={"Authorization": f"Bearer {token}"} if who == "manager" else {})
            response.close()  # a static file is streamed from an open file
            assert_secured(response, f"{who} GET {path} ({response.status_code})")
            statuses[who, rule.endpoint] = response.status_code
    # the routes were really served, not refused before they ran
    assert all(statuses["manager", endpoint] == 200 for endpoint in (
        "inbox.index", "inbox.task", "opportunities.show", "manager.pipeline", "segments.index", "static",
        "api.show_opportunity", "api.inbox", "api.openapi_document", "healthz", "api.buying_center_svg"))
    assert statuses["anonymous", "inbox.index"] == 302 and statuses["anonymous", "api.inbox"] == 401


def test_errors_carry_the_headers_html_json_csrf_and_an_unexpected_500(engine):
    app = create_app({"ENGINE": engine, "SECRET_KEY": "test-secret", "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    client = app.test_client()
    answers = {"html 404": client.get("/nowhere"), "json 404": client.get("/api/v1/nowhere"),
               "405": client.put("/login"), "csrf 400": client.post("/login", data={"username": "rep1"}),
               "500": client.get("/boom")}
    assert [r.status_code for r in answers.values()] == [404, 404, 405, 400, 500]
    for what, response in answers.items():
        assert_secured(response, what)


def test_hsts_is_sent_only_over_https_and_behind_a_trusted_proxy_only_when_it_says_https(engine):
    direct = make_app(engine)
    assert "Strict-Transport-Security" not in direct.test_client().get("/login").headers
    over_tls = direct.test_client().get("/login", base_url="https://dealflow.example")
    assert over_tls.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    # X-Forwarded-Proto is believed only from a trusted proxy: anyone can send it
    forged = direct.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers
    proxied = create_app({"ENGINE": engine, "SECRET_KEY": "s", "TESTING": True, "TRUSTED_PROXIES": 1})
    behind = proxied.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind.headers


@pytest.mark.parametrize("setting", ["config", "environment"])
def test_session_cookies_are_secure_when_the_deployment_says_https(engine, monkeypatch, setting):
    config = {"ENGINE": engine, "SECRET_KEY": "s", "TESTING": True, "WTF_CSRF_ENABLED": False}
    if setting == "config":
        config["SECURE_COOKIES"] = True
    else:
        monkeypatch.setenv("DEALFLOW_SECURE_COOKIES", "1")
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().post("/login", data={"username": "rep1", "password": "demo"},
                                      base_url="https://dealflow.example")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "; Secure" in cookie and "HttpOnly" in cookie
    monkeypatch.delenv("DEALFLOW_SECURE_COOKIES", raising=False)
    plain = make_app(engine).test_client().post("/login", data={"username": "rep1", "password": "demo"})
    assert "Secure" not in next(h for h in plain.headers.getlist("Set-Cookie") if h.startswith("session="))


INLINE = [
    # a JSON data block (a chart's specification) is never executed, so the policy allows it
    (re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style", re.I), "a <style> element"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_holds_inline_script_or_style_the_policy_would_block():
    found = [f"{path.name}: {what}" for path in sorted(TEMPLATES.rglob("*.html"))
             for pattern, what in INLINE if pattern.search(path.read_text("utf-8"))]
    assert found == []
