"""The stage table's ``forecast:`` block becomes the methodology's forecast ranges
(engine.methodology.build.forecast); without it, the company default applies."""

import shutil

from engine.methodology.model import DEFAULT_FORECAST_RANGES, ForecastRanges
from engine.service.validation import load_methodologies
from tests.conftest import BASE_METHODOLOGY


def _with_block(tmp_path, block: str):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    stages = target / "stages" / "small-deal.yaml"
    stages.write_text(stages.read_text("utf-8") + "\n" + block, "utf-8")
    result = load_methodologies(str(target))
    assert result.problems == []
    return result.library.methodologies["small-deal"]


def test_buckets_with_a_typical_cycle_are_read(tmp_path):
    m = _with_block(tmp_path, "forecast:\n  ranges: buckets\n  commit: 80\n  best_case: 50\n"
                              "  pipeline: 10\n  typical_cycle_days: 45\n")
    assert m.forecast == ForecastRanges("buckets", 80, 50, 10, 45)


def test_binary_has_only_the_include_threshold(tmp_path):
    m = _with_block(tmp_path, "forecast: {ranges: binary, commit: 60}\n")
    assert m.forecast == ForecastRanges("binary", 60, None, 0, None)


def test_without_a_block_the_company_default_applies(tmp_path):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    m = load_methodologies(str(target)).library.methodologies["small-deal"]
    assert m.forecast == DEFAULT_FORECAST_RANGES


def test_dealflow_diff_names_a_change_of_the_ranges(tmp_path):
    from engine.methodology.diff import diff_methodologies

    old = load_methodologies(str(BASE_METHODOLOGY)).library.methodologies["small-deal"]
    new = _with_block(tmp_path, "forecast: {ranges: binary, commit: 60, typical_cycle_days: 30}\n")
    assert [str(c) for c in diff_methodologies(old, new) if "forecast" in c.subject] == [
        "~ forecast ranges: buckets: commit 85, best_case 70, pipeline 0 -> binary: commit 60, typical_cycle_days 30"]
