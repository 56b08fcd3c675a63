"""Camunda 8's message throw and end events with a job type (zeebe:taskDefinition) are
jobs for workers, as service tasks are, on SQLite and PostgreSQL: the throw event waits
for its worker; the end event's job is done before the deal closes there."""

from __future__ import annotations

from pathlib import Path

from engine import load_methodologies
from tests.service.test_camunda_modeler_habits import deal_of
from tests.service.test_external_tasks import fetch, worker

JOBS = Path(__file__).resolve().parents[1] / "fixtures" / "zeebe_jobs"


def test_a_throw_event_and_an_end_event_with_a_job_type_wait_for_their_workers(db_url, clock):
    with deal_of(db_url, clock, JOBS) as (payments, deal):
        _worked_to_the_end(payments, deal)


def _worked_to_the_end(payments, deal):
    w = worker(payments, "emit-event", "payment-received")
    [charged] = fetch(payments, w, topic="emit-event")
    assert (charged.node_id, charged.retries) == ("Event_Charged", 2)
    assert fetch(payments, w, topic="payment-received") == []
    payments.complete_external_task(w, charged.id, "w1", {})
    [received] = fetch(payments, w, topic="payment-received")
    assert received.node_id == "End_Won__job"
    shown = payments.show_opportunity(deal.id)
    assert (shown.status, shown.stage_id) == ("open", "charged")  # not won before the end event's job is done
    payments.complete_external_task(w, received.id, "w1", {})
    shown = payments.show_opportunity(deal.id)
    assert (shown.status, shown.stage_id) == ("won", "won")


def test_without_a_job_type_such_an_event_still_needs_a_message(tmp_path):
    (tmp_path / "m").mkdir()
    for part in ("bpmn", "stages", "routing"):
        (tmp_path / "m" / part).mkdir()
        for path in (JOBS / part).iterdir():
            (tmp_path / "m" / part / path.name).write_text(path.read_text())
    bpmn = tmp_path / "m" / "bpmn" / "payment.bpmn"
    bpmn.write_text(bpmn.read_text().replace('<zeebe:taskDefinition type="payment-received"/>', ""))
    assert [str(p).split(": ", 1)[1][:60] for p in load_methodologies(str(tmp_path / "m")).problems] == [
        "end event 'End_Won' sends a message but names none; declare "]
