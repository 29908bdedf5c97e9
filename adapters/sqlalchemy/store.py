"""SQLAlchemy MetadataStore: SQLite (aiosqlite) embedded, PostgreSQL (asyncpg) in production."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, exc, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ragloom.core.errors import Conflict, InvalidInput, NotFound, ProviderUnavailable
from ragloom.core.models import Document, DocumentId, DocumentStatus, TenantId

from .settings import SqlAlchemySettings
from .tables import documents

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
_MIGRATION_LOCK = 0x7261676C  # "ragl": PostgreSQL advisory lock so concurrent starts migrate once
_UNIQUE_VIOLATION = "23505"
_RETRYABLE_SQLSTATES = ("08", "53", "57P", "40001", "40P01")  # connection, resources, shutdown, races
_FATAL_SQLSTATES = ("28", "3D000")  # bad credentials, missing database: retrying will not help


def _sqlstate(error: exc.DBAPIError) -> str:
    cause = error.orig
    for candidate in (cause, getattr(cause, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None)
        if code:
            return str(code)
    return ""


@contextmanager
def _translated() -> Iterator[None]:
    """Turn driver and connection errors into the core error tree."""
    try:
        yield
    except exc.IntegrityError as error:
        if _sqlstate(error) == _UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(error.orig):
            raise Conflict("a document with this id or content already exists for the tenant") from error
        raise InvalidInput("the database rejected the write (a required field is missing)") from error
    except exc.DBAPIError as error:
        code = _sqlstate(error)
        if code.startswith(_FATAL_SQLSTATES):
            raise ProviderUnavailable(
                f"metadata database refused us: {error.orig}", retryable=False
            ) from error
        if (
            error.connection_invalidated
            or code.startswith(_RETRYABLE_SQLSTATES)
            or isinstance(error, exc.OperationalError | exc.InterfaceError)
        ):
            raise ProviderUnavailable(f"metadata database unavailable: {error.orig}") from error
        raise
    except (exc.TimeoutError, OSError) as error:
        raise ProviderUnavailable(f"metadata database unavailable: {error}") from error


def _to_document(row: Mapping[str, Any]) -> Document:
    return Document(
        id=DocumentId(row["id"]),
        tenant_id=TenantId(row["tenant_id"]),
        title=row["title"],
        filename=row["filename"],
        media_type=row["media_type"],
        size_bytes=row["size_bytes"],
        content_hash=row["content_hash"],
        blob_key=row["blob_key"],
        status=DocumentStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        error=row["error"],
        chunk_count=row["chunk_count"],
    )


def _to_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "tenant_id": document.tenant_id,
        "title": document.title,
        "filename": document.filename,
        "media_type": document.media_type,
        "size_bytes": document.size_bytes,
        "content_hash": document.content_hash,
        "blob_key": document.blob_key,
        "status": DocumentStatus(document.status).value,
        "error": document.error,
        "chunk_count": document.chunk_count,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
    }


class SqlAlchemyMetadataStore:
    """Documents in one table; every statement is scoped by tenant_id and runs in its own transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def health(self) -> None:
        """Run `SELECT 1`; ProviderUnavailable when the database does not answer."""
        try:
            with _translated():
                async with self._engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except ProviderUnavailable:
            raise
        except Exception as error:
            raise ProviderUnavailable(f"metadata database unhealthy: {error}") from error

    async def add_document(self, document: Document) -> Document:
        with _translated():
            async with self._engine.begin() as connection:
                await connection.execute(insert(documents).values(_to_row(document)))
        return document

    async def get_document(self, tenant: TenantId, document_id: DocumentId) -> Document:
        query = select(documents).where(documents.c.tenant_id == tenant, documents.c.id == document_id)
        with _translated():
            async with self._engine.connect() as connection:
                row = (await connection.execute(query)).mappings().first()
        if row is None:
            raise NotFound(f"document {document_id} not found")
        return _to_document(row)

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Document | None:
        query = select(documents).where(
            documents.c.tenant_id == tenant, documents.c.content_hash == content_hash
        )
        with _translated():
            async with self._engine.connect() as connection:
                row = (await connection.execute(query)).mappings().first()
        return None if row is None else _to_document(row)

    async def list_documents(
        self, tenant: TenantId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[Document]:
        if limit < 0 or offset < 0:
            raise InvalidInput("limit and offset must not be negative")
        query = (
            select(documents)
            .where(documents.c.tenant_id == tenant)
            .order_by(documents.c.created_at.desc(), documents.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with _translated():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(query)).mappings().all()
        return [_to_document(row) for row in rows]

    async def update_status(
        self,
        tenant: TenantId,
        document_id: DocumentId,
        status: DocumentStatus,
        *,
        error: str | None = None,
        chunk_count: int | None = None,
    ) -> Document:
        values: dict[str, Any] = {
            "status": DocumentStatus(status).value,
            "error": error,
            "updated_at": datetime.now(UTC),
        }
        if chunk_count is not None:
            values["chunk_count"] = chunk_count
        statement = (
            documents.update()
            .where(documents.c.tenant_id == tenant, documents.c.id == document_id)
            .values(values)
            .returning(*documents.c)
        )
        with _translated():
            async with self._engine.begin() as connection:
                row = (await connection.execute(statement)).mappings().first()
        if row is None:
            raise NotFound(f"document {document_id} not found")
        return _to_document(row)

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        statement = documents.delete().where(documents.c.tenant_id == tenant, documents.c.id == document_id)
        with _translated():
            async with self._engine.begin() as connection:
                result = await connection.execute(statement)
        if result.rowcount == 0:
            raise NotFound(f"document {document_id} not found")


def alembic_config() -> Config:
    """A file-less Alembic config pointing at the shipped migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Upgrade the schema to head in one transaction (a no-op when already there)."""

    def _upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    with _translated():
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)


def _create_engine(settings: SqlAlchemySettings) -> AsyncEngine:
    url = make_url(settings.url)
    if url.get_backend_name() != "sqlite":
        return create_async_engine(
            url,
            echo=settings.echo,
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_pre_ping=True,
        )
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=settings.echo)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Safe with WAL: a crash cannot corrupt the file; power loss may drop the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@asynccontextmanager
async def open_metadata_store(settings: SqlAlchemySettings) -> AsyncIterator[SqlAlchemyMetadataStore]:
    """Create the engine, migrate when `settings.migrate`, yield the store, dispose the engine."""
    engine = _create_engine(settings)
    try:
        if settings.migrate:
            await migrate(engine)
        yield SqlAlchemyMetadataStore(engine)
    finally:
        await engine.dispose()
