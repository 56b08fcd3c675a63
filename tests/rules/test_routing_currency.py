"""Routing's amount thresholds name their currency (pure): Dealflow keeps no exchange
rates, so 100000 JPY is not 100000 EUR — a deal in another currency is not in the band,
and the routing says why it passed the segment over."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.methodology.model import AmountBand, Routing, Segment
from engine.rules.routing import Routed, RoutingError, route, routing_variables


def segment(id: str, when: str | None = None, amount: AmountBand | None = None) -> Segment:
    return Segment(id=id, name=id.title(), when=when, methodology="m", methodology_version=None, team="t",
                   assignment="round_robin", amount=amount)


LARGE = segment("large", "channel == 'horeca'", AmountBand("EUR", at_least=Decimal("100000")))
ROUTING = Routing(id="r", path="routing/r.yaml", lanes={}, segments=(LARGE, segment("rest")))


def routed(amount: str, currency: str, routing: Routing = ROUTING, channel: str = "horeca"):
    return route(routing, routing_variables(Decimal(amount), currency, {"channel": channel}, {}))


def test_a_threshold_admits_deals_in_its_own_currency_from_its_amount_on():
    assert routed("100000", "EUR") == Routed(LARGE, ())
    assert routed("99999.99", "EUR").segment.id == "rest"
    assert routed("99999.99", "EUR").notes == ()  # below the threshold: nothing to explain


def test_a_deal_in_another_currency_is_not_compared_and_the_routing_says_why():
    yen = routed("100000", "JPY")
    assert yen.segment.id == "rest"
    assert yen.notes == ("Segment 'Large' takes deals of at least 100000 EUR; this deal is in JPY, and "
                         "Dealflow converts no currencies, so it did not match.",)
    assert routed("100000", "JPY", channel="retail").notes == ()  # its condition did not hold anyway


def test_a_band_with_both_ends_takes_at_least_and_below():
    band = AmountBand("PLN", at_least=Decimal("1000"), below=Decimal("5000"))
    assert [band.admits(Decimal(a), "PLN") for a in ("999.99", "1000", "4999.99", "5000")] == [
        False, True, True, False]
    assert str(band) == "at least 1000 and below 5000 PLN"


def test_when_nothing_matches_the_error_carries_the_currency_notes():
    only = Routing(id="r", path="routing/r.yaml", lanes={}, segments=(LARGE,))
    with pytest.raises(RoutingError, match=r"catch every other opportunity \(Segment 'Large' takes deals of "
                                           r"at least 100000 EUR; this deal is in USD"):
        routed("250000", "USD", only)


def test_a_segment_with_only_an_amount_band_is_no_catch_all():
    big = segment("big", amount=AmountBand("EUR", at_least=Decimal("100000")))
    routing = Routing(id="r", path="routing/r.yaml", lanes={}, segments=(big, segment("rest")))
    assert routed("100000", "EUR", routing).segment.id == "big"
    assert routed("5000", "EUR", routing).segment.id == "rest"
    # With no segment lacking both 'when' and 'amount', the advice must name both:
    # adding one without 'when' but with an amount would catch nothing more.
    with pytest.raises(RoutingError, match=r"add a segment without 'when' or 'amount' at the end"):
        routed("5000", "EUR", Routing(id="r", path="routing/r.yaml", lanes={}, segments=(big,)))
