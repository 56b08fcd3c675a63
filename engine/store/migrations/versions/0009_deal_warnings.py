"""Early warnings (M18): each deal's warnings, one per cause, and the daily digests

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deal_warnings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('cause', sa.String(length=200), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('advice', sa.Text(), nullable=False),
        sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
        sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('opportunity_id', 'cause', name='uq_deal_warnings_cause'),
    )
    op.create_index('ix_deal_warnings_opportunity_id', 'deal_warnings', ['opportunity_id'], unique=False)
    op.create_index('ix_deal_warnings_open', 'deal_warnings', ['cleared_at', 'fired_at'], unique=False)
    op.create_table(
        'warning_digests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('warning_ids', sa.JSON(), nullable=False),
        sa.Column('sent_to', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'day', name='uq_warning_digests_day'),
    )
    op.create_index('ix_warning_digests_user_id', 'warning_digests', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_warning_digests_user_id', table_name='warning_digests')
    op.drop_table('warning_digests')
    op.drop_index('ix_deal_warnings_open', table_name='deal_warnings')
    op.drop_index('ix_deal_warnings_opportunity_id', table_name='deal_warnings')
    op.drop_table('deal_warnings')
