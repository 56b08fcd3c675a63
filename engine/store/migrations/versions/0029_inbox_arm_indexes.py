"""The inbox's reads from indexes alone (issue 16, engine.store.inbox_arms).

A rep's inbox is their READY tasks or the unclaimed READY ones of their teams. Read
as one ``mine OR queued`` condition, PostgreSQL visited the heap page of every
visible task (a BitmapOr), and for the counts per stage hashed every deal of the
company: in bench/load.py's database (10,001 deals, a rep with 625 tasks) the counts'
EXPLAIN ANALYZE read 2,423 buffers in 17.9 ms, the page 706. Read as two arms, each
from its own partial index with the task's deal id in it, and the deal's stage and
version from an index too: 1,265 buffers in 1.2 ms and 192 (docs/benchmarks.md).

- ``ix_tasks_ready_mine`` replaces 0027's ``ix_tasks_assignee_ready_due``: the same
  order, READY rows only (a completed task's row leaves it) and the deal's id.
- ``ix_tasks_queued_team_due`` replaces 0026's ``ix_tasks_queued_team``: the same rows
  and leading column, then the inbox's order and the deal's id.
- ``ix_opportunities_inbox_stage``: (id, stage_id, methodology_version_id).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

READY = "status = 'ready'"
QUEUED = "status = 'ready' AND assignee_id IS NULL"


def upgrade() -> None:
    op.create_index('ix_tasks_ready_mine', 'tasks', ['assignee_id', 'due_at', 'created_at', 'id', 'opportunity_id'],
                    postgresql_where=sa.text(READY), sqlite_where=sa.text(READY))
    op.drop_index('ix_tasks_assignee_ready_due', table_name='tasks')
    op.create_index('ix_tasks_queued_team_due', 'tasks',
                    ['candidate_team_id', 'due_at', 'created_at', 'id', 'opportunity_id'],
                    postgresql_where=sa.text(QUEUED), sqlite_where=sa.text(QUEUED))
    op.drop_index('ix_tasks_queued_team', table_name='tasks')
    op.create_index('ix_opportunities_inbox_stage', 'opportunities', ['id', 'stage_id', 'methodology_version_id'])


def downgrade() -> None:
    op.drop_index('ix_opportunities_inbox_stage', table_name='opportunities')
    op.create_index('ix_tasks_queued_team', 'tasks', ['candidate_team_id'],
                    postgresql_where=sa.text(QUEUED), sqlite_where=sa.text(QUEUED))
    op.drop_index('ix_tasks_queued_team_due', table_name='tasks')
    op.create_index('ix_tasks_assignee_ready_due', 'tasks',
                    ['assignee_id', 'status', 'due_at', 'created_at', 'id'])
    op.drop_index('ix_tasks_ready_mine', table_name='tasks')
