"""Forecast categories (M15): which part of the forecast an open deal counts in.
Pure.

The category follows from the deal's probability through the methodology's ranges
(``forecast:`` in the stage table, else the company default — see
docs/methodology-format.md, "Forecast categories"):

    binary    SugarCRM's include/exclude: at or above ``commit`` the deal is
              committed; below it stays in the pipeline, out of the forecast
    buckets   commit at or above ``commit``, best case at or above ``best_case``,
              pipeline at or above ``pipeline``, omitted below (Salesforce's
              categories; SugarCRM's include / upside / exclude)

The rep may override the category of a deal they believe in (or do not): the
override wins over the ranges until it is cleared. Closed deals are counted by
their outcome (closed won), never by a category, so this is for open deals.
"""

from __future__ import annotations

from engine.errors import FormError
from engine.methodology.model import DEFAULT_FORECAST_RANGES, ForecastRanges

__all__ = ["CATEGORIES", "LABELS", "ForecastRanges", "DEFAULT_FORECAST_RANGES", "category_of",
           "derived", "parse_override", "describe"]

COMMIT, BEST_CASE, PIPELINE, OMITTED = "commit", "best_case", "pipeline", "omitted"
#: from the most to the least certain — the order reports list them in
CATEGORIES = (COMMIT, BEST_CASE, PIPELINE, OMITTED)
LABELS = {COMMIT: "Commit", BEST_CASE: "Best case", PIPELINE: "Pipeline", OMITTED: "Omitted"}
MODES = ("binary", "buckets")


def derived(probability: int, ranges: ForecastRanges = DEFAULT_FORECAST_RANGES) -> str:
    """The category the ranges give ``probability`` (0–100)."""
    if probability >= ranges.commit:
        return COMMIT
    if ranges.mode == "buckets" and ranges.best_case is not None and probability >= ranges.best_case:
        return BEST_CASE
    if ranges.mode == "binary" or probability >= ranges.pipeline:
        return PIPELINE
    return OMITTED


def category_of(probability: int, override: str | None,
                ranges: ForecastRanges = DEFAULT_FORECAST_RANGES) -> str:
    """The category an open deal counts in: the rep's override if any, else the
    one its probability falls in."""
    if override:
        if override not in CATEGORIES:
            raise ValueError(f"unknown forecast category {override!r}")
        return override
    return derived(probability, ranges)


def parse_override(value: object) -> str | None:
    """A category a person sent as an override; empty or ``none``/``derived``
    clears it (None). FormError on field ``category`` otherwise."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FormError({"category": "give the category as text: " + ", ".join(CATEGORIES)})
    text = value.strip().lower().replace(" ", "_").replace("-", "_")
    if text in ("", "none", "derived", "clear"):
        return None
    if text not in CATEGORIES:
        raise FormError({"category": f"'{value.strip()[:40]}' is not a forecast category; choose one of "
                                     + ", ".join(CATEGORIES) + " (or none to clear the override)"})
    return text


def describe(ranges: ForecastRanges) -> str:
    """``commit ≥ 85, best case ≥ 70, else pipeline`` — for pages and help."""
    parts = [f"commit ≥ {ranges.commit}"]
    if ranges.mode == "buckets" and ranges.best_case is not None:
        parts.append(f"best case ≥ {ranges.best_case}")
    if ranges.mode == "buckets" and ranges.pipeline > 0:
        parts += [f"pipeline ≥ {ranges.pipeline}", "else omitted"]
    else:
        parts.append("else pipeline")
    return ", ".join(parts)
