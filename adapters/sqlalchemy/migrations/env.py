"""Alembic environment: migrate on the connection the store hands over, or on `sqlalchemy.url`.

The store runs `command.upgrade` inside `AsyncConnection.run_sync` and passes the sync connection as
`config.attributes["connection"]`. Without one (the alembic CLI), an async engine is built from
`sqlalchemy.url`. No logging configuration happens here: the application owns logging.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine

from ragloom.adapters.sqlalchemy.tables import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run_migrations() -> None:
    """Entry point alembic calls when a command runs."""
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    elif url:
        asyncio.run(_run_with_url(url))
    else:
        raise RuntimeError("alembic needs config.attributes['connection'] or sqlalchemy.url")


run_migrations()
