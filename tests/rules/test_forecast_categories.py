"""engine.rules.forecast_categories: probability -> forecast category through the
ranges, the rep's override winning, and what a person may send as an override."""

from __future__ import annotations

import pytest

from engine.errors import FormError
from engine.rules.forecast_categories import (CATEGORIES, DEFAULT_FORECAST_RANGES, ForecastRanges, category_of,
                                              describe, derived, parse_override)

BINARY = ForecastRanges("binary", commit=70, best_case=None, pipeline=0)
BUCKETS = ForecastRanges("buckets", commit=80, best_case=60, pipeline=10)


@pytest.mark.parametrize("probability, expected", [
    (100, "commit"), (70, "commit"), (69, "pipeline"), (0, "pipeline")])
def test_binary_includes_at_the_threshold_and_leaves_the_rest_in_the_pipeline(probability, expected):
    assert category_of(probability, None, BINARY) == expected


@pytest.mark.parametrize("probability, expected", [
    (100, "commit"), (80, "commit"), (79, "best_case"), (60, "best_case"), (59, "pipeline"),
    (10, "pipeline"), (9, "omitted"), (0, "omitted")])
def test_buckets_each_start_at_their_threshold(probability, expected):
    assert category_of(probability, None, BUCKETS) == expected


def test_binary_ignores_a_pipeline_floor_it_cannot_have():
    # a binary range never omits: exclude means "pipeline, out of the forecast"
    assert derived(0, ForecastRanges("binary", commit=50, best_case=None, pipeline=30)) == "pipeline"


def test_buckets_without_best_case_go_from_commit_straight_to_pipeline():
    ranges = ForecastRanges("buckets", commit=80, best_case=None, pipeline=20)
    assert [derived(p, ranges) for p in (80, 79, 20, 19)] == ["commit", "pipeline", "pipeline", "omitted"]


def test_the_company_default_is_sugarcrms_buckets():
    assert [derived(p) for p in (85, 84, 70, 69, 0)] == ["commit", "best_case", "best_case", "pipeline", "pipeline"]


@pytest.mark.parametrize("override", CATEGORIES)
def test_the_reps_override_wins_over_the_ranges_either_way(override):
    assert category_of(5, override, BUCKETS) == override
    assert category_of(95, override, BUCKETS) == override


def test_a_deal_believed_in_counts_as_commit_below_the_threshold():
    # the seed's demand: "a deal they believe in counts even below the threshold"
    assert category_of(30, None, BINARY) == "pipeline"
    assert category_of(30, "commit", BINARY) == "commit"


def test_an_unknown_stored_override_is_an_error_not_a_silent_category():
    with pytest.raises(ValueError):
        category_of(50, "maybe", BUCKETS)


@pytest.mark.parametrize("sent, expected", [
    ("commit", "commit"), (" Best case ", "best_case"), ("best-case", "best_case"), ("OMITTED", "omitted"),
    ("", None), ("none", None), ("derived", None), (None, None)])
def test_parse_override_accepts_the_categories_and_a_way_to_clear(sent, expected):
    assert parse_override(sent) == expected


@pytest.mark.parametrize("sent", ["upside", "commit!", 3, ["commit"]])
def test_parse_override_refuses_anything_else_on_the_category_field(sent):
    with pytest.raises(FormError) as caught:
        parse_override(sent)
    assert "category" in caught.value.fields


def test_describe_says_the_ranges_in_words():
    assert describe(BINARY) == "commit ≥ 70, else pipeline"
    assert describe(BUCKETS) == "commit ≥ 80, best case ≥ 60, pipeline ≥ 10, else omitted"
    assert describe(DEFAULT_FORECAST_RANGES) == "commit ≥ 85, best case ≥ 70, else pipeline"
