"""Alembic environment: always runs on a connection handed over by `stores.migrate`."""

from alembic import context

from stores.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
