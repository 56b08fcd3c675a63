"""A user may stop notifications being mailed to them (issue 15): users.mail_notifications,
on for everyone until they turn it off; the notifications stay in the app either way

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases: SQLite adds a column with a constant default in
# place, and a batch copy of the table would drop its expression index (migration 0023).
def upgrade() -> None:
    op.add_column('users', sa.Column('mail_notifications', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    # Raw SQL: alembic's drop_column reflects the table on SQLite, and the expression
    # index of 0023 makes that reflection warn; both databases drop a column in place.
    op.execute('ALTER TABLE users DROP COLUMN mail_notifications')
