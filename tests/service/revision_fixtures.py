"""The base methodology with a stage that holds three steps, for revising answers
(issue 15): qualification runs "Qualify the lead" (amount, an optional need), "Score
the lead" (the qualification questionnaire as its form) and "Confirm the lead"; its
``sets`` maps the amount to the deal's, and it may be left only once a need is known."""

from __future__ import annotations

import shutil

from tests.conftest import BASE_METHODOLOGY, make_engine

NEED = '          <camunda:formField id="need" label="What they need" type="string" />\n'
STEPS = ('    <bpmn:userTask id="Task_Score" name="Score the lead" />\n'
         '    <bpmn:userTask id="Task_Confirm" name="Confirm the lead" />\n'
         '    <bpmn:sequenceFlow id="Flow_2b" sourceRef="Task_Score" targetRef="Task_Confirm" />\n'
         '    <bpmn:sequenceFlow id="Flow_2c" sourceRef="Task_Confirm" targetRef="Rule_Tier" />\n')


def three_step_stage(tmp_path):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    bpmn = target / "bpmn" / "deal.bpmn"
    text = bpmn.read_text("utf-8")
    text = text.replace('        <camunda:formData>\n          <camunda:formField id="amount"',
                        '        <camunda:formData>\n' + NEED + '          <camunda:formField id="amount"', 1)
    text = text.replace('<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Qualify" targetRef="Rule_Tier" />',
                        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Qualify" targetRef="Task_Score" />\n' + STEPS)
    text = text.replace('        <bpmn:flowNodeRef>Task_Qualify</bpmn:flowNodeRef>\n',
                        '        <bpmn:flowNodeRef>Task_Qualify</bpmn:flowNodeRef>\n'
                        '        <bpmn:flowNodeRef>Task_Score</bpmn:flowNodeRef>\n'
                        '        <bpmn:flowNodeRef>Task_Confirm</bpmn:flowNodeRef>\n', 1)
    bpmn.write_text(text, "utf-8")
    stages = target / "stages" / "small-deal.yaml"
    stages.write_text(stages.read_text("utf-8").replace(
        "    entered_at: [Task_Qualify]\n",
        "    entered_at: [Task_Qualify]\n    sets: {amount: amount}\n    exit_criteria:\n      fields: [need]\n"),
        "utf-8")
    questionnaire = target / "questionnaires" / "qualification.yaml"
    questionnaire.write_text(questionnaire.read_text("utf-8").replace(
        "attached_to:\n  stage: qualification\n", "attached_to:\n  task: Task_Score\n"), "utf-8")
    return target


def revision_engine(db_url, clock, tmp_path):
    return make_engine(db_url, clock, three_step_stage(tmp_path))
