"""The grouping attributes of a deal's part moved on in place (engine.rules.deal_parts):
the deal's own texts, else its card's as the kept part took it, else unknown."""

from engine.rules.deal_parts import UNKNOWN, attributes_after, own_attributes

NAMES = ("territory", "industry", "source", "campaign")
CARDED = (True, True, True, False)  # a card without a campaign column


def test_own_attributes_are_texts_and_empty_is_none():
    assert own_attributes({"territory": "PL-MZ", "industry": "", "channel": "retail"}, NAMES) == \
        ("PL-MZ", None, None, None)
    assert own_attributes({"territory": 7}, NAMES) is UNKNOWN  # the database's text of a number: not guessed
    assert own_attributes(None, NAMES) is UNKNOWN


def test_the_card_s_value_comes_from_the_kept_part_only_for_the_same_card_and_no_own_value_then():
    kept_own, kept_values = ("PL-MZ", None, None, None), ("PL-MZ", "retail", "fair", "")
    own = ("PL-PM", None, "web", None)
    assert attributes_after(own, 5, kept_own, 5, kept_values, CARDED) == ("PL-PM", "retail", "web", "")
    assert attributes_after(own, 6, kept_own, 5, kept_values, CARDED) is None  # another card: its industry unknown
    cleared = (None, None, None, None)  # the deal's own territory removed: the card's was never kept
    assert attributes_after(cleared, 5, kept_own, 5, kept_values, CARDED) is None
