"""SQLAlchemy MetadataStore: units of work on SQLite (aiosqlite) embedded or PostgreSQL (asyncpg).

A unit of work is one connection and one transaction. On PostgreSQL it sets the scope that the
row-level security policies read (`ragloom.tenant_id`, `ragloom.system`) for that transaction only.
On SQLite a writing unit begins with BEGIN IMMEDIATE, so it holds the database's write lock from its
first read and can never fail later on a lock upgrade; read-only units begin deferred and never wait.
SQLite has one writer at a time: this process's writing units queue for it on an asyncio lock, in
order, instead of polling the file lock from their driver threads (where a burst of questions, each
storing its exchange, waited out the busy timeout and failed with "database is locked").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import TenantId
from ragloom.core.scope import Scope

from .database import WRITE_OPTION, opened_engine, translated
from .repositories import (
    SqlApiKeys,
    SqlAuditRecords,
    SqlChats,
    SqlDocuments,
    SqlEmbeddingSpaces,
    SqlOutbox,
    SqlTenants,
    SqlWebhooks,
)
from .settings import SqlAlchemySettings

_SET_SCOPE = text(
    "SELECT set_config('ragloom.tenant_id', :tenant, true), set_config('ragloom.system', :system, true)"
)


class SqlUnitOfWork:
    def __init__(
        self, engine: AsyncEngine, scope: Scope, read_only: bool, writer: asyncio.Lock | None = None
    ) -> None:
        self._engine = engine
        self._writer = None if read_only else writer
        self._holds_writer = False
        self.scope = scope
        self.read_only = read_only
        self.tenants = SqlTenants(self)
        self.keys = SqlApiKeys(self)
        self.documents = SqlDocuments(self)
        self.chats = SqlChats(self)
        self.audit = SqlAuditRecords(self)
        self.spaces = SqlEmbeddingSpaces(self)
        self.outbox = SqlOutbox(self)
        self.webhooks = SqlWebhooks(self)
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        return self._connection

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._writer is not None:
            await self._writer.acquire()
            self._holds_writer = True
        try:
            with translated():
                connection = await self._engine.connect()
                try:
                    await connection.execution_options(**{WRITE_OPTION: not self.read_only})
                    self._transaction = await connection.begin()
                    if connection.dialect.name == "postgresql":
                        system = "on" if self.scope.system else "off"
                        await connection.execute(
                            _SET_SCOPE, {"tenant": self.scope.tenant or "", "system": system}
                        )
                except BaseException:
                    await connection.close()
                    raise
        except BaseException:
            self._release_writer()
            raise
        self._connection = connection
        return self

    def _release_writer(self) -> None:
        if self._writer is not None and self._holds_writer:
            self._holds_writer = False
            self._writer.release()

    async def commit(self) -> None:
        if self._transaction is None:
            raise RuntimeError("the unit of work is not open")
        with translated():
            await self._transaction.commit()

    async def __aexit__(self, *exc_info: object) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if self._transaction is not None and self._transaction.is_active:
                await self._transaction.rollback()
        except Exception:  # the connection is gone: the server rolls back itself
            pass
        finally:
            try:
                await connection.close()
            finally:
                self._release_writer()


class SqlMetadataStore:
    """Opens units of work on one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sqlite_writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    def unit_of_work(self, scope: TenantId | None, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, Scope(scope), read_only, self._sqlite_writer)

    async def health(self) -> None:
        """Run `SELECT 1`; ProviderUnavailable when the database does not answer."""
        try:
            with translated():
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except ProviderUnavailable:
            raise
        except Exception as error:
            raise ProviderUnavailable(f"metadata database unhealthy: {error}") from error


@asynccontextmanager
async def open_metadata_store(settings: SqlAlchemySettings) -> AsyncIterator[SqlMetadataStore]:
    """Create the engine, migrate when `settings.migrate`, yield the store, dispose the engine.

    On PostgreSQL a WARNING is logged when the role bypasses row-level security (superuser or
    BYPASSRLS): the policies are then no defence at all.
    """
    async with opened_engine(
        settings.url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        run_migrations=settings.migrate,
        app_role=settings.app_role,
    ) as engine:
        yield SqlMetadataStore(engine)
