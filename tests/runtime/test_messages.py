"""Messages in the runner (SpiffWorkflow behind engine.runtime): a receive task, an
intermediate catch event, an interrupting and a non-interrupting boundary event and
an event subprocess's message start wait and take the message's variables; a send
task's message nothing in the deal catches comes back as thrown; a message start
event waits at the start."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from engine.runtime.workflow import ProcessRunner

BPMN = Path(__file__).resolve().parents[1] / "fixtures" / "messages" / "bpmn" / "after_sale.bpmn"
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def runner(process="after_sale") -> ProcessRunner:
    built = ProcessRunner.from_files({"after_sale.bpmn": BPMN.read_bytes()}, {}, process)
    return ProcessRunner.from_spec_text(built.spec_text())  # what the database holds is what runs


def waits(result):
    return sorted((w.node_id, w.message) for w in result.messages)


def test_a_receive_task_waits_and_takes_the_message_variables_then_boundary_events_wait():
    r = runner()
    state, result = r.start({"business_key": "ORD-1"}, NOW)
    assert waits(result) == [("Receive_Order", "order-confirmed"), ("Start_Complaint", "complaint")]
    assert "Receive_Order" in result.reached  # a stage entered while it waits there
    assert r.deliver_message(state, "delivered", {}, NOW) is None  # nothing waits for it
    state, result = r.deliver_message(state, "order-confirmed", {"orderNumber": "ZA/7"}, NOW)
    assert [t.node_id for t in result.ready] == ["Task_Prepare"]
    assert r.data(state)["orderNumber"] == "ZA/7"
    assert waits(result) == [("Boundary_Cancel", "order-cancelled"), ("Boundary_Note", "customer-note"),
                             ("Start_Complaint", "complaint")]


def test_a_non_interrupting_boundary_and_an_event_subprocess_keep_the_task_an_interrupting_one_ends_it():
    r = runner()
    state, _ = r.start({}, NOW)
    state, _ = r.deliver_message(state, "order-confirmed", {}, NOW)
    state, result = r.deliver_message(state, "customer-note", {}, NOW)
    assert [t.node_id for t in result.ready] == ["Task_Prepare"]
    state, result = r.deliver_message(state, "complaint", {}, NOW)
    assert sorted(t.node_id for t in result.ready) == ["Task_Complaint", "Task_Prepare"]
    state, result = r.deliver_message(state, "order-cancelled", {"reason": "stock"}, NOW)
    assert "Task_Prepare" not in [t.node_id for t in result.ready]
    assert "End_Cancelled" in result.reached


def test_an_intermediate_catch_then_a_send_task_throws_out_of_the_deal():
    r = runner()
    state, _ = r.start({}, NOW)
    state, result = r.deliver_message(state, "order-confirmed", {}, NOW)
    state, result = r.complete(state, result.ready[0].task_id, {}, NOW)
    assert ("Wait_Delivered", "delivered") in waits(result)
    state, result = r.deliver_message(state, "delivered", {"carrier": "DPD"}, NOW)
    assert [(m.message, m.variables.get("carrier")) for m in result.thrown] == [("invoiced", "DPD")]
    assert ("Wait_Paid", "payment-received") in waits(result)
    state, again = r.deliver_message(state, "payment-received", {"paidAmount": 120}, NOW)
    assert again.thrown == () and again.ended_at == ("End_Won",)


def test_a_message_start_event_waits_at_the_start():
    r = runner("web_lead")
    assert r.message_starts() == ("web-lead",)
    state, result = r.start({}, NOW)
    assert waits(result) == [("Start_Lead", "web-lead")] and result.ready == ()
    state, result = r.deliver_message(state, "web-lead", {"interest": "high"}, NOW)
    assert [t.node_id for t in result.ready] == ["Task_Call"]
    assert r.data(state)["interest"] == "high"
