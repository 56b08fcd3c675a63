"""What a task page shows of its deal, read-only: the steps completed before and what
their forms recorded, and the buying center's people (engine.views.inbox.TaskContext)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.rules import revision
from engine.store.models import Contact, Event, InboxTask, User
from engine.views.inbox import EarlierAnswer, EarlierStep

MAX_STEPS = 12


def earlier_steps(session: Session, opportunity_id: int) -> tuple[EarlierStep, ...]:
    """The deal's completed steps, latest first, each with the labelled, non-empty
    answers its form recorded (the task_completed event's data, or its latest
    task_revised one's, labelled by the form)."""
    rows = session.scalars(select(InboxTask).where(
        InboxTask.opportunity_id == opportunity_id, InboxTask.status == "completed")
        .order_by(InboxTask.completed_at.desc(), InboxTask.id).limit(MAX_STEPS)).all()
    data = {task: answers for task, (_, answers) in revision.latest(session.execute(
        select(Event.id, Event.kind, Event.data).where(Event.opportunity_id == opportunity_id,
                                                       Event.kind.in_(revision.ANSWERED)).order_by(Event.id)))
        .items()}
    names = display_names(session, {row.completed_by_id for row in rows})
    return tuple(EarlierStep(row.name, names.get(row.completed_by_id), row.completed_at,
                             _answers(row.form, data.get(row.id, {}))) for row in rows)


def _answers(form: list[dict], values: dict) -> tuple[EarlierAnswer, ...]:
    answers = []
    for field in form:
        value = values.get(field["id"])
        if value is None or value == "":
            continue
        choices = {str(c[0]): str(c[1]) for c in field.get("choices") or ()}
        if isinstance(value, bool):
            shown = "yes" if value else "no"
        else:
            shown = choices.get(str(value), str(value))
        answers.append(EarlierAnswer(field["label"], shown))
    return tuple(answers)


def buying_center(session: Session, opportunity_id: int, roles) -> tuple[tuple[str, str], ...]:
    """(name, role's name) of the deal's buying-center people, by name."""
    labels = {r.id: r.name for r in roles}
    rows = session.execute(select(Contact.name, Contact.role).where(Contact.opportunity_id == opportunity_id)
                           .order_by(Contact.name)).all()
    return tuple((name, labels.get(role, role or "")) for name, role in rows)


def display_names(session: Session, ids) -> dict[int, str]:
    wanted = sorted(i for i in ids if i is not None)
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(wanted or [-1]))).all())
