"""In-memory MetadataStore: a fake with the same semantics as the SQL store, for tests and demos."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

from ragloom.core.errors import Conflict, InvalidInput, NotFound
from ragloom.core.models import Document, DocumentId, DocumentStatus, TenantId


class InMemoryMetadataStore:
    """Documents in dicts (by id, and by tenant and content hash); one lock makes each call atomic."""

    def __init__(self) -> None:
        self._documents: dict[DocumentId, Document] = {}
        self._by_hash: dict[tuple[TenantId, str], DocumentId] = {}
        self._lock = asyncio.Lock()

    async def health(self) -> None:
        """Always healthy."""

    async def add_document(self, document: Document) -> Document:
        async with self._lock:
            hash_key = (document.tenant_id, document.content_hash)
            if document.id in self._documents or hash_key in self._by_hash:
                raise Conflict("a document with this id or content already exists for the tenant")
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
        if limit < 0 or offset < 0:
            raise InvalidInput("limit and offset must not be negative")
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

    def _get(self, tenant: TenantId, document_id: DocumentId) -> Document:
        document = self._documents.get(document_id)
        if document is None or document.tenant_id != tenant:
            raise NotFound(f"document {document_id} not found")
        return document
