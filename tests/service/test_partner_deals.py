"""A deal and its partner, on each database: a deal opened for a partner by id takes
its card's attributes, the credit check warns when a deal takes the partner past its
limit, and a prospect becomes a customer with its first won deal."""

from decimal import Decimal

import pytest

from engine.errors import FormError


def open_deal(engine, amount="20000.00", **values):
    values = dict(dict(title="Cold room", amount=amount, currency="PLN", actor="manager"), **values)
    if "partner_id" not in values:
        values.setdefault("partner", "Bar Mleczny")
        values.setdefault("attributes", {"channel": "retail", "territory": "PL-MZ"})
    return engine.create_opportunity(**values)


def complete(engine, opportunity, **data):
    (task,) = opportunity.open_tasks
    return engine.complete_task(task.id, actor=task.assignee, data=data)


def win(engine, deal):
    return complete(engine, complete(engine, deal, amount=str(int(deal.amount)), interested="true"), result="accepted")


def test_a_deal_opened_for_a_partner_takes_its_name_and_card_attributes(engine):
    card = engine.create_partner(actor="manager", name="Hotel Pod Różą", territory="PL-N", channel="horeca",
                                 industry="hotels", source="fair")
    deal = open_deal(engine, partner_id=card.id, attributes={"industry": "catering"})
    assert (deal.partner_id, deal.partner_name) == (card.id, "Hotel Pod Różą")
    assert deal.attributes == {"territory": "PL-N", "channel": "horeca", "industry": "catering", "source": "fair"}
    assert (deal.segment_id, deal.owner) == ("horeca", "rep1")  # routed on the card's channel and territory
    card = engine.partner(card.id, viewer="manager")
    assert [d.id for d in card.open_deals] == [deal.id]
    assert card.history[0].kind == "deal_opened" and card.history[0].opportunity_id == deal.id


def test_a_partner_id_the_actor_cannot_use_is_a_field_error(engine):
    theirs = engine.create_partner(actor="rep3", name="Of others")
    archived = engine.create_partner(actor="rep1", name="Gone")
    engine.archive_partner(archived.id, actor="rep1")
    for partner_id, message in ((theirs.id, "no such partner"), (99999, "no such partner"),
                                (0, "enter a whole number"), (archived.id, "archived")):
        with pytest.raises(FormError) as caught:
            open_deal(engine, partner_id=partner_id)
        assert message in caught.value.fields["partner_id"]
    assert engine.partners("admin", {"status": "all"}).total == 2  # no prospect opened by the refusals


def test_a_deal_over_the_credit_limit_opens_with_a_warning_for_rep_and_manager(engine):
    card = engine.create_partner(actor="manager", name="Acme", credit_limit="30000", balance="5000.00")
    first = open_deal(engine, partner_id=card.id, amount="20000.00")
    assert first.credit_warning is None and "credit_warning" not in [e.kind for e in first.events]
    second = open_deal(engine, partner_id=card.id, amount="10000.00", currency="PLN")
    warning = ("Credit limit exceeded: balance 5\u202f000.00 + open deals 30\u202f000.00 = 35\u202f000.00 PLN, "
               "over the limit of 30\u202f000.00 PLN")
    assert second.credit_warning == warning
    assert [e.data["warning"] for e in second.events if e.kind == "credit_warning"] == [warning]
    for viewer in (second.owner, "manager"):
        assert engine.opportunity_for(second.id, viewer=viewer).credit_warning == warning
    assert engine.opportunity_for(first.id, viewer="manager").credit_warning == warning  # both count now
    history = engine.partner(card.id, viewer="manager").history
    assert [(e.kind, e.opportunity_id) for e in history if e.kind == "credit_warning"] == [("credit_warning", second.id)]
    assert engine.partner(card.id, viewer="manager").credit.exposure == Decimal("35000.00")


def test_deals_in_another_currency_are_not_summed_and_the_warning_says_so(engine):
    card = engine.create_partner(actor="manager", name="Acme", credit_limit="1000", currency="PLN")
    euro = open_deal(engine, partner_id=card.id, amount="5000.00", currency="EUR")
    assert euro.credit_warning is None
    zloty = open_deal(engine, partner_id=card.id, amount="2000.00")
    assert zloty.credit_warning.endswith("(deals in EUR not counted)")
    assert engine.partner(card.id, viewer="admin").credit.other_currencies == ("EUR",)


def test_winning_the_first_deal_makes_the_prospect_a_customer_audited(engine, clock):
    first = open_deal(engine)
    second = open_deal(engine)
    assert first.partner_id == second.partner_id
    assert engine.partner(first.partner_id, viewer="admin").kind == "prospect"
    clock.advance(hours=3)
    won = win(engine, first)
    assert won.status == "won"
    card = engine.partner(first.partner_id, viewer="admin")
    assert (card.kind, card.became_customer_at, card.became_customer_by, card.became_customer_opportunity_id) == (
        "customer", clock.now, won.closed_by, first.id)
    (event,) = [e for e in card.history if e.kind == "became_customer"]
    assert (event.actor, event.at, event.opportunity_id) == (won.closed_by, clock.now, first.id)
    assert event.text == f"became a customer when {won.closed_by} won deal {first.id}"
    clock.advance(hours=1)
    win(engine, second)  # a second win changes nothing
    again = engine.partner(first.partner_id, viewer="admin")
    assert (again.became_customer_at, again.became_customer_opportunity_id) == (card.became_customer_at, first.id)
    assert [e.kind for e in again.history].count("became_customer") == 1


def test_a_lost_deal_leaves_the_prospect_a_prospect(engine):
    deal = open_deal(engine)
    lost = complete(engine, complete(engine, deal, amount="500", interested="true"), result="rejected")
    assert lost.status == "lost"
    engine.close_as_lost(open_deal(engine).id, actor="manager", reason="budget")
    card = engine.partner(deal.partner_id, viewer="admin")
    assert (card.kind, card.became_customer_at) == ("prospect", None)
    assert "became_customer" not in [e.kind for e in card.history]


def test_a_supplier_that_wins_a_deal_stays_a_supplier(engine):
    card = engine.create_partner(actor="manager", name="Parts Ltd", kind="supplier",
                                 channel="retail", territory="PL-MZ")
    win(engine, open_deal(engine, partner_id=card.id))
    card = engine.partner(card.id, viewer="admin")
    assert (card.kind, card.became_customer_at) == ("supplier", None)


def test_the_buying_center_can_name_the_partners_contact_persons(engine):
    card = engine.create_partner(actor="manager", name="Acme", channel="retail", territory="PL-MZ")
    anna = engine.add_partner_contact(card.id, actor="manager", name="Anna Nowak", function="head of purchasing")
    other = engine.create_partner(actor="manager", name="Other")
    jan = engine.add_partner_contact(other.id, actor="manager", name="Jan Kowalski")
    deal = open_deal(engine, partner_id=card.id)
    person = engine.add_contact(deal.id, actor="manager", partner_contact_id=anna.id, role=None, influence=5)
    assert (person.name, person.job_title, person.partner_contact_id, person.influence) == (
        "Anna Nowak", "head of purchasing", anna.id, 5)
    renamed = engine.add_contact(deal.id, actor="manager", partner_contact_id=anna.id, name="Anna N.")
    assert (renamed.name, renamed.job_title) == ("Anna N.", "head of purchasing")
    for wrong in (jan.id, 99999, "x", 0):
        with pytest.raises(FormError) as caught:
            engine.add_contact(deal.id, actor="manager", partner_contact_id=wrong)
        assert caught.value.fields == {"partner_contact_id": "not a contact person of this deal's partner"}
    plain = engine.add_contact(deal.id, actor="manager", name="Piotr")  # as before: no partner contact
    assert plain.partner_contact_id is None
    assert [c.partner_contact_id for c in engine.buying_center(deal.id, viewer="manager").contacts] == [
        anna.id, anna.id, None]
