"""Bad input as an attacker or a careless client sends it, through the real app on the
real engine: ids no row can have, NUL characters and lone surrogates in any text,
invalid UTF-8. Each is a clear 4xx naming what is wrong, never a 500.

The routes are read from the app's own url_map, so a route added later is probed too."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.webui.pages_support import client_for, open_deal
from webui import create_app

TOO_BIG = ("2147483648", "99999999999", "99999999999999999999", "0", "00", "-1")


def _id_routes() -> list[tuple[str, str]]:
    """(method, rule) for every route of the app with an integer in its path."""
    app = create_app({"ENGINE": object(), "SECRET_KEY": "x", "TESTING": True})
    found = []
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            found += [(method, rule.rule) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


ID_ROUTES = _id_routes()


def _path(rule: str, number: str) -> str:
    """The rule with every integer replaced by ``number`` and every other part by 'x'."""
    return re.sub(r"<([^:<>]+:)?[^<>]+>", lambda m: number if m.group(1) == "int:" else "x", rule)


@pytest.fixture
def token(engine):
    return engine.create_token("admin")


def test_the_app_has_the_routes_with_ids_the_issue_counted():
    api = [r for r in ID_ROUTES if r[1].startswith("/api/")]
    assert len(api) == 13 and len(ID_ROUTES) - len(api) == 12


@pytest.mark.parametrize("method, rule", ID_ROUTES)
def test_an_id_no_row_can_have_is_404_on_every_route(app, engine, token, method, rule):
    open_deal(engine)  # something exists, so the 404 is not just an empty table
    browser = client_for(app, "admin")
    for number in TOO_BIG:
        path = _path(rule, number)
        if rule.startswith("/api/"):
            response = app.test_client().open(path, method=method, headers={"Authorization": f"Bearer {token}"},
                                              data=json.dumps({"name": "x"}), content_type="application/json")
            assert response.status_code == 404, (path, response.text)
            assert set(response.get_json()) == {"error", "message", "fields"}
        else:
            response = browser.open(path, method=method, data={"name": "x"})
            assert response.status_code == 404, (path, response.text)
            assert 'id="error-404"' in response.text
