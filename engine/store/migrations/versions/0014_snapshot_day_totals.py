"""Per-day totals of the daily snapshots, for the trend (issue 13: report p95 <= 300 ms)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

The trend summed ~3,000,000 snapshot rows (90 days of 33,000 open deals) per
request; it now reads these totals, which the sweep adds to in the transaction that
files the rows. The snapshots already on file are summed into them here in one
plain-SQL statement, frozen with the migration (it imported the application's
engine.store.snapshot_totals.rebuild before; bench/reports.py still uses that).
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
    # frozen with the migration (no application code): the snapshot rows on file
    # summed per day, owner, manager, team and currency (amounts are whole cents)
    op.get_bind().execute(sa.text("""
        INSERT INTO snapshot_day_totals (snapshot_date, owner_id, manager_id, team_id, currency, deals,
            amount_cents, weighted_cents)
        SELECT snapshot_date, owner_id, coalesce(manager_id, 0), coalesce(team_id, 0), currency, count(*),
            sum(amount), sum(amount * probability)
        FROM deal_snapshots
        GROUP BY snapshot_date, owner_id, coalesce(manager_id, 0), coalesce(team_id, 0), currency"""))


def downgrade() -> None:
    op.drop_table('snapshot_day_totals')
