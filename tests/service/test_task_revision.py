"""Revising the answers of a completed task until its stage is left (issue 15): who
may, until when, and what a revision re-evaluates — the answers shown, the deal's
mapped amount, the questionnaire's score and probability, the process data the stage's
exit criteria read — audited with each field's old and new answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import ConflictError, ExitCriteriaError, FormError, NotFoundError, PermissionDeniedError
from tests.service.revision_fixtures import revision_engine


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = revision_engine(db_url, clock, tmp_path)
    yield engine
    engine.close()


def qualified(engine, **answers):
    """A deal whose first step, "Qualify the lead", its owner completed with ``answers``."""
    deal = engine.create_opportunity(title="Kiosk", amount="1000.00", partner="Hotel Rex", actor="manager",
                                     attributes={"channel": "retail"})
    (task,) = [t for t in deal.open_tasks if t.kind == "workflow"]
    after = engine.complete_task(task.id, actor=deal.owner, data={"amount": "5000", **answers})
    return after, task.id


def step(deal, name):
    (task,) = [t for t in deal.open_tasks if t.name == name]
    return task.id


def test_the_owner_revises_an_answer_in_the_same_stage_and_the_mapped_amount_follows(engine, clock):
    deal, qualify = qualified(engine)
    assert (deal.stage_id, deal.amount) == ("qualification", Decimal("5000.00"))
    clock.advance(hours=1)
    revised = engine.revise_task(qualify, actor=deal.owner, data={"amount": "7000", "need": "two ovens"})
    assert (revised.stage_id, revised.amount) == ("qualification", Decimal("7000.00"))
    (event,) = [e for e in revised.events if e.kind == "task_revised"]
    assert event.actor == deal.owner
    assert event.data["changes"] == {"need": [None, "two ovens"], "amount": [5000, 7000]}
    (edit,) = [e for e in revised.events if e.kind == "deal_edited" and e.data["source"] == "revision"]
    assert edit.data["changes"] == {"amount": ["5000.00", "7000.00"]}
    # What the deal page and the next task page show are the revised answers.
    (group,) = engine.deal_record(deal.id, viewer=deal.owner).captured
    (captured,) = group.tasks
    assert [(f.label, f.value) for f in captured.fields] == [("What they need", "two ovens"), ("Amount", 7000),
                                                             ("Interested?", True)]
    assert captured.revised
    earlier = engine.task_context(step(revised, "Score the lead"), viewer=deal.owner).earlier
    assert [(a.label, a.value) for a in earlier[0].answers] == [("What they need", "two ovens"),
                                                                 ("Amount", "7000"), ("Interested?", "yes")]
    history = engine.deal_record(deal.id, viewer=deal.owner).history
    assert history[0].what == "Revised the answers of a task: “Qualify the lead”"
    assert ("What they need", "— → two ovens") in history[0].details


def test_a_revised_answer_is_what_the_stages_exit_criteria_read(engine):
    deal, qualify = qualified(engine)  # no need given: the stage may not be left yet
    scored = engine.complete_task(step(deal, "Score the lead"), actor=deal.owner,
                                  data={"budget": "yes", "timeline": "quarter"})
    confirm = step(scored, "Confirm the lead")
    with pytest.raises(ExitCriteriaError):
        engine.complete_task(confirm, actor=deal.owner, data={})
    engine.revise_task(qualify, actor=deal.owner, data={"amount": "5000", "need": "a cold room"})
    moved = engine.complete_task(confirm, actor=deal.owner, data={})
    assert moved.stage_id == "offer"


def test_revising_a_questionnaire_step_rescores_the_deal(engine):
    deal, _ = qualified(engine, need="ovens")
    score = step(deal, "Score the lead")
    scored = engine.complete_task(score, actor=deal.owner, data={"budget": "yes", "timeline": "quarter"})
    assert (scored.score_class, scored.probability) == ("A", 40)
    rescored = engine.revise_task(score, actor=deal.owner, data={"budget": "no", "timeline": "quarter"})
    assert (rescored.score, rescored.score_class, rescored.probability) == (25, "C", 10)
    assert [e.kind for e in rescored.events][-2:] == ["questionnaire_answered", "task_revised"]


def test_once_the_stage_is_left_the_answers_are_settled(engine):
    deal, qualify = qualified(engine, need="ovens")
    scored = engine.complete_task(step(deal, "Score the lead"), actor=deal.owner,
                                  data={"budget": "yes", "timeline": "quarter"})
    moved = engine.complete_task(step(scored, "Confirm the lead"), actor=deal.owner, data={})
    assert moved.stage_id == "offer"
    with pytest.raises(ConflictError, match="left the stage"):
        engine.revise_task(qualify, actor=deal.owner, data={"amount": "1", "need": "ovens"})
    assert engine.show_opportunity(deal.id).amount == Decimal("5000.00")
    view = engine.task_revision(qualify, viewer=deal.owner)
    assert not view.may_revise and "left the stage" in view.refusal
    assert view.answers["need"] == "ovens"
    assert engine.deal_record(deal.id, viewer=deal.owner).revisable == frozenset()


def test_a_step_that_left_the_stage_when_completed_is_never_revisable(engine):
    deal, _ = qualified(engine, need="ovens")
    scored = engine.complete_task(step(deal, "Score the lead"), actor=deal.owner,
                                  data={"budget": "yes", "timeline": "quarter"})
    confirm = step(scored, "Confirm the lead")
    engine.complete_task(confirm, actor=deal.owner, data={})
    assert "left the stage" in engine.task_revision(confirm, viewer=deal.owner).refusal


def test_only_whoever_completed_the_task_revises_it(engine):
    deal, qualify = qualified(engine, need="ovens")
    record = engine.deal_record(deal.id, viewer=deal.owner)
    assert record.revisable == frozenset({qualify})
    assert engine.deal_record(deal.id, viewer="manager").revisable == frozenset()
    with pytest.raises(PermissionDeniedError, match="whoever completed"):  # the manager sees the deal
        engine.revise_task(qualify, actor="manager", data={"amount": "1", "need": "x"})
    other = "rep2" if deal.owner != "rep2" else "rep3"
    with pytest.raises(NotFoundError):  # another rep does not even see it
        engine.revise_task(qualify, actor=other, data={"amount": "1", "need": "x"})
    with pytest.raises(NotFoundError):
        engine.task_revision(qualify, viewer=other)
    assert engine.show_opportunity(deal.id).amount == Decimal("5000.00")
    assert not engine.task_revision(qualify, viewer="manager").may_revise


def test_bad_answers_are_refused_per_field_and_unchanged_ones_are_nothing_to_revise(engine):
    deal, qualify = qualified(engine, need="ovens")
    with pytest.raises(FormError) as err:
        engine.revise_task(qualify, actor=deal.owner, data={"amount": "-5", "colour": "red"})
    assert set(err.value.fields) == {"amount", "colour"}
    with pytest.raises(FormError) as err:
        engine.revise_task(qualify, actor=deal.owner, data={"amount": "5000", "need": "ovens"})
    assert set(err.value.fields) == {"form"}


def test_a_ready_task_or_a_closed_deal_has_nothing_to_revise(engine):
    deal, qualify = qualified(engine, need="ovens")
    with pytest.raises(ConflictError, match="not completed"):
        engine.revise_task(step(deal, "Score the lead"), actor=deal.owner, data={"budget": "no"})
    engine.close_as_lost(deal.id, actor=deal.owner, reason_code="price")
    with pytest.raises(ConflictError, match="is lost"):
        engine.revise_task(qualify, actor=deal.owner, data={"amount": "1", "need": "x"})
