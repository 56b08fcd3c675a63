"""Daily snapshots of every open deal (issue 13, M17): one row per deal per day

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

A new table, so there is no existing data to carry over: the first sweep after the
upgrade writes the first day.
"""

from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deal_snapshots',
        sa.Column('snapshot_date', sa.Date(), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunities.id'), nullable=False),
        sa.Column('stage_id', sa.String(length=80), nullable=True),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('probability', sa.Integer(), nullable=False),
        sa.Column('forecast_category', sa.String(length=20), nullable=False),
        sa.Column('category_overridden', sa.Boolean(), nullable=False),
        sa.Column('expected_close_date', sa.Date(), nullable=True),
        sa.Column('owner_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('manager_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('team_id', sa.Integer(), sa.ForeignKey('teams.id'), nullable=True),
        sa.Column('methodology_version_id', sa.Integer(), sa.ForeignKey('methodology_versions.id'), nullable=False),
        sa.Column('segment_id', sa.String(length=80), nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('snapshot_date', 'opportunity_id'),
    )
    op.create_index('ix_deal_snapshots_opportunity_date', 'deal_snapshots', ['opportunity_id', 'snapshot_date'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_deal_snapshots_opportunity_date', table_name='deal_snapshots')
    op.drop_table('deal_snapshots')
