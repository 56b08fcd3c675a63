"""Per-day totals of the daily snapshots, for the trend (issue 13: report p95 <= 300 ms)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

The trend summed ~3,000,000 snapshot rows (90 days of 33,000 open deals) per
request; it now reads these totals, which the sweep adds to in the transaction that
files the rows. The snapshots already on file are summed into them here, a month of
days per statement (engine.store.snapshot_totals.rebuild, which bench/reports.py
uses too).
"""

from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'snapshot_day_totals',
        sa.Column('snapshot_date', sa.Date(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('weighted_cents', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('snapshot_date', 'owner_id', 'manager_id', 'team_id', 'currency'),
    )
    from engine.store import snapshot_totals  # the same rebuild the bench uses
    snapshot_totals.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table('snapshot_day_totals')
