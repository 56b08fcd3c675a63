"""An answer with repeated parts encoded once (webui/api/shared_json.py) is byte for
byte what ``jsonify`` answers, over what Flask's JSON treats specially (the inbox's
answer on both databases: tests/webui/test_api.py)."""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from flask import Flask

from webui.api.shared_json import jsonify_sharing


def an_app(**config) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    return app


def awkward_document():
    """What Flask's JSON does something about, in shared and in unshared parts."""
    shared = {"Zürich ☃ 𝄞": [Decimal("12.50"), Decimal("1E+2")], "when": datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc),
              "day": date(2026, 12, 6), "id": uuid.UUID(int=7), "by_number": {3: "three", 1: "one"}, "nan": math.nan, "inf": -math.inf,
              "float": 1e16, "text": "shared-0000000000000000-0", "nested": [{"b": 1, "a": None}]}
    other = {"label": "Ünïcode \u2028 \x7f", "amount": Decimal("-0.00"), "nothing": []}
    holders = [{"id": n, "form": shared if n % 2 else other, "name": f"task {n} «»"} for n in range(6)]
    holders.append({"id": 9, "form": shared["nested"], "name": "a part of a shared part"})
    return {"tasks": holders, "z": {"form": "not a holder"}, "a": ["shared-x-1"]}, holders


@pytest.mark.parametrize("config", [{}, {"DEBUG": True}], ids=["compact", "debug"])
def test_shared_parts_encode_to_jsonifys_exact_bytes(config):
    app = an_app(**config)
    document, holders = awkward_document()
    with app.app_context():
        expected = app.json.response(document)
        given = jsonify_sharing(document, holders, "form")
    assert given.get_data() == expected.get_data()
    assert given.mimetype == expected.mimetype == "application/json"
    assert b"\\u00fc" in given.get_data() and b"NaN" in given.get_data()  # ASCII-escaped, NaN as Python writes it


def test_an_indented_app_answers_indented_and_the_document_is_left_as_given():
    app = an_app()
    app.json.compact = False
    document, holders = awkward_document()
    before = [holder["form"] for holder in holders]
    with app.app_context():
        given = jsonify_sharing(document, holders, "form").get_data()
        assert given == app.json.response(document).get_data()
    assert b'\n  "a": [' in given
    assert all(holder["form"] is form for holder, form in zip(holders, before))


def test_a_part_that_cannot_be_encoded_fails_as_jsonify_does_and_leaves_the_document_as_given():
    app = an_app()
    document, holders = awkward_document()
    holders[3]["form"] = object()
    before = [holder["form"] for holder in holders]
    with app.app_context(), pytest.raises(TypeError):
        jsonify_sharing(document, holders, "form")
    assert all(holder["form"] is form for holder, form in zip(holders, before))
