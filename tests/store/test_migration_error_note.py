"""Migration 0032 moves the note a person's failure appended to ``error_message`` when
it displaced another person's failed step (" — an earlier failed step, …") into
``error_note``: downgraded to 0031, the message carries the note as the old code wrote
it; upgraded again, the message is the error alone and the note its own field. An
error without a note is left as it was. SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic import command

from engine.service import Engine
from engine.store.db import _alembic_config, make_engine, schema_is_current, upgrade
from tests.conftest import make_engine as make_dealflow
from tests.service.test_parallel_errors import DISPLACED, at_fork, fail_offer, second_failure, two_failing_people

# As engine.service.step_errors wrote it before 0032, character for character.
APPENDED = ("division by zero — an earlier failed step, “Send the offer”, was still waiting for its retry: a retry "
            "now runs this one; that step's answers are only in the deal's history, to be given again")


def shown(deal) -> tuple:
    return deal.error_message, deal.error_note, deal.failed_step_kind, deal.failed_task_id


def test_the_appended_note_is_split_off_the_error_and_put_back_by_the_downgrade(db_url, clock, tmp_path):
    dealflow = make_dealflow(db_url, clock, two_failing_people(tmp_path))
    noted = second_failure(dealflow, clock)
    plain = fail_offer(dealflow, at_fork(dealflow))
    before = {d.id: shown(dealflow.show_opportunity(d.id)) for d in (noted, plain)}
    assert before[noted.id][:2] == ("division by zero", DISPLACED)
    assert before[plain.id][:2] == ("division by zero", None)
    dealflow.close()

    engine = make_engine(db_url)
    command.downgrade(_alembic_config(engine), "0031")
    with engine.connect() as connection:
        messages = dict(connection.execute(sa.text("SELECT id, error_message FROM opportunities")).all())
        columns = {c["name"] for c in sa.inspect(connection).get_columns("opportunities")}
    assert (messages[noted.id], messages[plain.id]) == (APPENDED, "division by zero")  # as 0031's code stored them
    assert "error_note" not in columns
    upgrade(engine)
    assert schema_is_current(engine)
    engine.dispose()

    dealflow = Engine(db_url, clock=clock)
    try:
        assert {d: shown(dealflow.show_opportunity(d)) for d in before} == before
    finally:
        dealflow.close()
