"""``dealflow demo``: demo users and teams, the methodologies deployed, and five
opportunities walked through them to won and to lost, printing each stage change.
Everything goes through the façade, as a user's commands would."""

from __future__ import annotations

from typing import Callable

from engine import ConflictError, Engine, load_methodologies
from engine.demo.answers import ANSWERS, CONTACTS, PEOPLE, WALKS, Walk
from engine.views import OpportunityView


def run_demo(engine: Engine, methodologies: str, say: Callable[[str], None]) -> list[OpportunityView]:
    setup_people(engine, methodologies)
    report = engine.deploy(methodologies, actor="designer")
    for v in report.versions:
        say(f"deployed {v.methodology_id} {v.label} (version {v.version_id}{', new' if v.new else ''})")
    finished = []
    for walk in WALKS:
        opportunity = engine.create_opportunity(
            title=walk.title, amount=walk.amount, currency="PLN", partner=walk.partner,
            attributes=walk.attributes, actor="manager")
        say(f"\n#{opportunity.id} {walk.title} — {walk.partner}, {opportunity.amount} {opportunity.currency}: "
            f"segment {opportunity.segment_id}, owner {opportunity.owner}, methodology "
            f"{opportunity.methodology_id} {opportunity.methodology_label}")
        finished.append(_walk(engine, opportunity, walk, say))
    return finished


def _walk(engine: Engine, opportunity: OpportunityView, walk: Walk, say) -> OpportunityView:
    shown = 0
    approvals = 0
    while True:
        for change in opportunity.stage_history[shown:]:
            say(f"  -> {change.to_stage_name} ({change.probability} %)")
        shown = len(opportunity.stage_history)
        task = next_step(opportunity)
        if task is None:
            break
        opportunity = meet_exit_criteria(engine, opportunity, say)
        data = dict(ANSWERS.get(task.node_id, {}))
        data.update(walk.answers.get(task.node_id, {}))
        if task.node_id == "Task_ManagerApproveProject" and walk.answers and approvals == 0:
            data["approval"] = "rework"  # the second walk shows the manager's rework loop
        approvals += task.node_id == "Task_ManagerApproveProject"
        worker = task.assignee or "manager"
        opportunity = engine.complete_task(task.id, actor=worker, data=data)
    outcome = {"won": "WON", "lost": "LOST"}.get(opportunity.status, opportunity.status)
    say(f"  {outcome}: probability {opportunity.probability} %, expected revenue "
        f"{opportunity.expected_revenue} {opportunity.currency}")
    return opportunity


def next_step(opportunity: OpportunityView):
    """The first open step of the process (suggested activities are not steps)."""
    return next((t for t in opportunity.open_tasks if t.kind == "workflow"), None)


def meet_exit_criteria(engine: Engine, opportunity: OpportunityView,
                        say: Callable[[str], None] = lambda _: None) -> OpportunityView:
    """Do what the current stage asks before the deal may leave it, as a diligent rep
    would: its required activities, the buying-center roles it needs (people from
    CONTACTS) and the questionnaire groups it needs (answered with each question's
    first answer, the best one in the shipped questionnaires)."""
    assistant = engine.sales_assistant(opportunity.id, viewer="manager")
    for criterion in assistant.checklist:
        if criterion.met:
            continue
        if criterion.kind == "activity":
            task = next((t for t in opportunity.open_tasks if t.kind == "activity"
                         and t.node_id == f"{assistant.stage_id}/{criterion.name}"), None)
            if task is not None:
                opportunity = engine.complete_activity(task.id, actor=task.assignee or "manager")
                say(f"     done: {task.name}")
        elif criterion.kind == "buying_center":
            name, job_title, influence, attitude = CONTACTS.get(
                criterion.name, (criterion.name.replace("_", " ").title(), "", 3, "neutral"))
            engine.add_contact(opportunity.id, actor="manager", name=name, job_title=job_title,
                               role=criterion.name, influence=influence, attitude=attitude, notes="")
            say(f"     buying center: {name}, {job_title} ({criterion.name})")
        elif criterion.kind == "answered":
            questionnaire_id, _, group = criterion.name.partition("/")
            questionnaire = next(q for q in assistant.questionnaires if q.id == questionnaire_id)
            answers = {qid: choices[0][0] for qid, _, _, qgroup, choices in questionnaire.questions
                       if not group or qgroup == group}
            opportunity = engine.answer_questionnaire(opportunity.id, questionnaire_id, answers, actor="manager")
            say(f"     answered: {criterion.name}")
    return engine.show_opportunity(opportunity.id)


def setup_people(engine: Engine, methodologies: str) -> None:
    existing = {u.username for u in engine.list_users()}
    for username, role, name in PEOPLE:
        if username not in existing:
            engine.create_user(username, role, name)
    routing = load_methodologies(methodologies).library.routing
    mapped = {u for r in routing for s in r.segments for u in s.territory_map.values()}
    for username in sorted(mapped - existing):
        engine.create_user(username, "rep", username.replace(".", " ").title())
    for team in sorted({s.team for r in routing for s in r.segments}):
        members = ["rep1", "rep2"] + sorted({u for r in routing for s in r.segments if s.team == team
                                            for u in s.territory_map.values()})
        try:
            engine.create_team(team, "manager", members)
        except ConflictError:
            pass  # created by an earlier demo run
