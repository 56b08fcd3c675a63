"""A step no person's form drove — a timer firing, a worker's answer to an external
task — applied to a deal the caller has locked: exit criteria never hold such a step
back, but leaving a stage with them unmet is recorded (and warned about by the
sweep), and a deal it loses is asked for its reason like any process loss."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Mapping

from engine.methodology.model import Methodology
from engine.runtime.step import OutsideWaits, StepResult
from engine.service import closing, sales
from engine.service.progress import apply_step
from engine.service.unit_of_work import Session
from engine.store.events import record_event
from engine.store.models import InboxTask, Opportunity


def apply_unattended_step(session: Session, opportunity: Opportunity, methodology: Methodology, lanes,
                          state: str, result: StepResult, data_of: Callable[[], Mapping[str, object]],
                          now: datetime, form: Mapping[str, object] | None = None,
                          step: dict | None = None, rows: list[InboxTask] | None = None,
                          waits: OutsideWaits | None = None) -> None:
    """``data_of``: the process data after the step (for the exit criteria);
    ``form``: what the step brought in (a worker's variables), read for a lost reason;
    ``step``: what ran, kept for ``retry`` if it failed; ``rows``, ``waits``: what the
    caller knows already of the deal's rows (all three: progress.apply_step)."""
    unmet = sales.unmet_exit_criteria(session, opportunity, methodology, result, data_of)
    apply_step(session, opportunity, methodology, lanes, state, result, None, now, rows, waits, step=step)
    if unmet is not None:
        stage, missing = unmet
        record_event(session, opportunity, "exit_criteria_skipped", None, now, stage=stage.id,
                     stage_name=stage.name, missing=[c.to_do or c.label for c in missing])
    if opportunity.status == "lost":  # nobody filled in a lost form: ask for the reason
        closing.note_process_loss(session, opportunity, methodology, form or {}, None, now)
