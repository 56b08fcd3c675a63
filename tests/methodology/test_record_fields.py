"""Form fields whose id is a dotted path, as methodology files write them: a
``camunda:formField`` id with dots, a Camunda Forms key with dots or a group's
``path`` — checked where written, and clashes between fields refused."""

from __future__ import annotations

import json

import pytest

from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.camunda_forms import read_form
from engine.methodology.field_paths import clash_problems, label_of
from engine.methodology.variables import settable

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://x">
<bpmn:process id="p" isExecutable="true">
"""


def _facts(start_fields: str, task_fields: str = ""):
    text = HEAD + f"""  <bpmn:startEvent id="start"><bpmn:extensionElements><camunda:formData>
{start_fields}
  </camunda:formData></bpmn:extensionElements></bpmn:startEvent>
  <bpmn:userTask id="review" name="Review"><bpmn:extensionElements><camunda:formData>
{task_fields}
  </camunda:formData></bpmn:extensionElements></bpmn:userTask>
  <bpmn:endEvent id="won" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="won" />
</bpmn:process>
</bpmn:definitions>
"""
    return read_bpmn("p.bpmn", parse_xml("p.bpmn", text.encode())[0])


def test_a_dotted_id_is_a_field_of_a_record_with_a_label_made_from_its_path():
    facts = _facts('<camunda:formField id="auction.endDate" type="date" />'
                   '<camunda:formField id="auction.numberOfBids" label="Bids so far" type="long" />')
    assert facts.problems == []
    start = facts.processes["p"].start_form
    assert [(f.id, f.label, f.variable, f.path) for f in start] == [
        ("auction.endDate", "Auction: end date", "auction", ("auction", "endDate")),
        ("auction.numberOfBids", "Bids so far", "auction", ("auction", "numberOfBids"))]


@pytest.mark.parametrize("field_id, words", [
    ("auction..endDate", "has an empty name in it"),
    ("auction.end date", "has 'end date' in it"),
    ("auction.1st", "has '1st' in it"),
    ("amount.net", "would make the deal's own 'amount' a record; name the record otherwise, e.g. amountDetails.net"),
    ("a.b.c.d.e.f.g.h.i", "goes 9 records deep; a form fills at most 8"),
    ("_meta.id", "is reserved; rename it"),
    ("typename.x", "is reserved; rename it"),
    ("score.total", "a questionnaire's score and class are stored as score and score_class"),
])
def test_a_path_that_cannot_be_a_record_s_field_is_refused_at_its_line(field_id, words):
    facts = _facts(f'<camunda:formField id="{field_id}" type="string" />')
    assert len(facts.problems) == 1 and facts.problems[0].line == 6, facts.problems
    assert words in facts.problems[0].message


def test_a_field_holding_a_value_that_another_field_makes_a_record_is_refused():
    facts = _facts('<camunda:formField id="auction" type="string" />',
                   '<camunda:formField id="auction.endDate" type="date" />')
    problems = clash_problems(facts.processes["p"])
    assert [(p.line, p.message) for p in problems] == [(8, (
        "form field 'auction' holds a value and form field 'auction.endDate' fills a field of it as a record "
        "(forms of 'start' and 'review'): rename one of them, e.g. 'auctionDetails.endDate'"))]
    fine = _facts('<camunda:formField id="auction.endDate" type="date" />',
                  '<camunda:formField id="auction.authorized" type="boolean" />'
                  '<camunda:formField id="auctioneer" type="string" />')
    assert clash_problems(fine.processes["p"]) == []


def test_labels_read_like_words():
    assert label_of("auction.numberOfBids") == "Auction: number of bids"
    assert label_of("customer.address.zip_code") == "Customer: address: zip code"
    assert label_of("loan.APRRate") == "Loan: APR rate"
    assert label_of("numberOfBids") == "numberOfBids"  # a plain id is kept as the designer wrote it


def test_camunda_forms_keys_with_dots_and_group_paths_fill_records():
    """As Camunda 8's form-js binds them: a key may be a path, and a group's path goes
    before its children's keys (groups inside groups add theirs)."""
    document = {"id": "f", "components": [
        {"type": "textfield", "id": "A", "key": "applicant.name", "label": "Name", "validate": {"required": True}},
        {"type": "group", "id": "G", "path": "applicant.address", "components": [
            {"type": "textfield", "id": "B", "key": "city"},
            {"type": "group", "id": "H", "path": "", "components": [{"type": "number", "id": "C", "key": "zip",
                                                                     "decimalDigits": 0}]},
            {"type": "group", "id": "I", "path": "geo", "components": [{"type": "checkbox", "id": "D",
                                                                        "key": "verified"}]}]},
        {"type": "textfield", "id": "E", "key": "note"}]}
    form = read_form("f.form", json.dumps(document, indent=2).encode())
    assert form.problems == []
    assert [(f.id, f.label, f.type) for f in form.fields] == [
        ("applicant.name", "Name", "string"), ("applicant.address.city", "Applicant: address: city", "string"),
        ("applicant.address.zip", "Applicant: address: zip", "long"),
        ("applicant.address.geo.verified", "Applicant: address: geo: verified", "boolean"), ("note", "note", "string")]


def test_a_group_path_that_is_no_path_is_refused_at_the_group():
    document = {"id": "f", "components": [
        {"type": "group", "id": "G", "label": "Address", "path": "home address", "components": [
            {"type": "textfield", "id": "B", "key": "city"}]}]}
    form = read_form("f.form", json.dumps(document, indent=2).encode())
    assert [p.message for p in form.problems] == [
        "group 'Address' has the path 'home address': write names of letters, digits and '_' joined by dots "
        "(e.g. applicant.address), or clear it"]
    assert form.fields == ()


def test_what_comes_from_outside_sets_a_record_by_its_name_never_a_dotted_name():
    """A message, signal, worker or task report sets ``auction`` (a record), which the
    fields ``auction.endDate`` fill; ``auction.endDate`` is no variable to set."""
    process = _facts('<camunda:formField id="auction.endDate" type="date" />',
                     '<camunda:formField id="verdict" type="string" />').processes["p"]
    assert {"auction", "verdict"} <= settable(process)
    assert not {name for name in settable(process) if "." in name}
