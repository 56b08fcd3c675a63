"""Kept grouped totals of the pipeline analysis (issue 13: every report p95 <= 300 ms)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05

Each pipeline report summed the deals in scope three times (its grouping, by stage,
by lead source and campaign), each a scan of every deal with the JSON attribute
extraction and the partner join; the methodology comparison read every closed
deal's cycle for the medians. They now read sums kept per grouping kind and key,
owner, manager, team, status and currency (``deal_report_totals``) and each deal's
part in them (``deal_report_facts``, with an index for the medians), replaced in the
transaction that changes the deal (engine.store.deal_totals). The parts of the deals
already on file are computed here in plain SQL, frozen with this migration (no
application code), then summed.
"""

from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

SCOPE = 'owner_id, manager_id, team_id, status, currency'
SUMS = 'count(*), sum(amount_cents), sum(weighted_units), sum(cycle_us)'
KINDS = {  # kind: (k1, k2, k3)
    'stage': ('CAST(methodology_version_id AS TEXT)', 'stage_id', 'segment_id'),
    'source': ('source', 'campaign', None),
    'territory': ('territory', None, None),
    'industry': ('industry', None, None),
}


def upgrade() -> None:
    op.create_table(
        'deal_report_facts',
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('methodology_version_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Text(), nullable=False),
        sa.Column('segment_id', sa.Text(), nullable=False),
        sa.Column('territory', sa.Text(), nullable=False),
        sa.Column('industry', sa.Text(), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('campaign', sa.Text(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('weighted_units', sa.BigInteger(), nullable=False),
        sa.Column('cycle_us', sa.BigInteger(), nullable=False),
        sa.Column('closed_cycle_us', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('opportunity_id'),
    )
    op.create_index('ix_deal_report_facts_cycle', 'deal_report_facts',
                    ['methodology_version_id', 'segment_id', 'closed_cycle_us', 'owner_id', 'manager_id', 'team_id'])
    op.create_table(
        'deal_report_totals',
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('k1', sa.Text(), nullable=False),
        sa.Column('k2', sa.Text(), nullable=False),
        sa.Column('k3', sa.Text(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('weighted_units', sa.BigInteger(), nullable=False),
        sa.Column('cycle_us', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'k1', 'k2', 'k3', 'owner_id', 'manager_id', 'team_id', 'status',
                                'currency'),
    )
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'

    def attribute(name: str) -> str:
        deal = f"attributes->>'{name}'" if postgres else f"json_extract(o.attributes, '$.{name}')"
        if postgres:
            deal = f'o.{deal}'
        return f"coalesce(nullif({deal}, ''), nullif(p.{name}, ''), '')"

    if postgres:  # timestamptz: the interval's exact microseconds
        cycle = 'CAST(extract(epoch FROM o.closed_at - o.opened_at) * 1000000 AS BIGINT)'
    else:  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): whole seconds, then the microseconds
        cycle = ("(CAST(strftime('%s', o.closed_at) AS INTEGER) - CAST(strftime('%s', o.opened_at) AS INTEGER))"
                 " * 1000000 + CAST(substr(o.closed_at, 21, 6) AS INTEGER)"
                 " - CAST(substr(o.opened_at, 21, 6) AS INTEGER)")
    bind.execute(sa.text(f"""
        INSERT INTO deal_report_facts (opportunity_id, owner_id, manager_id, team_id, status, currency,
            methodology_version_id, stage_id, segment_id, territory, industry, source, campaign, amount_cents,
            weighted_units, cycle_us, closed_cycle_us)
        SELECT o.id, o.owner_id, coalesce(o.manager_id, 0), coalesce(o.team_id, 0), o.status, o.currency,
            o.methodology_version_id, coalesce(o.stage_id, ''), coalesce(o.segment_id, ''),
            {attribute('territory')}, {attribute('industry')}, {attribute('source')}, {attribute('campaign')},
            coalesce(o.amount, 0), coalesce(o.amount, 0) * coalesce(o.probability, 0),
            CASE WHEN o.status <> 'open' AND o.closed_at IS NOT NULL AND o.opened_at IS NOT NULL
                 THEN {cycle} ELSE 0 END,
            CASE WHEN o.status = 'open' THEN NULL
                 WHEN o.closed_at IS NOT NULL AND o.opened_at IS NOT NULL THEN {cycle} ELSE 0 END
        FROM opportunities o LEFT JOIN partners p ON p.id = o.partner_id"""))
    for kind, keys in KINDS.items():
        columns = ', '.join(k if k else "''" for k in keys)
        group = ', '.join(k for k in keys if k)
        bind.execute(sa.text(f"""
            INSERT INTO deal_report_totals (kind, k1, k2, k3, {SCOPE}, deals, amount_cents, weighted_units,
                cycle_us)
            SELECT '{kind}', {columns}, {SCOPE}, {SUMS} FROM deal_report_facts GROUP BY {group}, {SCOPE}"""))


def downgrade() -> None:
    op.drop_table('deal_report_totals')
    op.drop_index('ix_deal_report_facts_cycle', table_name='deal_report_facts')
    op.drop_table('deal_report_facts')
