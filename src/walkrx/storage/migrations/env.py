"""Alembic environment: runs migrations on the connection `walkrx.storage.database` hands over.

Batch mode on SQLite, which cannot ALTER most things in place and rebuilds tables instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from walkrx.storage.rows import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection or sqlalchemy.url given to the walkrx migrations")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("walkrx migrations run online only; use walkrx.storage.database.upgrade")
_run_online()
