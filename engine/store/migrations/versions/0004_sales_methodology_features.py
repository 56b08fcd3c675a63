"""Sales methodology features: questionnaire scores and probability overrides, Sales
Assistant activities (as inbox tasks), the buying center, and segment methodology swaps

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa



revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('methodology_swaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.String(length=80), nullable=False),
    sa.Column('from_version_id', sa.Integer(), nullable=True),
    sa.Column('to_version_id', sa.Integer(), nullable=False),
    sa.Column('stage_map', sa.JSON(), nullable=False),
    sa.Column('moved', sa.Integer(), nullable=False),
    sa.Column('not_moved', sa.JSON(), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reversed_by_swap_id', sa.Integer(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['from_version_id'], ['methodology_versions.id'], ),
    sa.ForeignKeyConstraint(['reverses_id'], ['methodology_swaps.id'], ),
    sa.ForeignKeyConstraint(['to_version_id'], ['methodology_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('methodology_swaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_methodology_swaps_segment_id'), ['segment_id'], unique=False)

    op.create_table('segment_methodologies',
    sa.Column('segment_id', sa.String(length=80), nullable=False),
    sa.Column('methodology_version_id', sa.Integer(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('swap_id', sa.Integer(), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['methodology_version_id'], ['methodology_versions.id'], ),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['swap_id'], ['methodology_swaps.id'], ),
    sa.PrimaryKeyConstraint('segment_id')
    )
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('influence', sa.Integer(), nullable=False),
    sa.Column('attitude', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('swap_moves',
    sa.Column('swap_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('from_version_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=80), nullable=True),
    sa.Column('to_stage', sa.String(length=80), nullable=True),
    sa.Column('from_state', sa.Text(), nullable=False),
    sa.Column('row_version_after', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_version_id'], ['methodology_versions.id'], ),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ),
    sa.ForeignKeyConstraint(['swap_id'], ['methodology_swaps.id'], ),
    sa.PrimaryKeyConstraint('swap_id', 'opportunity_id')
    )
    op.create_table('contact_relationships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('from_contact_id', sa.Integer(), nullable=False),
    sa.Column('to_contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('strength', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_contact_id'], ['contacts.id'], ),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ),
    sa.ForeignKeyConstraint(['to_contact_id'], ['contacts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact_relationships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_relationships_opportunity_id'), ['opportunity_id'], unique=False)

    # Existing rows: the automatic probability is what they show now.
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('probability_auto', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('probability_override', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('probability_override_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('probability_override_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('score_class', sa.String(length=31), nullable=True))
        batch_op.add_column(sa.Column('scores', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.create_foreign_key('fk_opportunities_probability_override_by_id_users', 'users', ['probability_override_by_id'], ['id'])
    op.execute("UPDATE opportunities SET probability_auto = probability")

    with op.batch_alter_table('stage_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('methodology_version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_stage_history_methodology_version_id', 'methodology_versions',
                                    ['methodology_version_id'], ['id'])

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='workflow'))
        batch_op.add_column(sa.Column('stage_id', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('required', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('stage_history', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stage_history_methodology_version_id', type_='foreignkey')
        batch_op.drop_column('methodology_version_id')

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('required')
        batch_op.drop_column('stage_id')
        batch_op.drop_column('kind')

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_constraint('fk_opportunities_probability_override_by_id_users', type_='foreignkey')
        batch_op.drop_column('scores')
        batch_op.drop_column('score_class')
        batch_op.drop_column('score')
        batch_op.drop_column('probability_override_at')
        batch_op.drop_column('probability_override_by_id')
        batch_op.drop_column('probability_override')
        batch_op.drop_column('probability_auto')

    with op.batch_alter_table('contact_relationships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_relationships_opportunity_id'))

    op.drop_table('contact_relationships')
    op.drop_table('swap_moves')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_opportunity_id'))

    op.drop_table('contacts')
    op.drop_table('segment_methodologies')
    with op.batch_alter_table('methodology_swaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_methodology_swaps_segment_id'))

    op.drop_table('methodology_swaps')
