"""Kept stage figures for the pipeline analysis (issue 13: report p95 <= 300 ms)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

The funnel and the methodology comparison scanned the whole stage history (~330,000
rows at 100,000 deals) per request, with a window pass and a furthest-stage join;
they now read sums kept per owner, manager, team, segment, version and stage, and
each deal's part in them (replaced in the transaction that changes the deal). The
parts of the deals already on file are computed here, 5,000 deals per batch, with
their versions' stored stage tables, by code frozen in this file (it imported the
application's engine.store.stage_totals.rebuild_on before; bench/reports.py still
uses that).
"""

import json
from datetime import timedelta

from alembic import op
import sqlalchemy as sa
import yaml

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deal_stage_facts',
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('methodology_version_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.String(length=80), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('segment_id', sa.String(length=80), nullable=False),
        sa.Column('stays', sa.Integer(), nullable=False),
        sa.Column('stay_us', sa.BigInteger(), nullable=False),
        sa.Column('advanced', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('opportunity_id', 'methodology_version_id', 'stage_id'),
    )
    op.create_table(
        'stage_history_totals',
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('segment_id', sa.String(length=80), nullable=False),
        sa.Column('methodology_version_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.String(length=80), nullable=False),
        sa.Column('reached', sa.Integer(), nullable=False),
        sa.Column('stays', sa.Integer(), nullable=False),
        sa.Column('stay_us', sa.BigInteger(), nullable=False),
        sa.Column('advanced', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('owner_id', 'manager_id', 'team_id', 'segment_id', 'methodology_version_id',
                                'stage_id'),
    )
    _backfill(op.get_bind())


# --- the parts of the history on file, frozen with this migration (no application code) ---

FACTS = ('opportunity_id', 'methodology_version_id', 'stage_id', 'owner_id', 'manager_id', 'team_id', 'segment_id',
         'stays', 'stay_us', 'advanced')
KEY = 'owner_id, manager_id, team_id, segment_id, methodology_version_id, stage_id'
BATCH = 5000


def _positions(bind) -> dict:
    """(version id, stage id) -> (position, outcome), from the stage table stored
    with each version (the YAML document of the methodology with 'stages')."""
    positions = {}
    for version_id, methodology_id, files in bind.execute(
            sa.text('SELECT id, methodology_id, files FROM methodology_versions')):
        files = json.loads(files) if isinstance(files, str) else (files or {})
        for path, text in sorted(files.items()):
            if not path.endswith(('.yaml', '.yml')):
                continue
            try:
                doc = next(iter(yaml.safe_load_all(text)), None)
            except yaml.YAMLError:
                continue
            if not isinstance(doc, dict) or doc.get('methodology') != methodology_id or 'stages' not in doc:
                continue
            for i, stage in enumerate(doc['stages']):
                positions[(version_id, stage['id'])] = (i, stage.get('outcome'))
            break
    return positions


def _facts(moves: list, positions: dict) -> list[tuple]:
    """One deal's parts: per (version, stage) the finished stays and their
    microseconds (a stay ends at the next move), and whether a later stage of that
    version other than a lost one was reached."""
    stays: dict = {}
    for i, (version_id, stage_id, at) in enumerate(moves):
        part = stays.setdefault((version_id, stage_id), [0, 0])
        if i + 1 < len(moves):
            part[0] += 1
            part[1] += (moves[i + 1][2] - at) // timedelta(microseconds=1)
    top: dict = {}
    for version_id, stage_id, _ in moves:
        position, outcome = positions.get((version_id, stage_id), (-1, 'unknown'))
        if outcome != 'lost':
            top[version_id] = max(top.get(version_id, position), position)
    result = []
    for (version_id, stage_id), (n, us) in stays.items():
        position, outcome = positions.get((version_id, stage_id), (-1, 'unknown'))
        result.append((version_id, stage_id, n, us,
                       int(outcome == 'open' and version_id in top and top[version_id] > position)))
    return result


def _backfill(bind) -> None:
    positions = _positions(bind)
    moves_of = sa.text(
        'SELECT h.opportunity_id, coalesce(h.methodology_version_id, o.methodology_version_id), h.to_stage,'
        ' h.changed_at, o.owner_id, coalesce(o.manager_id, 0), coalesce(o.team_id, 0), o.segment_id'
        ' FROM stage_history h JOIN opportunities o ON o.id = h.opportunity_id'
        ' WHERE h.opportunity_id > :after AND h.opportunity_id <= :upto ORDER BY h.opportunity_id, h.id'
    ).columns(sa.column('opportunity_id', sa.Integer), sa.column('version', sa.Integer),
              sa.column('to_stage', sa.String), sa.column('changed_at', sa.DateTime(timezone=True)),
              sa.column('owner_id', sa.Integer), sa.column('manager_id', sa.Integer),
              sa.column('team_id', sa.Integer), sa.column('segment_id', sa.String))
    insert = sa.text(f"INSERT INTO deal_stage_facts ({', '.join(FACTS)}) VALUES ({', '.join(':' + f for f in FACTS)})")
    last = bind.execute(sa.text('SELECT max(id) FROM opportunities')).scalar() or 0
    for after in range(0, last, BATCH):
        deals: dict = {}
        for deal_id, version_id, stage_id, at, owner, manager, team, segment in bind.execute(
                moves_of, {'after': after, 'upto': after + BATCH}):
            deals.setdefault(deal_id, ((owner, manager, team, segment), []))[1].append((version_id, stage_id, at))
        rows = [dict(zip(FACTS, (deal_id, version_id, stage_id, *keys[:3], keys[3], n, us, advanced)))
                for deal_id, (keys, moves) in deals.items()
                for version_id, stage_id, n, us, advanced in _facts(moves, positions)]
        if rows:
            bind.execute(insert, rows)
    bind.execute(sa.text(
        f'INSERT INTO stage_history_totals ({KEY}, reached, stays, stay_us, advanced)'
        f' SELECT {KEY}, count(*), sum(stays), sum(stay_us), sum(advanced) FROM deal_stage_facts GROUP BY {KEY}'))


def downgrade() -> None:
    op.drop_table('stage_history_totals')
    op.drop_table('deal_stage_facts')
