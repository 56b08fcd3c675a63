"""An index of the events by kind (issue 13 review): the early warnings' sweep reads
events of a few kinds (close date moved, exit criteria skipped, forecast category
overridden, probability changes), per deal and recent ones; it scanned the whole
audit trail for each. EXPLAIN on 800,000 events over 100,000 deals (both
databases): with (kind, opportunity_id, at) three of the sweep's four event reads
search the index (the fourth, the recent probability changes, still walks the
opportunity index for its DISTINCT); see docs/benchmarks.md.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_events_kind_opportunity_at', 'events', ['kind', 'opportunity_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_events_kind_opportunity_at', table_name='events')
