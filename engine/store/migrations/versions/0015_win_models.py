"""The learned win probability's trained models (issue 13): one row per training

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

A new table, so there is no existing data to carry over: the first training
(``dealflow model train`` or the worker's daily round) writes the first row.
"""

from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'win_models',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('trained_by', sa.String(length=80), nullable=True),
        sa.Column('model', sa.JSON(), nullable=True),
        sa.Column('deals_used', sa.Integer(), nullable=False),
        sa.Column('train_deals', sa.Integer(), nullable=False),
        sa.Column('held_out_deals', sa.Integer(), nullable=False),
        sa.Column('cut_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('brier_stage_table', sa.Float(), nullable=True),
        sa.Column('brier_naive_bayes', sa.Float(), nullable=True),
        sa.Column('brier_learned', sa.Float(), nullable=True),
        sa.Column('calibration', sa.JSON(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('win_models')
