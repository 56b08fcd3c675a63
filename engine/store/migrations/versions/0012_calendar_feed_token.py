"""Calendar feeds keep their token, so that the owner can see and copy their link
again (as Google Calendar shows its secret iCal address) instead of breaking every
subscribed calendar by making a new one; links made before keep working, their token
unknown (NULL) until renewed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calendar_feeds') as batch:
        batch.add_column(sa.Column('token', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calendar_feeds') as batch:
        batch.drop_column('token')
