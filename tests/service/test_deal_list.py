"""The deals lists (issue 15): my deals and the team's, text search in title,
partner and contact names, filters, sorting, paging, sums per currency, and the
scope each role gets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import FormError


def deal(engine, title, partner, amount="1000.00", currency="PLN", **extra):
    return engine.create_opportunity(title=title, amount=amount, currency=currency, partner=partner,
                                     attributes={"channel": "retail"}, actor="manager", **extra)


@pytest.fixture
def deals(engine):
    made = [deal(engine, "Cold room", "Hotel Rex"),                       # rep1
            deal(engine, "Oven", "Bistro Nowak", "500.00", "EUR"),         # rep2
            deal(engine, "Fridges", "Cafe Rex", "2500.00"),                # rep1
            deal(engine, "Kiosk", "Bar Mleczny", "700.00", "EUR")]         # rep2
    engine.add_contact(made[1].id, name="Anna Kowalska", actor="manager")
    return made


def titles(page):
    return [r.title for r in page.rows]


def test_a_rep_sees_their_own_deals_and_team_scope_changes_nothing(engine, deals):
    mine = engine.deals("rep1")
    assert (mine.scope, sorted(titles(mine)), mine.may_see_team) == ("mine", ["Cold room", "Fridges"], False)
    assert sorted(titles(engine.deals("rep1", {"scope": "team"}))) == ["Cold room", "Fridges"]
    assert [(t.currency, t.count, t.amount) for t in mine.totals] == [("PLN", 2, Decimal("3500.00"))]


def test_a_manager_sees_the_teams_deals_with_sums_per_currency(engine, deals):
    team = engine.deals("manager")
    assert team.scope == "team" and team.total == 4
    assert [(t.currency, t.amount) for t in team.totals] == [("EUR", Decimal("1200.00")), ("PLN", Decimal("3500.00"))]
    assert engine.deals("manager", {"scope": "mine"}).total == 0
    assert engine.deals("manager2").total == 0
    engine.create_user("designer", "designer")
    assert engine.deals("designer").total == 4


def test_search_finds_title_partner_and_contact_names(engine, deals):
    assert sorted(titles(engine.deals("manager", {"q": "rex"}))) == ["Cold room", "Fridges"]
    assert titles(engine.deals("manager", {"q": "KOWALSKA"})) == ["Oven"]
    assert titles(engine.deals("manager", {"q": "kiosk"})) == ["Kiosk"]
    assert engine.deals("manager", {"q": "100%_"}).total == 0  # wildcards are literal


def test_filters_sort_and_pages(engine, deals):
    assert titles(engine.deals("manager", {"sort": "-amount"})) == ["Fridges", "Cold room", "Kiosk", "Oven"]
    assert titles(engine.deals("manager", {"sort": "partner"})) == ["Kiosk", "Oven", "Fridges", "Cold room"]
    assert titles(engine.deals("manager", {"amount_min": "600", "amount_max": "1 000,00", "sort": "title"})) == [
        "Cold room", "Kiosk"]
    assert sorted(titles(engine.deals("manager", {"owner": "rep2"}))) == ["Kiosk", "Oven"]
    engine.close_as_lost(deals[0].id, actor="manager", reason_code="price")
    assert titles(engine.deals("manager", {"status": "lost"})) == ["Cold room"]
    assert engine.deals("manager", {"status": "open", "stage": "qualification"}).total == 3
    assert engine.deals("manager", {"methodology": "small-deal", "segment": "everyone-else"}).total == 4
    assert engine.deals("manager", {"close_from": "2027-01-01"}).total == 0
    second = engine.deals("manager", {"sort": "title", "per_page": "3", "page": "2"})
    assert (titles(second), second.pages, second.total) == (["Oven"], 2, 4)
    assert second.filters == {"sort": "title", "per_page": "3", "page": "2"}


def test_every_bad_parameter_is_named(engine, deals):
    with pytest.raises(FormError) as err:
        engine.deals("manager", {"status": "maybe", "sort": "colour", "page": "0", "close_to": "soon",
                                 "amount_min": "lots"})
    assert set(err.value.fields) == {"status", "sort", "page", "close_to", "amount_min"}


def test_the_stage_sort_follows_the_funnel_not_the_stage_ids_spelling(engine, deals):
    engine.close_as_lost(deals[0].id, actor="manager", reason_code="price")       # Cold room: lost
    fridges = engine.show_opportunity(deals[2].id)
    engine.complete_task(fridges.open_tasks[0].id, actor="rep1", data={"amount": 1000, "interested": True})
    stages = {r.title: r.stage_id for r in engine.deals("manager").rows}
    assert stages == {"Cold room": "lost", "Oven": "qualification", "Fridges": "offer", "Kiosk": "qualification"}
    # the stage table's order is lead, qualification, offer, won, lost (ids alone would put 'lost' first)
    assert titles(engine.deals("manager", {"sort": "stage"})) == ["Oven", "Kiosk", "Fridges", "Cold room"]
    assert titles(engine.deals("manager", {"sort": "-stage"})) == ["Cold room", "Fridges", "Kiosk", "Oven"]
    page = engine.deals("manager")
    assert [stage_id for stage_id, _ in page.stages] == ["lead", "qualification", "offer", "won", "lost"]


def test_the_default_order_puts_open_deals_first_soonest_close_first(engine):
    """What a rep opens the list for: the open deals, the one closing soonest on top; the
    won and lost ones after them, the latest first (not the oldest closed deal on top)."""
    made = {title: deal(engine, title, "Hotel Rex", expected_close_date=day) for title, day in (
        ("Lost first", "2026-11-05"), ("Late open", "2027-03-01"), ("Soon open", "2026-11-20"),
        ("Lost later", "2026-12-01"))}
    for title in ("Lost first", "Lost later"):
        engine.close_as_lost(made[title].id, actor="manager", reason_code="price")
    listing = engine.deals("manager")
    assert listing.sort == "open_first" and "sort" not in listing.filters
    assert titles(listing) == ["Soon open", "Late open", "Lost later", "Lost first"]
    # explicit sorts still do what they say
    assert titles(engine.deals("manager", {"sort": "close_date"})) == ["Lost first", "Soon open", "Lost later",
                                                                        "Late open"]
    assert titles(engine.deals("manager", {"sort": "-close_date"}))[0] == "Late open"
    assert titles(engine.deals("manager", {"sort": "title"})) == sorted(made)
