"""Camunda 8's message correlation keys (issue 14): a message wait keeps the key its
catch's ``zeebe:subscription correlationKey`` gave when it began to wait, indexed
with the message name; a buffered message may name a key instead of a deal,
business key or variable.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('message_waits', sa.Column('correlation_key', sa.String(length=200), nullable=True))
    op.create_index('ix_message_waits_key', 'message_waits', ['message', 'correlation_key'])
    op.add_column('buffered_messages', sa.Column('correlation_key', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_index('ix_message_waits_key', table_name='message_waits')
    # Plain ALTER TABLE (SQLite 3.35+ drops a column) rather than a batch copy of the tables.
    op.execute('ALTER TABLE buffered_messages DROP COLUMN correlation_key')
    op.execute('ALTER TABLE message_waits DROP COLUMN correlation_key')
