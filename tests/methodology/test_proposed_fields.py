"""What a process reads and nothing in its file sets (issue 14, corpus F02, I02, S02,
Z25): ``dealflow validate`` refuses a read that comes before every worker that could
set it, and ``import-bpmn`` proposes form fields — on the user task before the read
whose form Dealflow cannot see, or on the start event (the start form, asked when a
deal is opened) — typed by how the process reads them."""

from __future__ import annotations

from pathlib import Path

from engine import load_methodologies
from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.importer import plan_import

HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://x">
<bpmn:process id="p" isExecutable="true">
"""
TAIL = b"""</bpmn:process>
</bpmn:definitions>
"""

# A gateway reads 'early' before the worker runs, another reads 'late' after it.
WORKER = HEAD + b"""  <bpmn:startEvent id="start" />
  <bpmn:exclusiveGateway id="first" default="f3" />
  <bpmn:serviceTask id="check" name="Check" camunda:type="external" camunda:topic="check" />
  <bpmn:exclusiveGateway id="second" default="f6" />
  <bpmn:endEvent id="won" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first" />
  <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="won"><bpmn:conditionExpression>early == 1</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f3" sourceRef="first" targetRef="check" />
  <bpmn:sequenceFlow id="f4" sourceRef="check" targetRef="second" />
  <bpmn:sequenceFlow id="f5" sourceRef="second" targetRef="won"><bpmn:conditionExpression>late == 1</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f6" sourceRef="second" targetRef="won" />
""" + TAIL

# Flowable's vacation request, shortened: the manager's external form sets 'decision'.
FORM_KEY = HEAD + b"""  <bpmn:startEvent id="start" />
  <bpmn:userTask id="handle" name="Handle request" camunda:formKey="embedded:app:forms/handle.html">
    <bpmn:documentation>Approve or reject</bpmn:documentation>
  </bpmn:userTask>
  <bpmn:exclusiveGateway id="decided" />
  <bpmn:endEvent id="won" />
  <bpmn:endEvent id="lost" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
  <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="decided" />
  <bpmn:sequenceFlow id="f3" sourceRef="decided" targetRef="won"><bpmn:conditionExpression>${decision == 'Approve'}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f4" sourceRef="decided" targetRef="lost"><bpmn:conditionExpression>${decision == 'Reject'}</bpmn:conditionExpression></bpmn:sequenceFlow>
""" + TAIL


def _imported(tmp_path: Path, name: str, data: bytes, *, as_written: bool = False) -> Path:
    """import-bpmn's files under tmp_path/m, every end event's stage decided as won; with
    ``as_written`` the BPMN file as it was, without import-bpmn's proposals."""
    plan = plan_import(name, data, companions={}, existing={})
    root = tmp_path / "m"
    for relative, content in plan.files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data if as_written and relative.startswith("bpmn/") else content)
    for table in (root / "stages").glob("*.yaml"):
        table.write_text(table.read_text("utf-8").replace("outcome: TODO", "outcome: won"), "utf-8")
    return root


def _problems(root: Path) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in load_methodologies(str(root)).problems]


def test_a_gateway_before_every_worker_is_refused_for_what_only_a_worker_could_set(tmp_path):
    problems = _problems(_imported(tmp_path, "order.bpmn", WORKER, as_written=True))
    assert problems == [
        "order.bpmn:11: condition of sequence flow 'f2' reads 'early', which nothing sets before it: the external "
        "tasks that declare no outputs (a worker may set any variable) run only after it; declare it in the start "
        "event's form (camunda:formField 'early': asked when a deal is opened) or a form of a user task before it"]


def test_import_bpmn_proposes_a_start_form_for_what_the_start_reaches_before_any_user_task(tmp_path):
    plan = plan_import("order.bpmn", WORKER, companions={}, existing={})
    facts = read_bpmn("order.bpmn", parse_xml("order.bpmn", plan.files["bpmn/order.bpmn"])[0])
    start = facts.processes["p"].start_form
    assert [(f.id, f.type, f.required) for f in start] == [("early", "long", True), ("late", "long", True)]
    # 'late' is read after the worker, which may set it too: the designer is told to choose.
    proposed = next(line for line in plan.decide if "nothing in the file sets" in line)
    assert "early (a whole number; read at line 11)" in proposed
    assert ("late (a whole number; read at line 14; a worker may set it instead — 'Check' (check) before the "
            "read declare(s) no outputs: if so, declare it as the task's output and delete the proposed field)"
            in proposed)
    assert _problems(_imported(tmp_path, "order.bpmn", WORKER)) == []


def test_import_bpmn_proposes_a_choice_on_the_user_task_whose_external_form_sets_it(tmp_path):
    plan = plan_import("vacation.bpmn", FORM_KEY, companions={}, existing={})
    written = plan.files["bpmn/vacation.bpmn"]
    facts = read_bpmn("vacation.bpmn", parse_xml("vacation.bpmn", written)[0])
    form = facts.processes["p"].nodes["handle"].form
    assert [(f.id, f.type, f.required, f.choices) for f in form] == [
        ("decision", "enum", True, (("Approve", "Approve"), ("Reject", "Reject")))]
    assert facts.processes["p"].start_form == ()
    # The designer's file is kept as it was, the proposal added after the task's documentation.
    added = [line for line in written.decode().splitlines() if line not in FORM_KEY.decode().splitlines()]
    assert written.decode().replace("\n".join(added) + "\n", "") == FORM_KEY.decode()
    assert added[0] == "    <bpmn:extensionElements>" and "Proposed by dealflow import-bpmn" in added[2]
    assert _problems(_imported(tmp_path, "vacation.bpmn", FORM_KEY)) == []


def test_without_the_proposal_the_read_is_still_refused_at_its_line(tmp_path):
    problems = _problems(_imported(tmp_path, "vacation.bpmn", FORM_KEY, as_written=True))
    assert [p.split(": ", 1)[0] for p in problems] == ["vacation.bpmn:14", "vacation.bpmn:15"]
    assert all("reads 'decision', which nothing sets" in p for p in problems)


def test_a_start_form_field_named_like_a_value_every_deal_has_is_answered_by_the_deal():
    data = FORM_KEY.replace(b'<bpmn:startEvent id="start" />', b"""<bpmn:startEvent id="start">
    <bpmn:extensionElements><camunda:formData>
      <camunda:formField id="amount" label="Amount" type="long" />
      <camunda:formField id="customer" label="Customer" type="string" />
    </camunda:formData></bpmn:extensionElements>
  </bpmn:startEvent>""")
    facts = read_bpmn("start.bpmn", parse_xml("start.bpmn", data)[0])
    assert facts.problems == []
    assert [f.id for f in facts.processes["p"].start_form] == ["customer"]


def test_a_variable_read_as_a_record_gets_a_field_per_path_it_is_read_by(tmp_path):
    """I03's auction: a record the starter's form (or an external task form) filled in
    Camunda; import-bpmn proposes a field per path, typed by how each is read."""
    data = FORM_KEY.replace(b"decision == 'Approve'", b"decision.approved and decision.level &gt; 2").replace(
        b"decision == 'Reject'", b"not decision.approved or decision['level'] &lt;= 2")
    plan = plan_import("record.bpmn", data, companions={}, existing={})
    written = plan.files["bpmn/record.bpmn"]
    facts = read_bpmn("record.bpmn", parse_xml("record.bpmn", written)[0])
    form = facts.processes["p"].nodes["handle"].form
    assert [(f.id, f.label, f.type, f.required) for f in form] == [
        ("decision.approved", "Decision: approved", "boolean", True), ("decision.level", "Decision: level", "long", True)]
    assert 'camunda:formField id="decision.approved" label="Decision: approved" type="boolean"' in written.decode()
    proposed = next(line for line in plan.decide if "nothing in the file sets" in line)
    assert "decision.approved (yes/no; read at line 14)" in proposed and "decision.level (a whole number" in proposed
    assert _problems(_imported(tmp_path, "record.bpmn", data)) == []


def test_a_variable_read_as_a_value_and_as_a_record_gets_the_record_s_fields():
    data = FORM_KEY.replace(b"decision == 'Approve'", b"decision != null").replace(
        b"decision == 'Reject'", b"decision.rejected == 'yes'")
    plan = plan_import("record.bpmn", data, companions={}, existing={})
    facts = read_bpmn("record.bpmn", parse_xml("record.bpmn", plan.files["bpmn/record.bpmn"])[0])
    assert [(f.id, f.type, f.choices) for f in facts.processes["p"].nodes["handle"].form] == [
        ("decision.rejected", "enum", (("yes", "yes"),))]


def test_a_record_read_by_a_computed_key_or_a_position_gets_no_proposed_field():
    for read in (b"decision[1 + 1] == 'x'", b"decision[0] == 'x'"):
        data = FORM_KEY.replace(b"decision == 'Approve'", read).replace(b"decision == 'Reject'", read)
        plan = plan_import("record.bpmn", data, companions={}, existing={})
        assert plan.files["bpmn/record.bpmn"] == data
        assert not any("nothing in the file sets" in line for line in plan.decide)


def test_a_timer_waiting_until_a_record_s_date_proposes_a_date_field():
    data = HEAD + b"""  <bpmn:startEvent id="start" />
  <bpmn:intermediateCatchEvent id="ends"><bpmn:timerEventDefinition>
    <bpmn:timeDate>${auction.endDate}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:endEvent id="won" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ends" />
  <bpmn:sequenceFlow id="f2" sourceRef="ends" targetRef="won" />
""" + TAIL
    plan = plan_import("timer.bpmn", data, companions={}, existing={})
    facts = read_bpmn("timer.bpmn", parse_xml("timer.bpmn", plan.files["bpmn/timer.bpmn"])[0])
    assert [(f.id, f.label, f.type) for f in facts.processes["p"].start_form] == [
        ("auction.endDate", "Auction: end date", "date")]


# The start form fills the record's end date; the gateway reads whether it is authorized.
HALF_FILLED = HEAD + b"""  <bpmn:startEvent id="start"><bpmn:extensionElements><camunda:formData>
    <camunda:formField id="auction.endDate" type="date" />
  </camunda:formData></bpmn:extensionElements></bpmn:startEvent>
  <bpmn:exclusiveGateway id="go" default="f3" />
  <bpmn:endEvent id="won" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="go" />
  <bpmn:sequenceFlow id="f2" sourceRef="go" targetRef="won"><bpmn:conditionExpression>${auction.authorized and auction.endDate != null}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f3" sourceRef="go" targetRef="won" />
""" + TAIL


def test_a_record_s_field_no_form_fills_is_refused_where_it_is_read_and_then_proposed(tmp_path):
    assert _problems(_imported(tmp_path / "a", "half.bpmn", HALF_FILLED, as_written=True)) == [
        "half.bpmn:11: condition of sequence flow 'f2' reads 'auction.authorized', which no form field fills: "
        "the forms fill the record 'auction' with auction.endDate; add a form field 'auction.authorized' to the "
        "user task before it, or to the start event's form (asked when a deal is opened)"]
    plan = plan_import("half.bpmn", HALF_FILLED, companions={}, existing={})
    facts = read_bpmn("half.bpmn", parse_xml("half.bpmn", plan.files["bpmn/half.bpmn"])[0])
    assert [(f.id, f.type) for f in facts.processes["p"].start_form] == [
        ("auction.authorized", "boolean"), ("auction.endDate", "date")]
    assert _problems(_imported(tmp_path / "b", "half.bpmn", HALF_FILLED)) == []


def test_the_proposal_takes_the_place_of_camunda_modelers_empty_form_data(tmp_path):
    data = FORM_KEY.replace(b"<bpmn:documentation>Approve or reject</bpmn:documentation>",
                            b"<bpmn:extensionElements>\n      <camunda:formData />\n    </bpmn:extensionElements>")
    written = plan_import("vacation.bpmn", data, companions={}, existing={}).files["bpmn/vacation.bpmn"].decode()
    assert written.count("<camunda:formData") == 1 and "<camunda:formData />" not in written
    assert '<camunda:formField id="decision" label="decision" type="enum">' in written
    assert _problems(_imported(tmp_path, "vacation.bpmn", data)) == []
