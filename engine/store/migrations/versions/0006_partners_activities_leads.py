"""Business partners and their contacts, activities, calendar feeds, lead imports,
saved partner lists, bulk archivals, lost-reason codes; every existing deal gets a
partner record

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

# Imported, not frozen here on purpose: the partners' name_city_key is compared with
# the keys the running application computes for new leads, so a database migrated late
# must fold names exactly as the application that reads it does. (Both are pure
# functions of their text; nothing here depends on the models.)
from engine.rules.leads.duplicates import company_name
from engine.rules.leads.folding import words

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _utc():
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'lead_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=300), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('actor_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('started_at', _utc(), nullable=False),
        sa.Column('finished_at', _utc(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=True),
        sa.Column('processed_rows', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('rejects_path', sa.String(length=500), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('reverted_at', _utc(), nullable=True),
        sa.Column('reverted_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_lead_imports_file_sha256', 'lead_imports', ['file_sha256'])
    op.create_table(
        'partner_archivals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('at', _utc(), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('partner_ids', sa.JSON(), nullable=False),
        sa.Column('undone_at', _utc(), nullable=True),
        sa.Column('undone_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'partners',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('name_city_key', sa.String(length=500), nullable=False),
        sa.Column('tax_id', sa.String(length=40), nullable=True),
        sa.Column('regon', sa.String(length=20), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('email_domain', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('website', sa.String(length=300), nullable=True),
        sa.Column('street', sa.String(length=300), nullable=True),
        sa.Column('postal_code', sa.String(length=20), nullable=True),
        sa.Column('city', sa.String(length=120), nullable=True),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('addresses', sa.JSON(), nullable=False),
        sa.Column('territory', sa.String(length=120), nullable=True),
        sa.Column('channel', sa.String(length=120), nullable=True),
        sa.Column('industry', sa.String(length=120), nullable=True),
        sa.Column('source', sa.String(length=120), nullable=True),
        sa.Column('campaign', sa.String(length=120), nullable=True),
        sa.Column('owner_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('balance', sa.BigInteger(), nullable=False),
        sa.Column('credit_limit', sa.BigInteger(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('archived_at', _utc(), nullable=True),
        sa.Column('archive_batch_id', sa.Integer(), sa.ForeignKey('partner_archivals.id'), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('attributes', sa.JSON(), nullable=False),
        sa.Column('created_at', _utc(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('updated_at', _utc(), nullable=False),
        sa.Column('became_customer_at', _utc(), nullable=True),
        sa.Column('became_customer_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('became_customer_opportunity_id', sa.Integer(), nullable=True),
        sa.Column('lead_import_id', sa.Integer(), sa.ForeignKey('lead_imports.id'), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_partners_name_city_key', 'partners', ['name_city_key'])
    op.create_index('ix_partners_tax_id', 'partners', ['tax_id'])
    op.create_index('ix_partners_email_domain', 'partners', ['email_domain'])
    op.create_index('ix_partners_territory', 'partners', ['territory'])
    op.create_index('ix_partners_kind_status', 'partners', ['kind', 'status'])
    op.create_index('ix_partners_owner_status', 'partners', ['owner_id', 'status'])
    op.create_table(
        'partner_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), sa.ForeignKey('partners.id'), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('function', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', _utc(), nullable=False),
        sa.Column('updated_at', _utc(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_partner_contacts_partner_id', 'partner_contacts', ['partner_id'])
    op.create_table(
        'partner_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), sa.ForeignKey('partners.id'), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('actor_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('at', _utc(), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunities.id'), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_partner_events_partner_id', 'partner_events', ['partner_id'])
    op.create_table(
        'activities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), sa.ForeignKey('partners.id'), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunities.id'), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('owner_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('starts_at', _utc(), nullable=False),
        sa.Column('duration_minutes', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('outcome', sa.String(length=300), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', _utc(), nullable=False),
        sa.Column('updated_at', _utc(), nullable=False),
        sa.Column('done_at', _utc(), nullable=True),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_activities_partner_id', 'activities', ['partner_id'])
    op.create_index('ix_activities_opportunity_id', 'activities', ['opportunity_id'])
    op.create_index('ix_activities_owner_starts', 'activities', ['owner_id', 'starts_at'])
    op.create_table(
        'calendar_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', _utc(), nullable=False),
        sa.Column('revoked_at', _utc(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_calendar_feeds_user_id', 'calendar_feeds', ['user_id'])
    op.create_table(
        'lead_import_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), sa.ForeignKey('lead_imports.id'), nullable=False),
        sa.Column('partner_id', sa.Integer(), sa.ForeignKey('partners.id'), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_lead_import_changes_import_id', 'lead_import_changes', ['import_id'])
    op.create_index('ix_lead_import_changes_partner_id', 'lead_import_changes', ['partner_id'])
    op.create_table(
        'saved_partner_lists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('created_at', _utc(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_saved_partner_lists_owner_id', 'saved_partner_lists', ['owner_id'])

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lost_reason_code', sa.String(length=80), nullable=True))
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_contact_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_contacts_partner_contact_id', 'partner_contacts',
                                    ['partner_contact_id'], ['id'])

    _give_every_deal_a_partner(op.get_bind())

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.alter_column('partner_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_opportunities_partner_id', 'partners', ['partner_id'], ['id'])
        batch_op.create_index('ix_opportunities_partner_id', ['partner_id'], unique=False)


def _give_every_deal_a_partner(bind) -> None:
    """One partner per partner name (compared as the lead import compares names: case,
    accents and legal form folded away), carrying what the deals knew: the first deal's
    territory, channel, industry, source and currency, the newest deal's owner, the
    partner attributes routing read. A partner with a won deal is a customer since its
    first won deal; the rest are prospects. Both facts go to the partner's history."""
    meta = sa.MetaData()
    deals = sa.Table('opportunities', meta, autoload_with=bind)
    partners = sa.Table('partners', meta, autoload_with=bind)
    events = sa.Table('partner_events', meta, autoload_with=bind)
    now = datetime.now(timezone.utc)
    rows = bind.execute(sa.select(
        deals.c.id, deals.c.partner_name, deals.c.partner, deals.c.attributes, deals.c.currency,
        deals.c.owner_id, deals.c.opened_at, deals.c.opened_by_id, deals.c.status, deals.c.closed_at,
        deals.c.closed_by_id).order_by(deals.c.opened_at, deals.c.id)).mappings().all()
    groups: dict[str, list] = {}
    for row in rows:
        key = company_name(row['partner_name']) or row['partner_name'].strip().casefold()
        groups.setdefault(key, []).append(row)
    for key, group in groups.items():
        first, newest = group[0], group[-1]
        attributes = _as_dict(first['attributes'])
        won = sorted((r for r in group if r['status'] == 'won'),
                     key=lambda r: (_aware(r['closed_at']) or now, r['id']))
        city = attributes.get('city') if isinstance(attributes.get('city'), str) else None
        values = dict(
            kind='customer' if won else 'prospect', name=first['partner_name'],
            name_city_key=f"{key} | {' '.join(words(city or ''))}", addresses=[],
            territory=_text(attributes.get('territory')), channel=_text(attributes.get('channel')),
            industry=_text(attributes.get('industry')), source=_text(attributes.get('source')),
            city=_text(city), owner_id=newest['owner_id'], balance=0, currency=first['currency'],
            status='active', notes='', attributes=_as_dict(first['partner']),
            created_at=_aware(first['opened_at']) or now, created_by_id=first['opened_by_id'],
            updated_at=now, row_version=1)
        if won:
            values.update(became_customer_at=_aware(won[0]['closed_at']) or now,
                          became_customer_by_id=won[0]['closed_by_id'],
                          became_customer_opportunity_id=won[0]['id'])
        partner_id = bind.execute(partners.insert().values(**values)).inserted_primary_key[0]
        bind.execute(events.insert().values(
            partner_id=partner_id, kind='created', actor_id=None, at=now, opportunity_id=None,
            data={'by': 'migration 0006', 'deals': len(group)}))
        if won:
            bind.execute(events.insert().values(
                partner_id=partner_id, kind='became_customer', actor_id=won[0]['closed_by_id'],
                at=values['became_customer_at'], opportunity_id=won[0]['id'], data={'by': 'migration 0006'}))
        bind.execute(deals.update().where(deals.c.id.in_([r['id'] for r in group])).values(partner_id=partner_id))


def _as_dict(value) -> dict:
    return dict(value) if isinstance(value, dict) else {}


def _text(value) -> str | None:
    return value[:120] if isinstance(value, str) and value else None


def _aware(value):
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_partner_id')
        batch_op.drop_constraint('fk_opportunities_partner_id', type_='foreignkey')
        batch_op.drop_column('lost_reason_code')
        batch_op.drop_column('partner_id')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_constraint('fk_contacts_partner_contact_id', type_='foreignkey')
        batch_op.drop_column('partner_contact_id')
    for table in ('saved_partner_lists', 'lead_import_changes', 'calendar_feeds', 'activities',
                  'partner_events', 'partner_contacts', 'partners', 'partner_archivals', 'lead_imports'):
        op.drop_table(table)
