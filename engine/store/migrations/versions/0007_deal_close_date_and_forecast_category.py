"""Each deal's expected close date and the rep's forecast-category override (who, when)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_close_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('forecast_category_override', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('forecast_override_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('forecast_override_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_opportunities_forecast_override_by_id', 'users',
                                    ['forecast_override_by_id'], ['id'])
        batch_op.create_index('ix_opportunities_expected_close_date', ['expected_close_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_expected_close_date')
        batch_op.drop_constraint('fk_opportunities_forecast_override_by_id', type_='foreignkey')
        batch_op.drop_column('forecast_override_at')
        batch_op.drop_column('forecast_override_by_id')
        batch_op.drop_column('forecast_category_override')
        batch_op.drop_column('expected_close_date')
