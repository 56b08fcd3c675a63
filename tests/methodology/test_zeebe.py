"""Camunda 8 (Zeebe) extensions read by the methodology reader: assignment, Camunda
Forms (``.form`` files and embedded forms) turned into Dealflow form fields, and what
is refused — io mappings, ``zeebe:calledElement``, FEEL outside the subset — at its
line. Pure: ``read_bpmn`` and ``read_form`` on text, plus ``dealflow validate``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.methodology.bpmn_source import parse_xml, read_bpmn
from engine.methodology.camunda_forms import read_form
from engine.methodology.model import INITIATOR, IoMapping
from engine.methodology import zeebe
from engine.methodology.zeebe import attach_forms
from engine.methodology.camunda_forms import read_forms
from engine.rules.forms import validate_form

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://x">\n'
        '<bpmn:process id="p" isExecutable="true">\n')
TAIL = "</bpmn:process>\n</bpmn:definitions>\n"


def facts_of(body: str):
    tree, problems = parse_xml("p.bpmn", (HEAD + body + TAIL).encode())
    assert problems == []
    return read_bpmn("p.bpmn", tree)


def user_task(extensions: str, task_id: str = "Review") -> str:
    return (f'<bpmn:userTask id="{task_id}" name="Review">\n<bpmn:extensionElements>\n{extensions}\n'
            '</bpmn:extensionElements>\n</bpmn:userTask>\n')


def messages(facts) -> list[str]:
    return [f"{p.line}: {p.message}" for p in facts.problems]


# --- assignment ------------------------------------------------------------------------

@pytest.mark.parametrize("attributes, assignee, users, groups", [
    ('assignee="alice" candidateGroups="sales, management"', "alice", (), ("sales", "management")),
    ('candidateUsers="bob,carol"', None, ("bob", "carol"), ()),
    ('assignee="=&quot;alice&quot;" candidateGroups="=[&quot;sales&quot;, &quot;ops&quot;]"', "alice", (),
     ("sales", "ops")),
    ('assignee="=initiator"', INITIATOR, (), ()),
])
def test_an_assignment_definition_names_users_and_groups_for_routing(attributes, assignee, users, groups):
    facts = facts_of(user_task(f"<zeebe:assignmentDefinition {attributes} />"))
    node = facts.processes["p"].nodes["Review"]
    assert (node.assignee, node.candidate_users, node.candidate_groups) == (assignee, users, groups)
    assert facts.problems == []


def test_an_assignment_computed_from_process_data_is_an_expression_evaluated_when_the_task_is_reached():
    facts = facts_of(user_task('<zeebe:assignmentDefinition assignee="=request.owner" '
                               'candidateGroups="= if amount &gt; 1000 then [&quot;key&quot;] else [&quot;sales&quot;]" />'))
    assert facts.problems == []
    node = facts.processes["p"].nodes["Review"]
    assert (node.assignee, node.candidate_groups) == (None, ())
    assert node.assignment_expressions == (
        ("assignee", "=request.owner"), ("candidateGroups", '= if amount > 1000 then ["key"] else ["sales"]'))


@pytest.mark.parametrize("attribute, problem", [
    ('assignee="= owner("', "6: zeebe:assignmentDefinition assignee of user task 'Review': "),
    ('candidateGroups="sales, ${group}"', "6: user task 'Review': zeebe:assignmentDefinition "
                                          "candidateGroups=\"sales, ${group}\" mixes names and an expression"),
])
def test_an_assignment_expression_that_cannot_run_is_refused_at_its_line(attribute, problem):
    facts = facts_of(user_task(f"<zeebe:assignmentDefinition {attribute} />"))
    (found,) = messages(facts)
    assert found.startswith(problem), found


# --- Camunda Forms ------------------------------------------------------------------------

FORM = {
    "id": "review-form", "type": "default", "components": [
        {"type": "text", "id": "Intro", "text": "# Review"},
        {"type": "checkbox", "id": "F1", "key": "approved", "label": "Approved"},
        {"type": "textarea", "id": "F2", "key": "reason", "label": "Reason", "validate": {"required": True},
         "conditional": {"hide": "=approved"}},
        {"type": "group", "id": "G", "components": [
            {"type": "number", "id": "F3", "key": "discount", "label": "Discount",
             "validate": {"min": 0, "max": 30}, "decimalDigits": 0},
            {"type": "textfield", "id": "F4", "key": "code", "label": "Code",
             "validate": {"pattern": "[A-Z]{3}", "minLength": 3, "maxLength": 3}},
        ]},
        {"type": "select", "id": "F5", "key": "tier", "label": "Tier",
         "values": [{"label": "Gold", "value": "gold"}, {"label": "Silver", "value": "silver"}]},
        {"type": "radio", "id": "F6", "key": "channel", "label": "Channel", "defaultValue": "web",
         "values": [{"label": "Web", "value": "web"}, {"label": "Phone", "value": "phone"}]},
        {"type": "datetime", "id": "F7", "key": "startDate", "subtype": "date", "dateLabel": "Start"},
        {"type": "textfield", "id": "F8", "key": "shown", "readonly": True},
        {"type": "button", "id": "Submit", "action": "submit"},
    ]}


def test_a_camunda_form_becomes_typed_fields_with_its_validation_rules():
    form = read_form("review.form", json.dumps(FORM, indent=2).encode())
    assert form.problems == [] and form.id == "review-form"
    by_id = {f.id: f for f in form.fields}
    assert list(by_id) == ["approved", "reason", "discount", "code", "tier", "channel", "startDate"]
    assert [by_id[k].type for k in by_id] == ["boolean", "string", "long", "string", "enum", "enum", "date"]
    assert by_id["reason"].required and by_id["reason"].hidden_when == "approved"
    assert (by_id["discount"].minimum, by_id["discount"].maximum) == ("0", "30")
    assert (by_id["code"].pattern, by_id["code"].minimum, by_id["code"].maximum) == ("[A-Z]{3}", "3", "3")
    assert by_id["tier"].choices == (("gold", "Gold"), ("silver", "Silver"))
    assert by_id["channel"].default == "web"
    assert by_id["approved"].line == 12  # the line of its "id" in the file as written


def test_the_server_checks_a_camunda_forms_rules_and_ignores_a_field_its_condition_hides():
    fields = read_form("review.form", json.dumps(FORM).encode()).fields
    clean, errors = validate_form(fields, {"approved": "true", "code": "abc", "discount": "40"})
    assert errors == {"code": "enter text of the form [A-Z]{3}", "discount": "enter 30 or less"}
    clean, errors = validate_form(fields, {"approved": "false"})
    assert errors == {"reason": "this field is required"}
    clean, errors = validate_form(fields, {"approved": "false", "reason": "too expensive", "code": "ABC"})
    assert errors == {} and clean["reason"] == "too expensive" and clean["channel"] == "web"


def test_an_iframe_is_display_only_and_asks_for_nothing():
    """Z09's review form frames the claim's document: Dealflow frames no address (its CSP
    forbids it), and the component asks for nothing, so it adds no field."""
    document = {"id": "f", "components": [{"type": "iframe", "id": "Doc", "url": "=documentUrl", "height": 500},
                                          {"type": "textfield", "id": "U", "key": "documentUrl", "label": "URL"}]}
    form = read_form("f.form", json.dumps(document).encode())
    assert form.problems == [] and [f.id for f in form.fields] == ["documentUrl"]


@pytest.mark.parametrize("component, words", [
    ({"type": "filepicker", "id": "X", "key": "k"}, "of type 'filepicker' is not supported"),
    ({"type": "select", "id": "X", "key": "k", "valuesKey": "options"}, "takes its options from process data"),
    ({"type": "datetime", "id": "X", "key": "k", "subtype": "datetime"}, "set the datetime field's subtype"),
    ({"type": "textfield", "id": "X", "key": "a..b"}, "joined by dots for a field of a record"),
    ({"type": "textfield", "id": "X", "key": "amount.net"}, "would make the deal's own 'amount' a record"),
    ({"type": "textfield", "id": "X", "key": "k", "validate": {"pattern": "(a+)+$"}}, "nested repetition"),
    ({"type": "textfield", "id": "X", "key": "k", "conditional": {"hide": "=append(x, 1)"}},
     "condition hiding form field 'k': the FEEL function append() is not supported"),
    ({"type": "group", "id": "X", "path": "home address", "components": []}, "has the path 'home address'"),
])
def test_what_a_dealflow_form_cannot_ask_is_refused_at_the_components_line(component, words):
    document = {"id": "f", "components": [{"type": "text", "id": "T", "text": "x"}, component]}
    form = read_form("f.form", json.dumps(document, indent=2).encode())
    assert len(form.problems) == 1 and words in form.problems[0].message
    assert form.problems[0].line == 11  # the component's "id"


def test_a_user_task_gets_the_fields_of_the_form_it_names_by_form_id():
    facts = facts_of(user_task('<zeebe:userTask />\n<zeebe:formDefinition formId="review-form" />'))
    forms, problems = read_forms({"review.form": json.dumps(FORM).encode()})
    assert attach_forms(facts, forms) == [] and problems == []
    assert [f.id for f in facts.processes["p"].nodes["Review"].form][:2] == ["approved", "reason"]


def test_a_form_id_no_form_file_defines_is_named_at_the_form_definition():
    facts = facts_of(user_task('<zeebe:formDefinition formId="missing" />'))
    forms, _ = read_forms({"review.form": json.dumps(FORM).encode()})
    assert [f"{p.line}: {p.message}" for p in attach_forms(facts, forms)] == [
        "6: user task 'Review' shows form 'missing', which no .form file in the methodology folder defines "
        "(forms here: review-form); copy the form Camunda Modeler saved (a .form file with that \"id\") beside "
        "the BPMN file"]


def test_a_form_embedded_in_the_file_is_read_with_lines_counted_in_the_file():
    embedded = json.dumps({"components": [{"type": "textfield", "id": "F1", "key": "note", "label": "Note"}]},
                          indent=2)
    body = (f'<bpmn:extensionElements><zeebe:userTaskForm id="uf1">{embedded}</zeebe:userTaskForm>'
            '</bpmn:extensionElements>\n'
            + user_task('<zeebe:formDefinition formKey="camunda-forms:bpmn:uf1" />'))
    facts = facts_of(body)
    assert facts.problems == []
    [note] = facts.processes["p"].nodes["Review"].form
    assert (note.id, note.type, note.line) == ("note", "string", 8)


def test_a_form_key_naming_a_custom_ui_is_refused():
    facts = facts_of(user_task('<zeebe:formDefinition formKey="custom:my-app/review" />'))
    assert "names a form outside the process (a custom UI)" in messages(facts)[0]


# --- what Dealflow does not run ---------------------------------------------------------------

def test_io_mappings_are_read_as_dealflow_expressions_and_their_feel_checked_at_its_line():
    facts = facts_of(user_task('<zeebe:ioMapping>\n<zeebe:input source="=a.b[1]" target="x" />\n'
                               '<zeebe:input source="plain text" target="y.z" />\n'
                               '<zeebe:output source="={x: 1, y: [2]}" target="w" />\n</zeebe:ioMapping>'))
    assert messages(facts) == []
    assert facts.io_mappings["Review"] == IoMapping(inputs=(("x", "=a.b[1]"), ("y.z", "'plain text'")),
                                                    outputs=(("w", "={x: 1, y: [2]}"),))
    assert [s.source for s in facts.expressions] == ["a.b[0]", "{'x': 1, 'y': [2]}"]  # what validation checks
    assert {"x", "y", "w"} <= facts.sets
    facts = facts_of(user_task('<zeebe:ioMapping>\n<zeebe:input source="=append(x, 1)" target="x" />\n'
                               '<zeebe:output source="=1" target="2bad" />\n</zeebe:ioMapping>'))
    assert [m.split(":")[0] for m in messages(facts)] == ["7", "8"]


def test_task_headers_are_kept_as_data():
    facts = facts_of(user_task('<zeebe:taskHeaders><zeebe:header key="priority" value="high" />'
                               '</zeebe:taskHeaders>'))
    assert facts.task_headers == {"Review": (("priority", "high"),)} and facts.problems == []


def test_a_call_activity_named_the_camunda_8_way_calls_that_process():
    facts = facts_of('<bpmn:callActivity id="Call">\n<bpmn:extensionElements>'
                     '<zeebe:calledElement processId="billing" /></bpmn:extensionElements>\n'
                     '</bpmn:callActivity>\n')
    assert messages(facts) == [] and facts.call_refs == [("billing", 4, "Call")]


def test_a_call_activity_choosing_its_process_by_a_feel_expression_is_evaluated_when_reached():
    facts = facts_of('<bpmn:callActivity id="Call">\n<bpmn:extensionElements>\n'
                     '<zeebe:calledElement processId="= &quot;phase_&quot; + variant" /></bpmn:extensionElements>\n'
                     '</bpmn:callActivity>\n')
    assert messages(facts) == [] and facts.call_refs == []
    assert facts.expression_calls == [('= "phase_" + variant', "('phase_' + variant)", 6, "Call")]
    assert [(s.where, s.source) for s in facts.expressions] == [("called process of 'Call'", "('phase_' + variant)")]


def test_the_processes_an_expression_could_name_start_with_its_text():
    processes = ["phase_a", "phase_b", "main"]
    assert zeebe.candidates("('phase_' + variant)", processes) == ["phase_a", "phase_b"]
    assert zeebe.candidates("(('phase_' + kind) + '_x')", processes) == ["phase_a", "phase_b"]
    assert zeebe.candidates("name", processes) == ["main", "phase_a", "phase_b"]
    assert zeebe.candidates("('other_' + variant)", processes) == []


def test_a_called_process_expression_outside_the_feel_subset_is_refused_at_its_line():
    facts = facts_of('<bpmn:callActivity id="Call">\n<bpmn:extensionElements>\n'
                     '<zeebe:calledElement processId="= for x in y return x" /></bpmn:extensionElements>\n'
                     '</bpmn:callActivity>\n')
    assert len(messages(facts)) == 1 and messages(facts)[0].startswith("6: called process of 'Call': 'for' loops")


def test_a_correlation_key_outside_the_feel_subset_is_named_at_its_line():
    facts = facts_of('<bpmn:receiveTask id="Wait" messageRef="M" />\n</bpmn:process>\n'
                     '<bpmn:message id="M" name="paid">\n<bpmn:extensionElements>\n'
                     '<zeebe:subscription correlationKey="=some o in orders satisfies o.id" />\n'
                     '</bpmn:extensionElements>\n</bpmn:message>\n<bpmn:process id="q">\n')
    assert "8: correlation key of message 'paid': 'some … satisfies' is not supported in correlation keys: " \
           "compute it in a script task with any(…)" in messages(facts)


def test_dealflow_validate_reads_the_form_files_of_the_methodology_folder(tmp_path, monkeypatch):
    source = tmp_path / "source"
    source.mkdir()
    (source / "review.form").write_text(json.dumps(FORM, indent=2), "utf-8")
    (source / "deal.bpmn").write_text(
        HEAD + '<bpmn:startEvent id="start" />\n'
        + user_task('<zeebe:userTask />\n<zeebe:formDefinition formId="review-form" />')
        + '<bpmn:endEvent id="won" />\n<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Review" />\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="Review" targetRef="won" />\n' + TAIL, "utf-8")
    monkeypatch.chdir(tmp_path)
    imported = CliRunner().invoke(main, ["import-bpmn", "source/deal.bpmn", "--into", "methodologies"])
    assert "wrote methodologies/bpmn/review.form" in imported.output
    result = CliRunner().invoke(main, ["validate", "methodologies"])
    assert result.exit_code == 0, result.output
    (tmp_path / "methodologies" / "bpmn" / "review.form").unlink()
    result = CliRunner().invoke(main, ["validate", "methodologies"])
    assert result.exit_code == 1
    assert "methodologies/bpmn/deal.bpmn:8: user task 'Review' shows form 'review-form'" in result.stdout


@pytest.mark.parametrize("text, words", [
    ("[" * 100_000, "the form nests too deeply to read"),
    (json.dumps({"id": "f", "components": [{"type": "group", "id": "G0", "components": []}]}).replace(
        '"components": []', '"components": [' + '{"type": "group", "components": [' * 50 + "]}" * 50 + "]"),
     "groups nest more than 10 deep"),
    ('{"id": "f", "components": [1, "x", {"type": "group", "components": "nope"}]}', None),
])
def test_a_hostile_form_file_is_a_problem_not_a_crash(text, words):
    form = read_form("f.form", text.encode())
    assert form.fields == ()
    assert [words in p.message for p in form.problems] == ([True] if words else [])
