"""Usernames are unique whatever their case (issue 15): a unique index on
lower(username), so that 'Rep1' cannot be created beside 'rep1' and logging in as
'REP1' finds exactly one account

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    clashes = op.get_bind().execute(sa.text(
        "SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1")).scalars().all()
    if clashes:
        raise RuntimeError("usernames that differ only in case must be renamed before this upgrade: "
                           + ", ".join(sorted(clashes)))
    op.create_index('ux_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)


def downgrade() -> None:
    op.drop_index('ux_users_username_lower', table_name='users')
