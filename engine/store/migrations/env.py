"""Alembic's environment: Dealflow passes its own engine in config.attributes."""

from alembic import context

from engine.store.schema import metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a SQLite table (copy, drop, rename); with foreign
        # keys enforced, dropping a table other rows point at fails. The pragma only
        # works outside a transaction, so before the migration's own begins.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=sqlite)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
