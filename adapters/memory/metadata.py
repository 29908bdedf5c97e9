"""In-memory MetadataStore: a fake with the same semantics as the SQL store, for tests and demos."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

from ragloom.core.errors import Conflict, InvalidInput, NotFound, QuotaExceeded
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


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must not be negative")


class InMemoryMetadataStore:
    """Tenants, keys and documents in dicts (documents also by tenant and content hash); one lock
    makes each call atomic."""

    def __init__(self) -> None:
        self._tenants: dict[TenantId, Tenant] = {}
        self._keys: dict[str, ApiKey] = {}
        self._documents: dict[DocumentId, Document] = {}
        self._by_hash: dict[tuple[TenantId, str], DocumentId] = {}
        self._lock = asyncio.Lock()

    async def health(self) -> None:
        """Always healthy."""

    async def add_tenant(self, tenant: Tenant) -> Tenant:
        async with self._lock:
            if tenant.id in self._tenants:
                raise Conflict(f"tenant {tenant.id} already exists")
            self._tenants[tenant.id] = dataclasses.replace(tenant, status=TenantStatus(tenant.status))
            return tenant

    async def get_tenant(self, tenant_id: TenantId) -> Tenant:
        async with self._lock:
            return self._tenant(tenant_id)

    async def list_tenants(self, *, limit: int = 100, offset: int = 0) -> Sequence[Tenant]:
        _check_page(limit, offset)
        async with self._lock:
            every = sorted(self._tenants.values(), key=lambda t: (t.created_at, t.id))
        return every[offset : offset + limit]

    async def set_tenant_status(self, tenant_id: TenantId, status: TenantStatus) -> Tenant:
        return await self._update_tenant(tenant_id, status=TenantStatus(status))

    async def set_tenant_limits(
        self, tenant_id: TenantId, *, max_documents: int | None, max_bytes: int | None
    ) -> Tenant:
        return await self._update_tenant(tenant_id, max_documents=max_documents, max_bytes=max_bytes)

    async def _update_tenant(self, tenant_id: TenantId, **changes: object) -> Tenant:
        async with self._lock:
            updated = dataclasses.replace(self._tenant(tenant_id), **changes, updated_at=datetime.now(UTC))
            self._tenants[tenant_id] = updated
            return updated

    async def tenant_usage(self, tenant: TenantId) -> TenantUsage:
        async with self._lock:
            return self._usage(tenant)

    async def purge_tenant(self, tenant: TenantId) -> dict[str, int]:
        async with self._lock:
            doomed = [d for d in self._documents.values() if d.tenant_id == tenant]
            for document in doomed:
                del self._documents[document.id]
                del self._by_hash[(tenant, document.content_hash)]
            keys = [k.id for k in self._keys.values() if k.tenant_id == tenant]
            for key_id in keys:
                del self._keys[key_id]
        return {"documents": len(doomed), "api_keys": len(keys)}

    async def add_api_key(self, key: ApiKey) -> ApiKey:
        async with self._lock:
            if key.id in self._keys:
                raise Conflict("an API key with this id already exists")
            self._keys[key.id] = key
            return key

    async def find_api_key(self, key_id: str) -> tuple[ApiKey, Tenant] | None:
        async with self._lock:
            key = self._keys.get(key_id)
            tenant = self._tenants.get(key.tenant_id) if key is not None else None
            return None if key is None or tenant is None else (key, tenant)

    async def list_api_keys(self, tenant: TenantId) -> Sequence[ApiKey]:
        async with self._lock:
            owned = [k for k in self._keys.values() if k.tenant_id == tenant]
        return sorted(owned, key=lambda k: (k.created_at, k.id))

    async def revoke_api_key(self, tenant: TenantId, key_id: str) -> ApiKey:
        async with self._lock:
            key = self._keys.get(key_id)
            if key is None or key.tenant_id != tenant:
                raise NotFound(f"API key {key_id} not found")
            if key.revoked_at is None:
                key = self._keys[key_id] = dataclasses.replace(key, revoked_at=datetime.now(UTC))
            return key

    async def add_document(self, document: Document, *, limits: Quotas = Quotas()) -> Document:
        async with self._lock:
            hash_key = (document.tenant_id, document.content_hash)
            if document.id in self._documents or hash_key in self._by_hash:
                raise Conflict("a document with this id or content already exists for the tenant")
            usage = self._usage(document.tenant_id)
            after = TenantUsage(usage.documents + 1, usage.bytes + document.size_bytes)
            breach = quota_breach(after, limits, document.size_bytes)
            if breach is not None:
                raise QuotaExceeded(breach)
            self._documents[document.id] = document
            self._by_hash[hash_key] = document.id
            return document

    async def get_document(self, tenant: TenantId, document_id: DocumentId) -> Document:
        async with self._lock:
            return self._get(tenant, document_id)

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Document | None:
        async with self._lock:
            document_id = self._by_hash.get((tenant, content_hash))
            return None if document_id is None else self._documents[document_id]

    async def list_documents(
        self, tenant: TenantId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[Document]:
        _check_page(limit, offset)
        async with self._lock:
            owned = [d for d in self._documents.values() if d.tenant_id == tenant]
        owned.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return owned[offset : offset + limit]

    async def update_status(
        self,
        tenant: TenantId,
        document_id: DocumentId,
        status: DocumentStatus,
        *,
        error: str | None = None,
        chunk_count: int | None = None,
    ) -> Document:
        async with self._lock:
            current = self._get(tenant, document_id)
            updated = dataclasses.replace(
                current,
                status=DocumentStatus(status),
                error=error,
                chunk_count=current.chunk_count if chunk_count is None else chunk_count,
                updated_at=datetime.now(UTC),
            )
            self._documents[document_id] = updated
            return updated

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        async with self._lock:
            document = self._get(tenant, document_id)
            del self._documents[document_id]
            del self._by_hash[(tenant, document.content_hash)]

    def _usage(self, tenant: TenantId) -> TenantUsage:
        owned = [d.size_bytes for d in self._documents.values() if d.tenant_id == tenant]
        return TenantUsage(documents=len(owned), bytes=sum(owned))

    def _tenant(self, tenant_id: TenantId) -> Tenant:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found")
        return tenant

    def _get(self, tenant: TenantId, document_id: DocumentId) -> Document:
        document = self._documents.get(document_id)
        if document is None or document.tenant_id != tenant:
            raise NotFound(f"document {document_id} not found")
        return document
