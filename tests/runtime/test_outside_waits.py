"""Which rows outside the workflow a process can make (ProcessRunner.outside_waits):
external tasks for a service task a worker does, message waits for a message catch
or throw, neither for a process of user tasks and gateways only."""

from __future__ import annotations

from pathlib import Path

from engine.runtime.step import OutsideWaits
from engine.runtime.workflow import ProcessRunner
from tests.runtime.test_external_tasks import invoice_process
from tests.runtime.test_messages import runner as message_runner

BASE = Path(__file__).resolve().parents[1] / "methodology" / "base" / "bpmn"


def test_a_process_of_user_tasks_makes_neither_kind_of_row():
    built = ProcessRunner.from_files({"deal.bpmn": (BASE / "deal.bpmn").read_bytes()},
                                     {"deal_tier.dmn": (BASE / "deal_tier.dmn").read_bytes()}, "small_deal")
    assert ProcessRunner.from_spec_text(built.spec_text()).outside_waits() == OutsideWaits(False, False)


def test_a_service_task_makes_external_task_rows():
    built = ProcessRunner.from_files({"p.bpmn": invoice_process()}, {}, "p")
    assert ProcessRunner.from_spec_text(built.spec_text()).outside_waits() == OutsideWaits(True, False)


def test_message_catches_make_message_wait_rows():
    assert message_runner().outside_waits().messages is True
