"""Alembic environment: always run programmatically with an open connection.

:func:`ctpse_core.storage.sql.alembic_config` puts the connection in
``config.attributes["connection"]``; there is no ``alembic.ini`` to edit.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from ctpse_core.storage.sql_schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run ctpse migrations through `ctpse db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
