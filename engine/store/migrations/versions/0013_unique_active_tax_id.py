"""One active partner per tax id: a partial unique index, race-proof where the
service's check alone was not

Partners that already share a tax id are carried over unchanged: the oldest active
one of each group keeps the tax id in the index; the others are flagged
``tax_id_clash`` (left out of the index until their tax id is changed) and get a
``tax_id_shared`` entry in their history naming the partner that keeps it, so they
can be found and merged by hand. Nothing is archived or rewritten.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

WHERE = "status = 'active' AND tax_id IS NOT NULL AND NOT tax_id_clash"


def upgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_id_clash', sa.Boolean(), nullable=False, server_default=sa.false()))
    partners = sa.table('partners', sa.column('id', sa.Integer), sa.column('tax_id', sa.String),
                        sa.column('status', sa.String), sa.column('tax_id_clash', sa.Boolean))
    connection = op.get_bind()
    keeper: dict[str, int] = {}
    clashes: list[tuple[int, str, int]] = []
    for id_, tax_id in connection.execute(
            sa.select(partners.c.id, partners.c.tax_id)
            .where(partners.c.status == 'active', partners.c.tax_id.is_not(None)).order_by(partners.c.id)):
        if tax_id in keeper:
            clashes.append((id_, tax_id, keeper[tax_id]))
        else:
            keeper[tax_id] = id_
    if clashes:
        connection.execute(partners.update().where(partners.c.id.in_([c[0] for c in clashes]))
                           .values(tax_id_clash=True))
        events = sa.table('partner_events', sa.column('partner_id', sa.Integer), sa.column('kind', sa.String),
                          sa.column('actor_id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                          sa.column('opportunity_id', sa.Integer), sa.column('data', sa.JSON))
        now = datetime.now(timezone.utc)
        op.bulk_insert(events, [dict(partner_id=id_, kind='tax_id_shared', actor_id=None, at=now,
                                     opportunity_id=None, data={'tax_id': tax_id, 'kept_by': kept_by})
                                for id_, tax_id, kept_by in clashes])
    op.create_index('ux_partners_active_tax_id', 'partners', ['tax_id'], unique=True,
                    postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index('ux_partners_active_tax_id', table_name='partners',
                  postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('tax_id_clash')
