"""The pure partner rules: a card as typed, the credit check, the list's criteria, the
history's sentences, and who sees and changes a partner."""

from decimal import Decimal

import pytest

from engine.errors import FormError
from engine.rules import partners as rules
from engine.rules.partner_history import sentence
from engine.rules.policy import Actor, Deal, PartnerFacts, may_edit_partner, may_hand_over_partner, may_see_partner

D = Decimal


def test_a_card_is_normalised_and_defaults_filled():
    card = rules.card({"name": " Acme ", "tax_id": "DE 136 695 976", "country": "Niemcy", "phone": "030 1234567",
                       "postal_code": "10115", "credit_limit": "", "territory": " "})
    assert (card["name"], card["tax_id"], card["country"], card["phone"]) == ("Acme", "DE136695976", "DE", "0301234567")
    assert (card["postal_code"], card["credit_limit"], card["territory"]) == ("10115", None, None)
    assert (card["kind"], card["currency"], card["balance"], card["notes"]) == ("prospect", "PLN", D("0.00"), "")


def test_a_partial_card_checks_only_what_it_names_and_reads_by_the_stored_country():
    assert rules.card({"phone": "600 123 456"}, country="PL", partial=True) == {"phone": "+48600123456"}
    with pytest.raises(FormError) as caught:
        rules.card({"postal_code": "1234", "kind": None, "addresses": "x"}, country="PL", partial=True)
    assert set(caught.value.fields) == {"postal_code", "kind", "addresses"}


@pytest.mark.parametrize("deals, new, exposure, warning", [
    ([], None, "100.00", None),
    ([(D("400.00"), "PLN")], D("500.00"), "1000.00", None),  # at the limit is not over it
    ([(D("400.00"), "PLN")], D("500.01"), "1000.01",
     "Credit limit exceeded: balance 100.00 + open deals 900.01 = 1\u202f000.01 PLN, over the limit of 1\u202f000.00 PLN"),
    ([(D("5000.00"), "EUR"), (D("950.00"), "PLN")], None, "1050.00",
     "Credit limit exceeded: balance 100.00 + open deals 950.00 = 1\u202f050.00 PLN, over the limit of 1\u202f000.00 PLN "
     "(deals in EUR not counted)"),
])
def test_the_credit_position_sums_the_partners_currency_only(deals, new, exposure, warning):
    credit = rules.credit_position(balance=D("100.00"), limit=D("1000.00"), currency="PLN", open_deals=deals,
                                   new_amount=new, new_currency="PLN")
    assert (str(credit.exposure), credit.warning, credit.over) == (exposure, warning, warning is not None)


def test_no_limit_never_warns():
    credit = rules.credit_position(balance=D("9e9"), limit=None, currency="PLN", open_deals=[(D("1"), "USD")])
    assert credit.warning is None and credit.other_currencies == ("USD",)


def test_criteria_read_query_parameters_and_write_them_back():
    found = rules.criteria({"q": " łódź ", "kind": "prospect", "status": "all", "page": "2", "owner": ""})
    assert found == rules.PartnerCriteria(text="łódź", kind="prospect", status=None)
    assert found.as_query() == {"text": "łódź", "kind": "prospect", "status": "all"}
    assert rules.criteria({}).as_query() == {}
    with pytest.raises(FormError) as caught:
        rules.criteria({"kind": "friend", "status": "gone"})
    assert set(caught.value.fields) == {"kind", "status"}


def test_history_entries_read_as_sentences_even_of_unknown_kinds():
    assert sentence("updated", "anna", {"changes": {"credit_limit": ["1.00", "2.00"], "notes": ["a", "b"]}}) == (
        "anna changed the credit limit from 1.00 to 2.00, the notes")
    assert sentence("became_customer", "rep1", {}, 7) == "became a customer when rep1 won deal 7"
    assert sentence("merged", None, {}) == "the system did 'merged'"
    assert sentence("updated", "ola", {"lead_import_id": 4, "row": 12, "fields": ["city", "tax_id"]}) == (
        "ola changed the city, the tax id from lead import 4, row 12")
    assert sentence("handed_over", "manager", {"from_owner": None, "to_owner": "rep2"}) == (
        "manager handed the partner from nobody to rep2")
    assert sentence("handed_over", "manager", {"from_owner": "rep1", "to_owner": "rep2", "open_deals": 2, "tasks": 1,
                                               "activities": 0, "closed_deals_moved": 1}) == (
        "manager handed the partner from rep1 to rep2 with 2 open deals, 1 task, 1 closed deal")
    assert sentence("activity_planned", "rep1", {"activity_kind": "call", "subject": "Prices"}) == (
        "rep1 planned the call 'Prices'")


REP, OTHER_REP, MANAGER, OTHER_MANAGER, ADMIN, DESIGNER = (
    Actor(1, "rep", {10}), Actor(2, "rep", {20}), Actor(3, "manager", {10}), Actor(4, "manager"), Actor(5, "admin"),
    Actor(6, "designer"))


@pytest.mark.parametrize("actor, sees, edits, hands_over", [
    (REP, True, True, False),             # owns it
    (OTHER_REP, True, False, False),      # owns one of its deals
    (MANAGER, True, True, True),          # a member of the owner's team
    (OTHER_MANAGER, True, True, True),    # the owner's team's manager by Team.manager_id
    (ADMIN, True, True, True),
    (DESIGNER, False, False, False),      # even though designers see every deal
])
def test_who_sees_edits_and_hands_over_a_partner(actor, sees, edits, hands_over):
    partner = PartnerFacts(owner_id=1, owner_team_ids=frozenset({10}), owner_manager_ids=frozenset({4}),
                           deals=(Deal(owner_id=2, manager_id=None),))
    assert (may_see_partner(actor, partner), may_edit_partner(actor, partner),
            may_hand_over_partner(actor, partner)) == (sees, edits, hands_over)


def test_a_partner_nobody_owns_is_any_managers_but_no_reps():
    pool = PartnerFacts(owner_id=None)
    assert may_see_partner(OTHER_MANAGER, pool) and may_edit_partner(OTHER_MANAGER, pool)
    assert not may_see_partner(REP, pool) and not may_edit_partner(REP, pool)
