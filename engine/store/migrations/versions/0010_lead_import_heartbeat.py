"""Each lead import's heartbeat: when its worker last reported, so that an import whose
worker died is seen as interrupted instead of running forever

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lead_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
    # Imports made before: last heard of when they finished, or else when they started.
    op.execute("UPDATE lead_imports SET heartbeat_at = COALESCE(finished_at, started_at)")


def downgrade() -> None:
    with op.batch_alter_table('lead_imports', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
