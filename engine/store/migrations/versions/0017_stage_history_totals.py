"""Kept stage figures for the pipeline analysis (issue 13: report p95 <= 300 ms)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

The funnel and the methodology comparison scanned the whole stage history (~330,000
rows at 100,000 deals) per request, with a window pass and a furthest-stage join;
they now read sums kept per owner, manager, team, segment, version and stage, and
each deal's part in them (replaced in the transaction that changes the deal). The
parts of the deals already on file are computed here, 5,000 deals per batch, with
their versions' stored stage tables (engine.store.stage_totals.rebuild_on, which
bench/reports.py uses too).
"""

from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deal_stage_facts',
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('methodology_version_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.String(length=80), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('segment_id', sa.String(length=80), nullable=False),
        sa.Column('stays', sa.Integer(), nullable=False),
        sa.Column('stay_us', sa.BigInteger(), nullable=False),
        sa.Column('advanced', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('opportunity_id', 'methodology_version_id', 'stage_id'),
    )
    op.create_table(
        'stage_history_totals',
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('segment_id', sa.String(length=80), nullable=False),
        sa.Column('methodology_version_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.String(length=80), nullable=False),
        sa.Column('reached', sa.Integer(), nullable=False),
        sa.Column('stays', sa.Integer(), nullable=False),
        sa.Column('stay_us', sa.BigInteger(), nullable=False),
        sa.Column('advanced', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('owner_id', 'manager_id', 'team_id', 'segment_id', 'methodology_version_id',
                                'stage_id'),
    )
    from engine.store import stage_totals  # the same rebuild the bench uses
    stage_totals.rebuild_on(op.get_bind())


def downgrade() -> None:
    op.drop_table('stage_history_totals')
    op.drop_table('deal_stage_facts')
