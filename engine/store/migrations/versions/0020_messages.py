"""Messages (issue 14): the message catches deals wait at, and messages kept for a
while until a deal waits for them (docs/integration.md)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'message_waits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=200), nullable=False),
        sa.Column('node_id', sa.String(length=200), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('variables', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_message_waits_opportunity_id', 'message_waits', ['opportunity_id'])
    op.create_index('ix_message_waits_message', 'message_waits', ['message', 'opportunity_id'])
    op.create_table(
        'buffered_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=200), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), nullable=True),
        sa.Column('business_key', sa.String(length=200), nullable=True),
        sa.Column('variable_name', sa.String(length=200), nullable=True),
        sa.Column('variable_value', sa.JSON(), nullable=True),
        sa.Column('variables', sa.JSON(), nullable=False),
        sa.Column('sent_by', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_to', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id']),
        sa.ForeignKeyConstraint(['delivered_to'], ['opportunities.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_buffered_messages_message', 'buffered_messages', ['message', 'expires_at'])


def downgrade() -> None:
    op.drop_index('ix_buffered_messages_message', table_name='buffered_messages')
    op.drop_table('buffered_messages')
    op.drop_index('ix_message_waits_message', table_name='message_waits')
    op.drop_index('ix_message_waits_opportunity_id', table_name='message_waits')
    op.drop_table('message_waits')
