"""engine.rules.buying_center, pure: what a person and a relationship may hold."""

from __future__ import annotations

from engine.rules.buying_center import KINDS, clean_contact, clean_relationship, kind

ROLES = ("economic_buyer", "coach")


def test_a_new_person_gets_defaults_for_what_was_not_given_and_texts_are_tidied():
    clean, errors = clean_contact({"name": "  Anna\tNowak ", "job_title": None, "notes": " a\r\nb\x00 "}, ROLES)
    assert errors == {}
    assert clean == {"name": "Anna Nowak", "job_title": "", "notes": "a\nb", "role": None, "influence": 3,
                     "attitude": "neutral"}


def test_a_change_checks_only_the_fields_given():
    assert clean_contact({"influence": "5"}, ROLES, partial=True) == ({"influence": 5}, {})
    assert clean_contact({"role": " coach "}, ROLES, partial=True) == ({"role": "coach"}, {})
    assert clean_contact({"name": None}, ROLES, partial=True) == ({}, {"name": "enter the person's name"})


def test_a_methodology_without_roles_refuses_any_role():
    assert clean_contact({"name": "A", "role": "coach"}, ())[1] == {
        "role": "this methodology names no buying-center roles; leave it empty"}


def test_relationship_values_may_come_as_form_strings_or_json_numbers():
    clean, errors = clean_relationship({"from_contact": "1", "to_contact": 2, "kind": "listens_to",
                                        "strength": ""}, {1, 2}, [])
    assert (clean, errors) == ({"from_contact": 1, "to_contact": 2, "kind": "listens_to", "strength": 3}, {})
    assert set(clean_relationship({"from_contact": True, "to_contact": "2x", "kind": None, "strength": 2.5},
                                  {1, 2}, [])[1]) == {"from_contact", "to_contact", "kind", "strength"}


def test_a_reporting_line_that_would_close_a_circle_is_refused_however_long_the_way_round():
    chain = [(2, 1, "reports_to"), (3, 2, "reports_to"), (4, 3, "reports_to"), (1, 4, "listens_to")]
    assert "circle" in clean_relationship({"from_contact": 1, "to_contact": 4, "kind": "reports_to"},
                                          {1, 2, 3, 4}, chain)[1]["to_contact"]
    assert clean_relationship({"from_contact": 4, "to_contact": 1, "kind": "reports_to"},
                              {1, 2, 3, 4}, chain)[1] == {}  # a second boss further up is fine


def test_the_same_relationship_is_not_recorded_twice_and_two_way_kinds_count_either_way():
    existing = [(1, 2, "friends_with"), (1, 2, "listens_to")]
    both = {1, 2}
    assert clean_relationship({"from_contact": 2, "to_contact": 1, "kind": "friends_with"}, both, existing)[1] == {
        "kind": "this relationship (friends with) is already recorded"}
    assert clean_relationship({"from_contact": 2, "to_contact": 1, "kind": "listens_to"}, both, existing) == (
        {"from_contact": 2, "to_contact": 1, "kind": "listens_to", "strength": 3}, {})
    assert clean_relationship({"from_contact": 1, "to_contact": 1, "kind": "listens_to"}, both, [])[1] == {
        "to_contact": "choose someone else: a person does not relate to themselves"}


def test_a_kind_no_longer_known_reads_as_informal_and_two_way():
    assert [k.id for k in KINDS] == ["reports_to", "listens_to", "friends_with", "former_colleague_at_competitor"]
    assert kind("reports_to").category == "formal" and kind("reports_to").directed
    old = kind("golf_partner")
    assert (old.label, old.category, old.directed) == ("golf partner", "informal", False)
