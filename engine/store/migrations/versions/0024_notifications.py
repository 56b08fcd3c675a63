"""Notifications (issue 15): a task or deal handed to you, a swap that moved your
deals — read in the app, mailed once by the worker when SMTP is configured

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa



revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('text', sa.String(length=1000), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), nullable=True),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('mailed_to', sa.String(length=320), nullable=True),
        sa.Column('cause', sa.String(length=250), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id']),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'cause', name='uq_notifications_cause'),
    )
    op.create_index('ix_notifications_user', 'notifications', ['user_id', 'read_at', 'id'])
    op.create_index('ix_notifications_unmailed', 'notifications', ['mailed_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_notifications_unmailed', table_name='notifications')
    op.drop_index('ix_notifications_user', table_name='notifications')
    op.drop_table('notifications')
