"""Copies of the shipped methodology with one mistake each: `dealflow validate`
exits 1 and names the file and the line to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

STAGES = "methodologies/stages/seed002-funnel.yaml"
BPMN = "methodologies/bpmn/seed002-funnel.bpmn"


def mutate(path: str, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` by ``new``; return the 1-based line it was on."""
    file = Path(path)
    text = file.read_text("utf-8")
    at = text.index(old)
    file.write_text(text[:at] + new + text[at + len(old):], "utf-8")
    return text.count("\n", 0, at) + 1


def test_an_unmodified_copy_validates(shipped_copy, run_cli):
    result = run_cli("validate", "methodologies")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        pytest.param(STAGES, "    outcome: open\n", "    outcome: open: maybe\n",
                     "YAML syntax error: mapping values are not allowed here; a value containing ': ' must be quoted",
                     id="yaml-syntax-error"),
        pytest.param(STAGES, "probability: 40", "probability: 150",
                     "'probability' must be between 0 and 100; got 150", id="probability-150"),
        pytest.param(STAGES, "entered_at: [Task_Negotiate]", "entered_at: [Task_Negotiation]",
                     "stage 'negotiation' is entered at BPMN node 'Task_Negotiation', which process "
                     "'seed002_funnel' does not have; did you mean 'Task_Negotiate'?",
                     id="stage-at-missing-node"),
        pytest.param(BPMN, 'isExecutable="true"', 'isExecutable="maybe"',
                     "BPMN schema: Element 'bpmn:process', attribute 'isExecutable': 'maybe' is not a "
                     "valid value of the atomic type 'xs:boolean'.", id="xsd-violation"),
        pytest.param(BPMN, "prospect_is_fit == False", "__import__('os').system('touch pwned')",
                     "'__import__' is not allowed", id="malicious-gateway-condition"),
    ],
)
def test_a_copy_with_one_mistake_names_the_file_and_line(shipped_copy, run_cli, file, old, new, message):
    line = mutate(file, old, new)
    result = run_cli("validate", "methodologies")
    assert result.exit_code == 1
    problems = result.stdout.splitlines()
    assert len(problems) == 1, result.stdout
    assert problems[0].startswith(f"{file}:{line}: ")
    assert message in problems[0]
    assert not (shipped_copy.parent / "pwned").exists()


def test_the_readme_example_is_what_validate_prints_for_three_mistakes(shipped_copy, run_cli):
    text = (REPO / "README.md").read_text("utf-8")
    example = text.split("after listing every problem", 1)[1].split("```\n", 2)[1].splitlines()
    mutate(STAGES, "probability: 40", "probability: 150")
    mutate(STAGES, "entered_at: [Task_Negotiate]", "entered_at: [Task_Negotiation]")
    mutate(BPMN, "prospect_is_fit == False", "__import__('os').system('id')")

    result = run_cli("validate", "methodologies")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == example
