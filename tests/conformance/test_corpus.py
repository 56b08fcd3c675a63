"""Every file of the team's public BPMN corpus, run as a designer and a sales team
would run it (issue 6): ``dealflow import-bpmn``, ``dealflow validate`` and, where it
validates, a deal driven through the engine with generated form data and a clock
that moves to each timer (see ``corpus.py`` for the steps and what the test decides
in the designer's place). Each file either runs to its end, waits legitimately, or
is refused with ``path:line: message`` lines; none crashes, and those accepted and
then failing at run time are known defects asserted by name (KNOWN_DEFECTS). The
figures are kept here so that they cannot regress; docs/compatibility.md reports them.

The corpus lives OUTSIDE the repository, in the team's shared folder beside it:
``../shared/corpus/bpmn/`` (with ``../shared/corpus/SOURCES.md``), i.e.
/work/shared/corpus on the team's machine, where ``.ci/run`` runs. Without it these
tests fail (they do not skip): a conformance figure that silently stops being
measured is a regression too.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conformance.corpus import (
    COMPLETES,
    FAILS_AT_RUN_TIME,
    FORBIDDEN,
    REFUSED,
    WAITS,
    folders_on_disk,
)

# Each corpus folder and what it does today.
EXPECTED = {
    # S03: the designer's "Yes" throws the message its boundary event catches (issue 14's messages);
    # D04: its camunda:expression is a worker's topic, as import-bpmn proposed it (the test worker completes it);
    # P05: drawn without an end event, it gets one in import-bpmn's copy where its path stops
    COMPLETES: {"C02", "D04", "E06", "P05", "P08", "S03", "S04"},
    WAITS: set(),
    REFUSED: {"B01", "C01", "D03", "D05", "E01", "E03", "E04", "E05", "E07", "I04",
              "M01", "M02", "M03", "P03", "P07", "S01", "S05",
              # A condition reads a variable that no form field, script or decision sets
              # (Camunda's or Flowable's external form, formKey, would): named at its line.
              "F02", "I02", "S02"},
}
# Accepted, then failing at run time: the defect test_corpus_camunda8 names for Z25, kept visible
# until fixed. Since import-bpmn proposes topics for their service tasks, these validate, and
# their first gateway reads what the task's external form (formKey) would set: validation lets
# any variable be "set by a worker" when an external task declares no outputs, although no
# worker has run before that gateway.
KNOWN_DEFECTS = {folder: "a condition reads a variable no form and no earlier worker sets"
                 for folder in ("E08", "I03", "P02")}
FOLDERS = sorted(set().union(*EXPECTED.values()) | set(KNOWN_DEFECTS))
EXPECTED_CATEGORY = {folder: category for category, folders in EXPECTED.items() for folder in folders}


@pytest.mark.parametrize("folder", [
    pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[f])) if f in KNOWN_DEFECTS else f
    for f in FOLDERS])
def test_a_corpus_file_runs_to_its_end_waits_or_is_refused_at_a_line(outcome_of, folder):
    outcome = outcome_of(folder)
    assert outcome.category not in FORBIDDEN, str(outcome)
    assert outcome.category == EXPECTED_CATEGORY[folder], str(outcome)


def test_the_corpus_figures_hold(outcome_of):
    assert folders_on_disk() == FOLDERS, "the corpus changed: update EXPECTED and docs/compatibility.md"
    outcomes = [outcome_of(folder) for folder in FOLDERS]
    assert {o.folder for o in outcomes if o.category in FORBIDDEN} == set(KNOWN_DEFECTS)
    by_category = {category: {o.folder for o in outcomes if o.category == category} for category in EXPECTED}
    assert by_category == EXPECTED
    assert Counter(o.category for o in outcomes) == Counter({COMPLETES: 7, REFUSED: 20, FAILS_AT_RUN_TIME: 3})
