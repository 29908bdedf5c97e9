"""SQLAlchemy MetadataStore: SQLite (aiosqlite) embedded, PostgreSQL (asyncpg) in production."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from ragloom.core.errors import InvalidInput, NotFound, ProviderUnavailable, QuotaExceeded
from ragloom.core.models import (
    ApiKey,
    Document,
    DocumentId,
    DocumentStatus,
    Quotas,
    Tenant,
    TenantId,
    TenantStatus,
    TenantUsage,
)
from ragloom.core.quotas import quota_breach

from .database import alembic_config, migrate, opened_engine, scoped, translated
from .settings import SqlAlchemySettings
from .tables import api_keys, documents, tenants

__all__ = ["SqlAlchemyMetadataStore", "alembic_config", "migrate", "open_metadata_store"]

_DOCUMENT_EXISTS = "a document with this id or content already exists for the tenant"
_QUOTA_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:key))")


def _usage_query(tenant: TenantId) -> Any:
    return select(func.count(), func.coalesce(func.sum(documents.c.size_bytes), 0)).where(
        documents.c.tenant_id == tenant
    )


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


def _to_tenant(row: Mapping[str, Any]) -> Tenant:
    return Tenant(
        id=TenantId(row["id"]),
        name=row["name"],
        status=TenantStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        max_documents=row["max_documents"],
        max_bytes=row["max_bytes"],
    )


def _to_api_key(row: Mapping[str, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        tenant_id=TenantId(row["tenant_id"]),
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must not be negative")


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
    """Tenants, API keys and documents. Each call is one transaction under `scoped()`: the tenant
    calls filter by `tenant_id` and set the tenant scope that PostgreSQL's row-level security
    enforces as well; only the directory calls (tenants, `find_api_key`) run with the system scope."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def health(self) -> None:
        """Run `SELECT 1`; ProviderUnavailable when the database does not answer."""
        try:
            with translated():
                async with self._engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except ProviderUnavailable:
            raise
        except Exception as error:
            raise ProviderUnavailable(f"metadata database unhealthy: {error}") from error

    # Tenants: the directory (system scope).

    async def add_tenant(self, tenant: Tenant) -> Tenant:
        row = {
            "id": tenant.id,
            "name": tenant.name,
            "status": TenantStatus(tenant.status).value,
            "max_documents": tenant.max_documents,
            "max_bytes": tenant.max_bytes,
            "created_at": tenant.created_at,
            "updated_at": tenant.updated_at,
        }
        with translated(f"tenant {tenant.id} already exists"):
            async with scoped(self._engine, tenant.id, system=True) as connection:
                await connection.execute(insert(tenants).values(row))
        return tenant

    async def get_tenant(self, tenant_id: TenantId) -> Tenant:
        with translated():
            async with scoped(self._engine, tenant_id, system=True) as connection:
                query = select(tenants).where(tenants.c.id == tenant_id)
                row = (await connection.execute(query)).mappings().first()
        if row is None:
            raise NotFound(f"tenant {tenant_id} not found")
        return _to_tenant(row)

    async def list_tenants(self, *, limit: int = 100, offset: int = 0) -> Sequence[Tenant]:
        _check_page(limit, offset)
        query = select(tenants).order_by(tenants.c.created_at, tenants.c.id).limit(limit).offset(offset)
        with translated():
            async with scoped(self._engine, system=True) as connection:
                rows = (await connection.execute(query)).mappings().all()
        return [_to_tenant(row) for row in rows]

    async def set_tenant_status(self, tenant_id: TenantId, status: TenantStatus) -> Tenant:
        return await self._update_tenant(tenant_id, status=TenantStatus(status).value)

    async def set_tenant_limits(
        self, tenant_id: TenantId, *, max_documents: int | None, max_bytes: int | None
    ) -> Tenant:
        return await self._update_tenant(tenant_id, max_documents=max_documents, max_bytes=max_bytes)

    async def _update_tenant(self, tenant_id: TenantId, **values: Any) -> Tenant:
        statement = (
            tenants.update()
            .where(tenants.c.id == tenant_id)
            .values(**values, updated_at=datetime.now(UTC))
            .returning(*tenants.c)
        )
        with translated():
            async with scoped(self._engine, tenant_id, system=True) as connection:
                row = (await connection.execute(statement)).mappings().first()
        if row is None:
            raise NotFound(f"tenant {tenant_id} not found")
        return _to_tenant(row)

    # Tenant-scoped: usage, purge, keys.

    async def tenant_usage(self, tenant: TenantId) -> TenantUsage:
        with translated():
            async with scoped(self._engine, tenant) as connection:
                count, total = (await connection.execute(_usage_query(tenant))).one()
        return TenantUsage(documents=int(count), bytes=int(total))

    async def purge_tenant(self, tenant: TenantId) -> dict[str, int]:
        with translated():
            async with scoped(self._engine, tenant) as connection:
                removed_documents = await connection.execute(
                    documents.delete().where(documents.c.tenant_id == tenant)
                )
                removed_keys = await connection.execute(
                    api_keys.delete().where(api_keys.c.tenant_id == tenant)
                )
        return {"documents": removed_documents.rowcount, "api_keys": removed_keys.rowcount}

    async def add_api_key(self, key: ApiKey) -> ApiKey:
        row = {
            "id": key.id,
            "tenant_id": key.tenant_id,
            "secret_hash": key.secret_hash,
            "created_at": key.created_at,
            "revoked_at": key.revoked_at,
        }
        with translated("an API key with this id already exists"):
            async with scoped(self._engine, key.tenant_id) as connection:
                await connection.execute(insert(api_keys).values(row))
        return key

    async def find_api_key(self, key_id: str) -> tuple[ApiKey, Tenant] | None:
        query = (
            select(*api_keys.c, *(column.label(f"owner_{column.name}") for column in tenants.c))
            .join(tenants, tenants.c.id == api_keys.c.tenant_id)
            .where(api_keys.c.id == key_id)
        )
        with translated():
            async with scoped(self._engine, system=True) as connection:
                row = (await connection.execute(query)).mappings().first()
        if row is None:
            return None
        tenant_row = {column.name: row[f"owner_{column.name}"] for column in tenants.c}
        return _to_api_key(row), _to_tenant(tenant_row)

    async def list_api_keys(self, tenant: TenantId) -> Sequence[ApiKey]:
        query = (
            select(api_keys)
            .where(api_keys.c.tenant_id == tenant)
            .order_by(api_keys.c.created_at, api_keys.c.id)
        )
        with translated():
            async with scoped(self._engine, tenant) as connection:
                rows = (await connection.execute(query)).mappings().all()
        return [_to_api_key(row) for row in rows]

    async def revoke_api_key(self, tenant: TenantId, key_id: str) -> ApiKey:
        owned = (api_keys.c.tenant_id == tenant, api_keys.c.id == key_id)
        revoke = (
            api_keys.update()
            .where(*owned, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
            .returning(*api_keys.c)
        )
        with translated():
            async with scoped(self._engine, tenant) as connection:
                row = (await connection.execute(revoke)).mappings().first()
                if row is None:  # already revoked (keep the first time) or not this tenant's
                    row = (await connection.execute(select(api_keys).where(*owned))).mappings().first()
        if row is None:
            raise NotFound(f"API key {key_id} not found")
        return _to_api_key(row)

    # Documents (tenant scope).

    async def add_document(self, document: Document, *, limits: Quotas = Quotas()) -> Document:
        limited = bool(limits.max_documents or limits.max_bytes)
        with translated(_DOCUMENT_EXISTS):
            async with scoped(self._engine, document.tenant_id) as connection:
                # One quota check per tenant at a time on PostgreSQL.
                if limited and connection.dialect.name == "postgresql":
                    await connection.execute(_QUOTA_LOCK, {"key": f"ragloom-quota:{document.tenant_id}"})
                # Insert first, then count: on SQLite the insert takes the write lock, so the count
                # sees every concurrent upload; raising rolls the insert back.
                await connection.execute(insert(documents).values(_to_row(document)))
                if limited:
                    count, total = (await connection.execute(_usage_query(document.tenant_id))).one()
                    breach = quota_breach(TenantUsage(int(count), int(total)), limits, document.size_bytes)
                    if breach is not None:
                        raise QuotaExceeded(breach)
        return document

    async def get_document(self, tenant: TenantId, document_id: DocumentId) -> Document:
        query = select(documents).where(documents.c.tenant_id == tenant, documents.c.id == document_id)
        with translated():
            async with scoped(self._engine, tenant) as connection:
                row = (await connection.execute(query)).mappings().first()
        if row is None:
            raise NotFound(f"document {document_id} not found")
        return _to_document(row)

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Document | None:
        query = select(documents).where(
            documents.c.tenant_id == tenant, documents.c.content_hash == content_hash
        )
        with translated():
            async with scoped(self._engine, tenant) as connection:
                row = (await connection.execute(query)).mappings().first()
        return None if row is None else _to_document(row)

    async def list_documents(
        self, tenant: TenantId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[Document]:
        _check_page(limit, offset)
        query = (
            select(documents)
            .where(documents.c.tenant_id == tenant)
            .order_by(documents.c.created_at.desc(), documents.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with translated():
            async with scoped(self._engine, tenant) as connection:
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
        with translated():
            async with scoped(self._engine, tenant) as connection:
                row = (await connection.execute(statement)).mappings().first()
        if row is None:
            raise NotFound(f"document {document_id} not found")
        return _to_document(row)

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        statement = documents.delete().where(documents.c.tenant_id == tenant, documents.c.id == document_id)
        with translated():
            async with scoped(self._engine, tenant) as connection:
                result = await connection.execute(statement)
        if result.rowcount == 0:
            raise NotFound(f"document {document_id} not found")


@asynccontextmanager
async def open_metadata_store(settings: SqlAlchemySettings) -> AsyncIterator[SqlAlchemyMetadataStore]:
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
        yield SqlAlchemyMetadataStore(engine)
