"""Company settings (the fiscal year's first month), quota records and lines, managers'
forecast adjustments and submitted forecasts (M14, M15); new tables only, nothing to carry over

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _utc():
    return sa.DateTime(timezone=True)


def _user(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey('users.id'), nullable=nullable)


def _period() -> list[sa.Column]:
    return [sa.Column('period_kind', sa.String(length=10), nullable=False),
            sa.Column('period_start', sa.Date(), nullable=False),
            sa.Column('period_end', sa.Date(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        'company_settings',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        _user('updated_by_id', nullable=True),
        sa.Column('updated_at', _utc(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'quota_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        _user('subject_id'),
        *_period(),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        _user('created_by_id'),
        sa.Column('created_at', _utc(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'subject_id', 'period_start', 'period_end', 'version',
                            name='uq_quota_records_version'),
    )
    op.create_index('ix_quota_records_subject_id', 'quota_records', ['subject_id'])
    op.create_index('ix_quota_records_period', 'quota_records', ['period_start', 'period_end'])
    op.create_table(
        'quota_lines',
        sa.Column('record_id', sa.Integer(), sa.ForeignKey('quota_records.id'), nullable=False),
        _user('user_id'),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('record_id', 'user_id'),
    )
    op.create_index('ix_quota_lines_user_id', 'quota_lines', ['user_id'])
    op.create_table(
        'forecast_adjustments',
        sa.Column('id', sa.Integer(), nullable=False),
        _user('subject_id'),
        *_period(),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        _user('adjusted_by_id'),
        sa.Column('adjusted_at', _utc(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_forecast_adjustments_subject_period', 'forecast_adjustments',
                    ['subject_id', 'period_start', 'period_end'])
    op.create_table(
        'forecast_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        _user('user_id'),
        *_period(),
        sa.Column('submitted_at', _utc(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_forecast_submissions_user_period', 'forecast_submissions',
                    ['user_id', 'period_start', 'period_end'])


def downgrade() -> None:
    op.drop_table('forecast_submissions')
    op.drop_table('forecast_adjustments')
    op.drop_table('quota_lines')
    op.drop_table('quota_records')
    op.drop_table('company_settings')
