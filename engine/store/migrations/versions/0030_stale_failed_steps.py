"""Deals keeping a person's failed step whose task is no longer ready forget it

Before commit 31c3e47 a step that did not come from a person's form (a worker's
answer, a message) left the deal's ``failed_step`` as it was: a person's failed step
could outlive its task (cancelled by a boundary event, completed since) and even
stand beside a newer error, so that a retry refused with "no longer ready". Such a
step can no longer be retried (engine.rules.failed_steps.still_pending); this does
what the deal's next step would do (engine.service.step_errors.settle): it forgets
it, and the error with it — unless timers failed behind it (``timers_held``), which
then are the deal's failed step and keep the error.

Data only: the downgrade leaves the rows as they are.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

# A person's failed steps: retried while their task is ready (engine.rules.failed_steps.TASK_KINDS,
# copied: a migration keeps what it did even when the code moves on).
TASK_KINDS = ("complete", "task_error", "task_escalation")

opportunities = sa.table("opportunities", sa.column("id", sa.Integer), sa.column("failed_step", sa.JSON),
                         sa.column("error_message", sa.Text), sa.column("error_node", sa.String))
tasks = sa.table("tasks", sa.column("id", sa.String), sa.column("status", sa.String))


def upgrade() -> None:
    connection = op.get_bind()
    kept = connection.execute(sa.select(opportunities.c.id, opportunities.c.failed_step)
                              .where(opportunities.c.failed_step.is_not(None))).all()
    persons = {deal_id: step for deal_id, step in kept
               if isinstance(step, dict) and step.get("kind") in TASK_KINDS}
    ready = set(connection.scalars(sa.select(tasks.c.id).where(
        tasks.c.status == "ready", tasks.c.id.in_([str(s.get("task")) for s in persons.values()])))) \
        if persons else set()
    for deal_id, step in persons.items():
        if step.get("task") in ready:
            continue
        values = {"failed_step": {"kind": "timers"}} if step.get("timers_held") else \
            {"failed_step": sa.null(), "error_message": None, "error_node": None}
        connection.execute(sa.update(opportunities).where(opportunities.c.id == deal_id).values(**values))


def downgrade() -> None:
    pass  # the forgotten steps could not be retried; nothing to restore
