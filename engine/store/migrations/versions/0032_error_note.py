"""A deal's error note, beside its error message

When a person's failed step replaces another person's failed step still waiting for
its retry, the deal says so: that the earlier step's answers are only in its history
now. Until this migration that note was appended to ``error_message`` (" — an earlier
failed step, …"), so the API's ``error_message`` was not the error alone. It is now
``error_note``: this splits the note off the rows that have one, as a sentence of
its own. The downgrade appends it again, as it was written.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

# How engine.service.step_errors wrote the note before, copied: a migration keeps what it
# did even when the code moves on.
APPENDED = " — an earlier failed step, "
TAIL = "that step's answers are only in the deal's history, to be given again"

opportunities = sa.table("opportunities", sa.column("id", sa.Integer), sa.column("error_message", sa.Text),
                         sa.column("error_note", sa.Text))


def split(message: str) -> tuple[str, str | None]:
    """(the error alone, the note as a sentence) of a message the note was appended to;
    (``message``, None) for any other."""
    at = message.rfind(APPENDED)
    if at < 0 or not message.endswith(TAIL):
        return message, None
    return message[:at], "An" + message[at + len(" — an"):] + "."


def joined(message: str, note: str) -> str:
    """``split``'s inverse: the message with the note appended as before."""
    return message + " — a" + note[len("A"):].removesuffix(".")


def upgrade() -> None:
    op.add_column("opportunities", sa.Column("error_note", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(opportunities.c.id, opportunities.c.error_message)
                              .where(opportunities.c.error_message.contains(APPENDED, autoescape=True))).all()
    for deal_id, message in rows:
        error, note = split(message)
        if note is not None:
            connection.execute(sa.update(opportunities).where(opportunities.c.id == deal_id)
                               .values(error_message=error, error_note=note))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(opportunities.c.id, opportunities.c.error_message, opportunities.c.error_note)
                              .where(opportunities.c.error_note.is_not(None),
                                     opportunities.c.error_message.is_not(None))).all()
    for deal_id, message, note in rows:
        connection.execute(sa.update(opportunities).where(opportunities.c.id == deal_id)
                           .values(error_message=joined(message, note)))
    # A plain DROP COLUMN (SQLite 3.35 and later): a batch copy of the table would reflect
    # the users table's expression index, which SQLAlchemy cannot.
    op.drop_column("opportunities", "error_note")
