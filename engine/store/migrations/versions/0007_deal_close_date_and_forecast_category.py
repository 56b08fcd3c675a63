"""Each deal's expected close date and the rep's forecast-category override (who, when);
existing deals get a close date: a closed one the day it closed, an open one the last
day of the quarter it opened in (the default a new deal without a typical cycle gets)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

# A pure date function (no models): the default an old open deal gets is the one the
# application gives a deal opened the same day.
from engine.rules.close_dates import end_of_quarter

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
    _date_existing_deals()


def _date_existing_deals() -> None:
    """Without a date a deal would count in no forecast period; the stage table's
    typical cycle is not read here (methodologies are files), so an open deal gets
    the quarter's end, which its owner can move."""
    connection = op.get_bind()
    deals = sa.table('opportunities', sa.column('id', sa.Integer()), sa.column('status', sa.String()),
                     sa.column('opened_at', sa.DateTime(timezone=True)),
                     sa.column('closed_at', sa.DateTime(timezone=True)),
                     sa.column('expected_close_date', sa.Date()))
    by_day: dict = {}
    for row in connection.execute(sa.select(deals.c.id, deals.c.status, deals.c.opened_at, deals.c.closed_at)
                                  .where(deals.c.expected_close_date.is_(None))):
        day = row.closed_at.date() if row.status != 'open' and row.closed_at else end_of_quarter(row.opened_at.date())
        by_day.setdefault(day, []).append(row.id)
    for day, ids in by_day.items():  # one statement per day and thousand deals, not one per deal
        for first in range(0, len(ids), 1000):
            connection.execute(deals.update().where(deals.c.id.in_(ids[first:first + 1000]))
                               .values(expected_close_date=day))


def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_expected_close_date')
        batch_op.drop_constraint('fk_opportunities_forecast_override_by_id', type_='foreignkey')
        batch_op.drop_column('forecast_override_at')
        batch_op.drop_column('forecast_override_by_id')
        batch_op.drop_column('forecast_category_override')
        batch_op.drop_column('expected_close_date')
