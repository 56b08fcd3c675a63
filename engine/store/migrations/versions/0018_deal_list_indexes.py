"""Indexes of the deals lists (issue 15): by status with the expected close date
(the default order), by team and by segment with status (the team list's scope and
filter)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_opportunities_status_close': ['status', 'expected_close_date'],
    'ix_opportunities_team_status': ['team_id', 'status'],
    'ix_opportunities_segment_status': ['segment_id', 'status'],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'opportunities', columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='opportunities')
