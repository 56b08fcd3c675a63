"""Form fields whose id is a dotted path (``auction.endDate``): checked like any field
under that id, sent flat or as a nested object, and put inside the record the path
names when the answers reach the deal's data (corpus I03's auction)."""

from __future__ import annotations

from datetime import date

from engine.methodology.model import FormField
from engine.rules.forms import into_records, validate_form, value_at

AUCTION = (
    FormField(id="auction.authorized", label="Auction: authorized", type="boolean", line=1, required=True),
    FormField(id="auction.endDate", label="Auction: end date", type="date", line=2, required=True),
    FormField(id="auction.numberOfBids", label="Auction: number of bids", type="long", line=3, minimum="0"),
)


def test_a_dotted_field_is_checked_and_typed_under_its_id():
    clean, errors = validate_form(AUCTION, {"auction.authorized": "yes", "auction.endDate": "2026-03-31",
                                            "auction.numberOfBids": "4"})
    assert errors == {}
    assert clean == {"auction.authorized": True, "auction.endDate": date(2026, 3, 31), "auction.numberOfBids": 4}


def test_its_problems_are_named_by_the_path():
    _, errors = validate_form(AUCTION, {"auction.endDate": "soon", "auction.numberOfBids": "-1"})
    assert errors == {"auction.authorized": "this field is required",
                      "auction.endDate": "enter a date such as 2026-03-31",
                      "auction.numberOfBids": "enter 0 or more"}


def test_a_json_client_may_send_the_record_as_an_object():
    clean, errors = validate_form(AUCTION, {"auction": {"authorized": False, "endDate": "2026-03-31"}})
    assert errors == {} and clean == {"auction.authorized": False, "auction.endDate": date(2026, 3, 31)}
    # A field the record does not have is unknown, under its path.
    _, errors = validate_form(AUCTION, {"auction": {"authorized": True, "endDate": "2026-03-31", "title": "x"}})
    assert list(errors) == ["auction.title"] and errors["auction.title"].startswith("unknown field")
    # A value where the record belongs is no answer to its fields.
    _, errors = validate_form(AUCTION, {"auction": "yes"})
    assert errors["auction"].startswith("unknown field") and errors["auction.authorized"] == "this field is required"


def test_the_answers_fill_the_record_and_keep_what_another_form_put_there():
    data = {"auction": {"endDate": date(2026, 3, 31), "bids": {"first": 10}}, "title": "Lot 7"}
    entries = into_records(data, {"auction.authorized": True, "auction.bids.last": 25, "note": "ok"})
    assert entries == {"auction": {"endDate": date(2026, 3, 31), "authorized": True,
                                   "bids": {"first": 10, "last": 25}}, "note": "ok"}
    # The data it was given is not changed (the step may still fail and be retried).
    assert data == {"auction": {"endDate": date(2026, 3, 31), "bids": {"first": 10}}, "title": "Lot 7"}


def test_a_path_over_something_that_is_not_a_record_makes_one():
    assert into_records({"auction": "old text"}, {"auction.authorized": True}) == {"auction": {"authorized": True}}
    assert into_records({}, {"a.b.c": 1, "a.b.d": 2, "a.e": 3}) == {"a": {"b": {"c": 1, "d": 2}, "e": 3}}


def test_a_field_is_read_back_by_its_id_or_along_its_path():
    nested = {"auction": {"endDate": date(2026, 3, 31)}}
    assert value_at(nested, "auction.endDate") == date(2026, 3, 31)
    assert value_at({"auction.endDate": "flat"}, "auction.endDate") == "flat"
    assert value_at(nested, "auction.missing") is None and value_at({"auction": 3}, "auction.x") is None


def test_a_condition_hiding_a_field_reads_the_record_its_fields_fill():
    fields = (FormField(id="applicant.employed", label="Employed", type="boolean", line=1, required=True),
              FormField(id="applicant.employer", label="Employer", type="string", line=2, required=True,
                        hidden_when="(not applicant.employed)"))
    clean, errors = validate_form(fields, {"applicant.employed": "no"})
    assert errors == {} and clean == {"applicant.employed": False}
    _, errors = validate_form(fields, {"applicant.employed": "yes"})
    assert errors == {"applicant.employer": "this field is required"}
