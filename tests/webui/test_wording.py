"""Issue 15's wording defects, through the Flask test client on SQLite and
PostgreSQL: no command-line wording in web messages, names instead of internal ids
in the event log and the exit checklist, no developer text in the shipped stages'
guidance, no prompt to add people where nobody may."""

from __future__ import annotations

import re

import yaml

from engine.methodology.model import ExitCriteria, Methodology, Questionnaire, Stage
from engine.rules import exit_criteria
from tests.conftest import REPO, SHIPPED
from tests.webui.pages_support import client_for, open_deal, with_passwords

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"


def test_the_swap_preview_speaks_of_the_stage_map_not_of_a_command_line_option(app, engine):
    engine.deploy(str(SWAP_TARGET), actor="admin")
    deal = engine.create_opportunity(title="Hotel", amount="1000.00", partner="P", actor="manager",
                                     attributes={"channel": "horeca", "territory": "PL-N"})
    engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "1000"})  # at 'offer'
    manager = client_for(app, "manager")
    preview = manager.post("/segments/preview", data={"segment": "horeca", "methodology": "quick-deal",
                                                      "map-offer": ""}, follow_redirects=True)
    assert "the stage map does not say where it goes" in preview.text
    typo = manager.post("/segments/preview", data={"segment": "horeca", "methodology": "quick-deal",
                                                   "map-ofer": "proposal"})
    assert "stage map ofer=proposal: " in typo.text
    for page in (preview, typo):
        assert "--map" not in page.text and "STAGE" not in page.text


def test_the_event_log_names_stages_and_hides_empty_values_and_internal_ids(app, engine):
    deal = open_deal(engine)
    engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "5"})
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    log = page.split('id="event-log"')[1]
    assert "=None" not in log and ": None" not in log and "from_stage" not in log and "None" not in log
    assert deal.open_tasks[0].id not in log  # a task's internal id
    assert "Stage changed from Kwalifikacja to Oferta" in log


def test_the_exit_checklist_names_a_question_group_not_its_id():
    questionnaire = Questionnaire(id="meddpicc", methodology="m", name="MEDDPICC", path="q.yaml", task=None,
                                  stage=None, questions=(), classes=())
    stage = Stage(id="s", name="S", probability=10, outcome="open", description="", entered_at=(), position=0,
                  exit_criteria=ExitCriteria(answered=("meddpicc/identify_pain",)))
    methodology = Methodology(id="m", version="1", name="M", description="", process=None, stages=(stage,),
                              questionnaires=(questionnaire,), stage_table_path="", content_hash="")
    (criterion,) = exit_criteria.evaluate(stage, methodology, values={}, scores={}, roles=(), open_required=())
    assert criterion.label == "the 'Identify pain' questions of questionnaire 'MEDDPICC' answered"


def test_the_shipped_stages_guidance_carries_no_notes_for_developers():
    for path in sorted((SHIPPED / "stages").glob("*.yaml")):
        for stage in yaml.safe_load(path.read_text("utf-8"))["stages"]:
            text = stage.get("description", "")
            assert not re.search(r"seed's table|this stage is not|is added so", text, re.I), (path.name, stage["id"])


def test_nobody_is_asked_to_add_people_where_they_cannot(app, engine):
    deal = open_deal(engine)
    invite = "add the customer&#39;s people below"
    assert invite in client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    engine.create_user("designer", "designer")
    with_passwords(engine)
    designer = client_for(app, "designer").get(f"/opportunities/{deal.id}").text
    assert "Nobody in the buying center." in designer and invite not in designer
    engine.close_as_lost(deal.id, actor="rep1", reason_code="price")
    closed = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    assert "Nobody in the buying center." in closed and invite not in closed
