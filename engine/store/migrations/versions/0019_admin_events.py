"""The audit trail of changes made from the admin and methodology screens (issue 15):
users, roles, team members, API tokens, web deploys

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'admin_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_admin_events_at', 'admin_events', ['at'])


def downgrade() -> None:
    op.drop_index('ix_admin_events_at', table_name='admin_events')
    op.drop_table('admin_events')
