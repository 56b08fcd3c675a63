"""score and score_class belong to the questionnaires (issue 17): a condition may read
them only where a questionnaire sets them, and no form field or script may set them."""

from engine.service.validation import load_methodologies
from tests.file_edits import copy_base, edit


def messages(target):
    return [f"{p.line}: {p.message}" for p in load_methodologies(str(target)).problems]


def test_a_condition_on_score_is_refused_where_no_questionnaire_sets_it(tmp_path):
    target = copy_base(tmp_path)
    edit(target / "bpmn" / "deal.bpmn", "result == 'accepted'", "score &gt; 50")
    assert messages(target) == []  # the base has a questionnaire: its score is set when answered
    (target / "questionnaires" / "qualification.yaml").unlink()
    [problem] = messages(target)
    assert problem.endswith("reads 'score', which only an answered questionnaire sets, and no questionnaire "
                            "belongs to these methodologies; add one, or read another variable")
    assert "did you mean" not in problem


def test_a_form_field_or_a_script_that_sets_score_is_refused_at_its_line(tmp_path):
    target = copy_base(tmp_path)
    bpmn = target / "bpmn" / "deal.bpmn"
    edit(bpmn, '<camunda:formField id="interested"', '<camunda:formField id="score_class"')
    edit(bpmn, "<bpmn:script>discount = 0", "<bpmn:script>score = 0\ndiscount = 0")
    problems = messages(target)
    assert ("35: form field id 'score_class' of 'Task_Qualify' is reserved: a questionnaire's score and class "
            "are stored as score and score_class; rename it") in problems
    assert any(p.startswith("64: ") and "sets 'score', which is reserved" in p for p in problems), problems
