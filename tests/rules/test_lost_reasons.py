"""engine.rules.lost_reasons: the reason a person gives, checked against the list,
and the one a completed form gives."""

from __future__ import annotations

import pytest

from engine.errors import FormError
from engine.methodology.model import DEFAULT_LOST_REASONS, LostReason
from engine.rules.lost_reasons import Decided, decide, from_form

NO_OTHER = (LostReason("price", "Price"), LostReason("timing", "Timing"))


def test_a_listed_code_is_kept_with_the_trimmed_text_beside_it():
    assert decide(DEFAULT_LOST_REASONS, " price ", "  too dear ") == Decided("price", "too dear")
    assert decide(DEFAULT_LOST_REASONS, "timing", "") == Decided("timing", None)


def test_free_text_alone_counts_as_other_only_where_the_list_has_other():
    assert decide(DEFAULT_LOST_REASONS, None, "They vanished") == Decided("other", "They vanished")
    with pytest.raises(FormError) as err:
        decide(NO_OTHER, "", "They vanished")
    assert err.value.fields == {"reason_code": "choose why the deal was lost: one of price (Price), timing (Timing)"}


@pytest.mark.parametrize(("code", "note", "fields"), [
    ("weather", "", {"reason_code": "'weather' is not a lost reason of this methodology; choose one of "
                                    "price (Price), timing (Timing)"}),
    (None, None, {"reason_code": "choose why the deal was lost: one of price (Price), timing (Timing)"}),
    (7, "", {"reason_code": "enter text"}),
    ("price", "x" * 2001, {"reason": "enter at most 2000 characters"}),
])
def test_what_is_refused_names_the_field(code, note, fields):
    with pytest.raises(FormError) as err:
        decide(NO_OTHER, code, note)
    assert err.value.fields.keys() == fields.keys()
    if code != 7:
        assert err.value.fields == fields


def test_a_reason_that_needs_a_note_refuses_an_empty_one():
    with pytest.raises(FormError) as err:
        decide(DEFAULT_LOST_REASONS, "other", "  ")
    assert err.value.fields == {"reason": "'Other' needs a few words on why the deal was lost"}


def test_a_form_gives_the_code_of_lost_reason_code_or_lost_reason_if_listed():
    assert from_form(DEFAULT_LOST_REASONS, {"lost_reason_code": "price", "lost_reason": "timing"}) == "price"
    assert from_form(DEFAULT_LOST_REASONS, {"lost_reason": "timing"}) == "timing"
    assert from_form(DEFAULT_LOST_REASONS, {"lost_reason": "They liked the other one"}) is None
    assert from_form(DEFAULT_LOST_REASONS, {"lost_reason": 3}) is None
    assert from_form(DEFAULT_LOST_REASONS, {}) is None
