"""The conformance tests' shared fixture: each corpus folder run once per session."""

from __future__ import annotations

import pytest

from tests.conformance.corpus import run_folder


@pytest.fixture(scope="session")
def outcome_of(tmp_path_factory):
    """Runs a folder once per test session, however many tests ask for it."""
    cache = {}

    def outcome(folder: str):
        if folder not in cache:
            cache[folder] = run_folder(folder, tmp_path_factory.mktemp(folder))
        return cache[folder]

    return outcome
