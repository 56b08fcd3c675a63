"""Use cases of the Sales Assistant (M4) and questionnaires (M5): answering a
questionnaire, the manager's probability override, suggested activities, and the
exit criteria that guard leaving a stage. Mixed into ``engine.service.Engine``."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Mapping

from engine.rules import exit_criteria
from engine.rules import scoring
from engine.errors import ConflictError, ExitCriteriaError, FormError, NotFoundError
from engine.rules import inputs, policy
from engine.methodology.model import Methodology, Questionnaire, Stage
from engine.runtime.workflow import StepResult
from engine.service import opportunities, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.progress import refresh_probability
from engine.service.unit_of_work import Session
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.store.buying_center import roles_identified
from engine.store.events import record_event
from engine.store.models import InboxTask, Opportunity, User
from engine.store.opportunities import refresh_next_action
from engine.views import OpportunityView
from engine.views.sales import (CriterionView, QuestionScoreView, QuestionnaireView, SalesAssistantView,
                          ScoreView)


# --- questionnaires ---------------------------------------------------------------

def answer_questionnaire(ctx: ServiceContext, opportunity_id: int, questionnaire_id: str,
                         answers: Mapping[str, object], *, actor: str) -> OpportunityView:
    """Record answers to a stage questionnaire (some or all questions; earlier
    answers stay unless replaced), score it, and update the probability."""
    for name, value in answers.items():
        inputs.storable_data(value, str(name))
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row, opportunity = visibility.visible_opportunity(session, actor, opportunity_id, lock=True)
        policy.require(policy.may_answer_questionnaire(visibility.actor_of(session, actor_row),
                                                       visibility.deal_of(opportunity)),
                       f"'{actor}' may not answer the questionnaires of opportunity {opportunity_id}")
        if opportunity.status != "open":
            raise ConflictError(f"opportunity {opportunity_id} is {opportunity.status}; "
                                "its questionnaires can no longer change")
        version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        questionnaire = methodology.questionnaire(questionnaire_id)
        if questionnaire is None:
            raise NotFoundError(f"methodology '{methodology.id}' has no questionnaire '{questionnaire_id}'")
        if questionnaire.task is not None:
            raise ConflictError(f"questionnaire '{questionnaire_id}' is answered in task "
                                f"'{questionnaire.task}', not on its own")
        previous = scoring.current_records(opportunity.scores, methodology).get(questionnaire_id, {}).get("answers", {})
        given = {k: v for k, v in answers.items() if v not in (None, "")}
        errors = scoring.answer_errors(questionnaire, given, require_all=False)
        if errors:
            raise FormError(errors)
        if not given:
            raise FormError({"answers": "answer at least one question"})
        result = _record_score(session, opportunity, methodology, questionnaire,
                               {**previous, **given}, actor_row, now)
        runner = ctx.catalog.runner(session, version.id)
        # The process may route on the score at its next gateway.
        opportunity.workflow_state = runner.with_data(opportunity.workflow_state,
                                                      _score_variables(result))

    unit_of_work.run(ctx, work)
    return opportunities.show_opportunity(ctx, opportunity_id)


def score_task(session: Session, opportunity: Opportunity, methodology: Methodology,
               task: InboxTask, clean: dict, actor_row: User, now: datetime) -> dict:
    """For a task whose form is a questionnaire: record its score; returns the
    variables (score, score_class) to hand to the process with the form data."""
    questionnaire = methodology.questionnaire_for_task(task.node_id)
    if questionnaire is None:
        return {}
    answers = {q.id: clean.get(q.id) for q in questionnaire.questions}
    errors = scoring.answer_errors(questionnaire, answers, require_all=True)
    if errors:
        raise FormError(errors)
    result = _record_score(session, opportunity, methodology, questionnaire, answers, actor_row, now)
    return _score_variables(result)


def _record_score(session: Session, opportunity: Opportunity, methodology: Methodology,
                  questionnaire: Questionnaire, answers: Mapping[str, object], actor_row: User,
                  now: datetime) -> scoring.ScoreResult:
    result = scoring.score(questionnaire, answers)
    record = {**result.as_record(), "answered_at": now.isoformat(), "answered_by": actor_row.username,
              "stage": opportunity.stage_id, "methodology": methodology.id, "version": methodology.version}
    # A new dict: the JSON column notices assignment, not mutation.
    opportunity.scores = {**(opportunity.scores or {}), questionnaire.id: record}
    opportunity.score = int(result.score.to_integral_value())
    opportunity.score_class = result.score_class.id
    before = opportunity.probability
    refresh_probability(opportunity, methodology)
    record_event(session, opportunity, "questionnaire_answered", actor_row.id, now,
                 questionnaire=questionnaire.id, score=str(result.score), score_class=result.score_class.id,
                 probability_before=before, probability=opportunity.probability)
    return result


# --- probability ------------------------------------------------------------------

def override_probability(ctx: ServiceContext, opportunity_id: int, probability: object, *, actor: str,
                         reason: str = "") -> OpportunityView:
    """A manager sets the probability by hand; it stays until reset, whatever the
    stage or a questionnaire would say."""
    value = inputs.percent(probability)
    reason = inputs.text(reason, "reason", limit=inputs.MAX_REASON, required=False) or ""
    return _set_override(ctx, opportunity_id, value, actor, reason)


def reset_probability(ctx: ServiceContext, opportunity_id: int, *, actor: str) -> OpportunityView:
    """Drop the manager's override: the automatic probability applies again."""
    return _set_override(ctx, opportunity_id, None, actor, "")


def _set_override(ctx: ServiceContext, opportunity_id: int, value: int | None, actor: str,
                  reason: str) -> OpportunityView:
    now = ctx.now()

    def work(session: Session) -> None:
        actor_row, opportunity = visibility.visible_opportunity(session, actor, opportunity_id, lock=True)
        policy.require(policy.may_override_probability(visibility.actor_of(session, actor_row),
                                                       visibility.deal_of(opportunity)),
                       f"only the deal's manager or an admin may set the probability of opportunity "
                       f"{opportunity_id}; '{actor}' may not")
        if opportunity.status != "open":
            raise ConflictError(f"opportunity {opportunity_id} is {opportunity.status}; "
                                "its probability is settled")
        if value is None and opportunity.probability_override is None:
            raise ConflictError(f"opportunity {opportunity_id} has no probability override to reset")
        _, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        before = opportunity.probability
        opportunity.probability_override = value
        opportunity.probability_override_by_id = actor_row.id if value is not None else None
        opportunity.probability_override_at = now if value is not None else None
        refresh_probability(opportunity, methodology)
        kind = "probability_overridden" if value is not None else "probability_reset"
        record_event(session, opportunity, kind, actor_row.id, now, probability_before=before,
                     probability=opportunity.probability, automatic=opportunity.probability_auto,
                     reason=reason)

    unit_of_work.run(ctx, work)
    return opportunities.show_opportunity(ctx, opportunity_id)


# --- activities -------------------------------------------------------------------

def finish_activity(session: Session, opportunity: Opportunity, task: InboxTask,
                    actor_row: User, clean: dict, now: datetime) -> None:
    """Mark the suggested activity ``task`` of the locked, open deal done, with its note."""
    task.status = "completed"
    task.completed_by_id = actor_row.id
    task.completed_at = now
    task.note = clean.get("note") or None
    refresh_next_action(session, opportunity)
    record_event(session, opportunity, "activity_completed", actor_row.id, now, task=task.id,
                 activity=task.node_id, name=task.name, note=task.note)


# --- exit criteria ----------------------------------------------------------------

def check_exit(session: Session, opportunity: Opportunity, methodology: Methodology,
               result: StepResult, data_of: Callable[[], Mapping[str, object]]) -> None:
    """Refuse a step that would take the deal out of its stage while the stage's
    criteria are not met. Losing a deal is never refused."""
    unmet = unmet_exit_criteria(session, opportunity, methodology, result, data_of)
    if unmet is not None:
        stage, criteria = unmet
        raise ExitCriteriaError(exit_criteria.refusal(stage, criteria), {c.name: c.label for c in criteria})


def unmet_exit_criteria(session: Session, opportunity: Opportunity, methodology: Methodology,
                        result: StepResult, data_of: Callable[[], Mapping[str, object]]
                        ) -> tuple[Stage, tuple[exit_criteria.Criterion, ...]] | None:
    """(the deal's stage, its criteria not met) when ``result`` takes the deal out of
    its stage to another that is not lost while some are not met; else None."""
    stage = methodology.stage(opportunity.stage_id) if opportunity.stage_id else None
    if stage is None:
        return None
    target = None
    for node_id in result.reached:
        reached = methodology.stage_of_node(node_id)
        if reached is not None and reached.id != stage.id:
            target = reached
    if target is None or target.outcome == "lost":
        return None
    criteria = stage.exit_criteria
    if not (criteria.fields or criteria.answered or criteria.buying_center
            or any(a.required for a in stage.activities)):
        return None  # nothing to check: no data to load, no queries
    missing = tuple(c for c in _criteria(session, opportunity, methodology, stage, data_of()) if not c.met)
    return (stage, missing) if missing else None


def _criteria(session: Session, opportunity: Opportunity, methodology: Methodology, stage,
              data: Mapping[str, object]) -> tuple[exit_criteria.Criterion, ...]:
    values = {**opportunity.attributes, **data,
              "title": opportunity.title, "partner_name": opportunity.partner_name,
              "currency": opportunity.currency,
              "amount": opportunity.amount if opportunity.amount > 0 else None}
    return exit_criteria.evaluate(
        stage, methodology, values=values, scores=scoring.current_records(opportunity.scores, methodology),
        roles=roles_identified(session, opportunity.id),
        open_required=opportunity_store.open_required_activities(session, opportunity.id, stage.id))


# --- the opportunity page's Sales Assistant panel ----------------------------------

def sales_assistant(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> SalesAssistantView:
    """The current stage's guidance, activities and exit checklist, the
    questionnaires with their scores explained, and the probability's make-up."""
    with unit_of_work.read(ctx) as session:
        actor_row, opportunity = visibility.visible_opportunity(session, viewer, opportunity_id)
        version, methodology = ctx.catalog.version(session, opportunity.methodology_version_id)
        stage = methodology.stage(opportunity.stage_id) if opportunity.stage_id else None
        checklist = ()
        if stage is not None and opportunity.status == "open":
            runner = ctx.catalog.runner(session, version.id)
            data = runner.data(opportunity.workflow_state)
            checklist = tuple(CriterionView(c.kind, c.name, c.label, c.met)
                              for c in _criteria(session, opportunity, methodology, stage, data))
        questionnaires = tuple(_questionnaire_view(q, opportunity, methodology)
                               for q in methodology.questionnaires)
        override_by = (people.username(session, opportunity.probability_override_by_id)
                       if opportunity.probability_override_by_id else None)
        return SalesAssistantView(
            opportunity_id=opportunity.id, stage_id=stage.id if stage else None,
            stage_name=stage.name if stage else None, stage_description=stage.description if stage else "",
            checklist=checklist, questionnaires=questionnaires, probability=opportunity.probability,
            probability_auto=opportunity.probability_auto, probability_override=opportunity.probability_override,
            probability_override_by=override_by, probability_override_at=opportunity.probability_override_at,
            may_override=policy.may_override_probability(visibility.actor_of(session, actor_row),
                                                         visibility.deal_of(opportunity)),
            is_open=opportunity.status == "open",
            classes_applied=scoring.applied_classes(stage, methodology, opportunity.scores or {}))


def _score_variables(result: scoring.ScoreResult) -> dict:
    return {"score": result.score, "score_class": result.score_class.id}


def _questionnaire_view(q: Questionnaire, opportunity: Opportunity, methodology: Methodology) -> QuestionnaireView:
    record = scoring.current_records(opportunity.scores, methodology).get(q.id)
    score = None
    if record is not None:
        klass = next((c for c in q.classes if c.id == record["class"]), None)
        score = ScoreView(
            score=record["score"], class_id=record["class"], class_name=record["class_name"],
            class_effect=_class_effect(klass), answered_by=record.get("answered_by"),
            answered_at=datetime.fromisoformat(record["answered_at"]) if record.get("answered_at") else None,
            questions=tuple(QuestionScoreView(
                r["id"], r["text"], r.get("group"), r["answer"], r["answer_text"], r["points"], r["best_points"],
                r["weight"], r["contribution"], r["possible"]) for r in record["questions"]))
    stage = methodology.stage(q.stage) if q.stage else None
    return QuestionnaireView(
        id=q.id, name=q.name, description=q.description, task=q.task, stage=q.stage,
        task_name=(node.name or node.id) if q.task and (node := methodology.process.nodes.get(q.task)) else None,
        stage_name=stage.name if stage else None,
        answerable=q.task is None and opportunity.status == "open",
        questions=tuple((question.id, question.text, question.help, question.group,
                         tuple((a.id, a.text) for a in question.answers)) for question in q.questions),
        answers=dict(record.get("answers", {})) if record else {},
        classes=tuple((c.id, c.name, str(c.min_score), _class_effect(c)) for c in q.classes),
        score=score)


def _class_effect(klass) -> str:
    if klass is None:
        return ""
    if klass.probability is not None:
        return f"sets the probability to {klass.probability}%"
    if klass.probability_adjustment:
        return f"adjusts the stage's probability by {klass.probability_adjustment:+d} points"
    return "keeps the stage's probability"
