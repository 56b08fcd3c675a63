"""The access epoch: one counter of the changes that alter what an API token allows.

``access_epoch`` holds one row (id 1). On PostgreSQL, statement triggers count its
``epoch`` up in the changing transaction whenever a token is revoked or deleted; a
user's name, display name, role or active flag changes, or a user is deleted; a
team is renamed or deleted; a membership is added, changed or removed — whichever
code or tool makes the change. The API's per-process cache of checked tokens
(engine.service.token_cache) reads the epoch on every request and serves a token
only while it is the one the token was checked at: a revocation committed before the
request is seen by it, on every worker. SQLite keeps the table and no triggers (no
cache runs there: its check is in process).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

# (table, the events that change what a token allows)
COUNTED = (
    ("api_tokens", "UPDATE OR DELETE OR TRUNCATE"),
    ("users", "UPDATE OF username, display_name, role, active OR DELETE OR TRUNCATE"),
    ("teams", "UPDATE OF name OR DELETE OR TRUNCATE"),
    ("team_members", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
)


def upgrade() -> None:
    op.create_table('access_epoch',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('epoch', sa.BigInteger(), server_default='0', nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.execute("INSERT INTO access_epoch (id, epoch) VALUES (1, 0)")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION dealflow_count_access_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE access_epoch SET epoch = epoch + 1 WHERE id = 1;
            RETURN NULL;
        END $$""")
    for table, events in COUNTED:
        op.execute(f"CREATE TRIGGER {table}_count_access_epoch AFTER {events} ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION dealflow_count_access_epoch()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _ in COUNTED:
            op.execute(f"DROP TRIGGER {table}_count_access_epoch ON {table}")
        op.execute("DROP FUNCTION dealflow_count_access_epoch()")
    op.drop_table('access_epoch')
