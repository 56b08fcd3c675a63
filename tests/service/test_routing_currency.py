"""A segment's amount threshold names its currency: a EUR deal is not routed by a PLN
threshold (Dealflow keeps no exchange rates), the preview says why and the deal's
opening event keeps it; the shipped routing's thresholds name theirs. On SQLite and
PostgreSQL."""

from __future__ import annotations

import shutil
from contextlib import closing

from engine import load_methodologies
from tests.conftest import BASE_METHODOLOGY, SHIPPED, make_engine

BIG = """segments:
  - id: big
    name: Big deals
    when: channel == 'retail'
    amount: {currency: PLN, at_least: 100000}
    methodology: small-deal
    team: horeca
    assignment: round_robin
"""
NOTE = ("Segment 'Big deals' takes deals of at least 100000 PLN; this deal is in EUR, and Dealflow "
        "converts no currencies, so it did not match.")


def with_big_deals(tmp_path):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    routing = target / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("segments:\n", BIG, 1), "utf-8")
    return target


def deal(amount: str, currency: str) -> dict:
    return dict(title="Cold room", amount=amount, currency=currency, partner="Hotel Rex", actor="manager",
                attributes={"channel": "retail"})


def test_a_threshold_routes_deals_in_its_currency_only_and_says_why_not(db_url, clock, tmp_path):
    with closing(make_engine(db_url, clock, with_big_deals(tmp_path))) as engine:
        pln = engine.create_opportunity(**deal("100000.00", "PLN"))
        assert pln.segment_id == "big"
        assert [e.data.get("routing_notes") for e in pln.events if e.kind == "opened"] == [None]
        assert engine.create_opportunity(**deal("99999.99", "PLN")).segment_id == "everyone-else"
        preview = engine.preview_opportunity(**deal("100000.00", "EUR"))
        assert (preview.segment_id, preview.routing_notes) == ("everyone-else", (NOTE,))
        eur = engine.create_opportunity(**deal("100000.00", "EUR"))
        assert eur.segment_id == "everyone-else"
        assert [e.data["routing_notes"] for e in eur.events if e.kind == "opened"] == [[NOTE]]


def test_the_shipped_large_horeca_threshold_is_in_pln():
    result = load_methodologies(str(SHIPPED))
    assert result.problems == []
    (large,) = [s for r in result.library.routing for s in r.segments if s.id == "horeca-large"]
    assert (large.amount.currency, large.amount.at_least, large.amount.below) == ("PLN", 50000, None)
