"""engine.rules.methodology_labels, pure: a filter's methodologies by name."""

from engine.rules.methodology_labels import methodology_choices


def test_a_methodology_is_offered_by_its_name_sorted_by_name():
    assert methodology_choices([("small-deal", "Small deal", "1.0"), ("key-account", "Key account", "3")]) == (
        ("key-account", "Key account"), ("small-deal", "Small deal"))
    assert methodology_choices([]) == ()


def test_several_versions_are_named_in_the_order_given_and_the_newest_name_wins():
    versions = [("small-deal", "Small deals", "1.0"), ("small-deal", "Small deal", "2.0"),
                ("small-deal", "Small deal", "2.0")]
    assert methodology_choices(versions) == (("small-deal", "Small deal (1.0, 2.0)"),)


def test_two_methodologies_of_the_same_name_are_told_apart_by_their_ids():
    assert methodology_choices([("a", "Deal", "1"), ("b", "Deal", "1"), ("b", "Deal", "2")]) == (
        ("a", "Deal (a)"), ("b", "Deal (b: 1, 2)"))
