"""The Alembic migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.store.db import make_engine, schema_is_current, upgrade
from engine.store.schema import metadata


# SQLite's reflection skips an index on an expression (users' lower(username)); PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index:UserWarning")
def test_migrating_an_empty_database_gives_the_models_schema(db_url):
    engine = make_engine(db_url)
    assert not schema_is_current(engine)
    upgrade(engine)
    assert schema_is_current(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_twice_changes_nothing(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    assert schema_is_current(engine)
    engine.dispose()
