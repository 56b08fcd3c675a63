"""External tasks (service tasks done by workers over the API) and workers' tokens
scoped to topics (docs/integration.md)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'external_tasks',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('node_id', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('topic', sa.String(length=100), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('variables', sa.JSON(), nullable=False),
        sa.Column('retries', sa.Integer(), nullable=False),
        sa.Column('worker_id', sa.String(length=200), nullable=True),
        sa.Column('lock_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error_message', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_external_tasks_opportunity_id', 'external_tasks', ['opportunity_id'])
    op.create_index('ix_external_tasks_fetch', 'external_tasks', ['status', 'topic', 'created_at'])
    op.create_table(
        'worker_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('topics', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )


def downgrade() -> None:
    op.drop_table('worker_tokens')
    op.drop_index('ix_external_tasks_fetch', table_name='external_tasks')
    op.drop_index('ix_external_tasks_opportunity_id', table_name='external_tasks')
    op.drop_table('external_tasks')
