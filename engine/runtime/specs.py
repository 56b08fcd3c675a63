"""Turning BPMN and DMN documents into SpiffWorkflow workflow specs.

This is the only place that calls SpiffWorkflow's parser. Its errors come back as
``SpecProblem`` values — the file, the offending element's id and, where
SpiffWorkflow knows it, the line — so that the validator can report them as
``path:line: message`` and the rest of Dealflow never sees a SpiffWorkflow type.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.exceptions import SpiffWorkflowException


@dataclass(frozen=True)
class SpecProblem:
    path: str
    message: str
    element_id: str = ""
    line: int | None = None


class ProcessSpecs:
    """BPMN and DMN documents loaded into one SpiffWorkflow parser."""

    def __init__(self):
        # Validation against the XSD happens before, in the methodology checks,
        # where every violation (not just the first) is reported.
        self._parser = CamundaParser(validator=None)
        self.problems: list[SpecProblem] = []

    def add_bpmn(self, path: str, root) -> bool:
        """Add one parsed BPMN document; False (and a problem) if SpiffWorkflow refuses it."""
        return self._guard(path, lambda: self._parser.add_bpmn_xml(root, filename=path))

    def add_dmn(self, path: str, root) -> bool:
        return self._guard(path, lambda: self._parser.add_dmn_xml(root, filename=path))

    def check_process(self, process_id: str, path: str) -> bool:
        """Build the spec of ``process_id`` (and what it calls); False with problems if that fails."""
        return self._guard(path, lambda: self.workflow_spec(process_id))

    def workflow_spec(self, process_id: str):
        """(spec, subprocess_specs) for ``BpmnWorkflow`` — for engine/runtime use only."""
        spec = self._parser.get_spec(process_id)
        return spec, self._parser.get_subprocess_specs(process_id)

    def _guard(self, path: str, action) -> bool:
        try:
            action()
            return True
        except ValidationException as err:
            self.problems.append(SpecProblem(
                path=err.file_name or path, message=_first_line(err),
                element_id=getattr(err, "id", "") or "",
                line=err.line_number if isinstance(err.line_number, int) else None))
        except (SpiffWorkflowException, KeyError, AttributeError, ValueError, TypeError) as err:
            # SpiffWorkflow 3.2 lets some malformed input escape as bare Python
            # errors (a KeyError for a business rule task without decisionRef).
            self.problems.append(SpecProblem(
                path=path, message=f"SpiffWorkflow cannot load this file: {type(err).__name__}: {err}"))
        return False


def _first_line(err: Exception) -> str:
    text = str(err.args[0]) if err.args else str(err)
    return text.strip().splitlines()[0] if text.strip() else type(err).__name__
