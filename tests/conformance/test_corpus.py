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
    FORBIDDEN,
    REFUSED,
    WAITS,
    folders_on_disk,
)

# Each corpus folder and what it does today.
EXPECTED = {
    # S03: the designer's "Yes" throws the message its boundary event catches (issue 14's messages);
    # D04: its camunda:expression is a worker's topic, as import-bpmn proposed it (the test worker completes it);
    # P05: drawn without an end event, it gets one in import-bpmn's copy where its path stops.
    # E08, F02, I02, P02 and S02 read what an external form (formKey) or Camunda's generic form set:
    # the form fields import-bpmn proposes on the task before the read (methodology/proposals.py).
    # M02: spiff-arena connector operators, workers' topics as import-bpmn proposed them (the BambooHR
    # operator's answer is its script's unit test's); its decision's input, divided, asked as a number.
    # S05: its Signavio gateways name their ways out but no conditions: import-bpmn writes one per way and asks
    # the choice on the task before (also in its second pool); its timers' dates asked as dates.
    # P03: its approval task's candidate groups come from a decision (${approverGroups}), evaluated
    # when the task is reached; its RULE ORDER table (entries without ids) runs since 2026-12-05.
    # C01: its script's case record reads the variable 'id', and its first script calls spiff-arena's
    # get_current_user() (who opened the deal), both since 2026-12-05.
    # M01: its data object is_approval is declared twice identically, read as one since 2026-12-05.
    # I03: its gateways and timer read the record auction (auction.authorized, .endDate, .numberOfBids):
    # import-bpmn proposes a dotted form field per path on the task whose external form set them.
    # E04: its conditions read the JSON variable customer with Camunda Spin (prop("age").numberValue()),
    # translated as the record's field customer.age, which import-bpmn proposes likewise.
    # E05: its user task's error and escalation boundary events (Camunda's embedded form reports them) are
    # the task holder's other ways to end it since 2026-12-05; the driver completes the task, as a rep may.
    COMPLETES: {"C02", "D04", "E06", "P05", "P08", "S03", "S04", "E08", "F02", "I02", "P02", "S02", "M02",
                "S05", "P03", "C01", "M01", "I03", "E04", "E05"},
    WAITS: set(),
    REFUSED: {"B01", "D03", "D05", "E01", "E03", "E07", "I04",
              "M03", "P07",
              # import-bpmn proposes a start form for what it reads first (x), but S01's decision table
              # has an empty input
              "S01"},
}
# Accepted, then failing at run time: a defect this test found, kept visible until fixed (none now:
# E08, I03 and P02 were, while any variable counted as "set by a worker" wherever the worker ran).
KNOWN_DEFECTS: dict[str, str] = {}
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
    assert Counter(o.category for o in outcomes) == Counter({COMPLETES: 20, REFUSED: 10})
