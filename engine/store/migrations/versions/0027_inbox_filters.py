"""The inbox as Camunda Tasklist users expect it (issue 15): saved filters per user, a
follow-up date on tasks, and an index serving the inbox's default order per holder

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inbox_filters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('query', sa.String(length=2000), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'name', name='uq_inbox_filters_user_name'),
    )
    with op.batch_alter_table('tasks') as batch:
        batch.add_column(sa.Column('follow_up_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_tasks_assignee_ready_due', 'tasks',
                    ['assignee_id', 'status', 'due_at', 'created_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_tasks_assignee_ready_due', table_name='tasks')
    # Raw SQL, not a batch copy of the table: on SQLite the copy reflects the tables
    # tasks refers to (the users' expression index of 0023 warns) and would drop the
    # partial index of 0026; both databases drop an unindexed column in place.
    op.execute('ALTER TABLE tasks DROP COLUMN follow_up_at')
    op.drop_table('inbox_filters')
