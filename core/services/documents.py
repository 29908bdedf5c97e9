"""Upload, list, read and delete documents."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import (
    Conflict,
    InvalidInput,
    PayloadTooLarge,
    ProviderUnavailable,
    QuotaExceeded,
    UnsupportedMedia,
)
from ..media import detect_media_type, safe_filename, title_from_filename
from ..models import (
    SYSTEM_CALLER,
    Caller,
    Document,
    DocumentId,
    DocumentStatus,
    IngestJob,
    Modality,
    Quotas,
    TenantId,
)
from ..ports import BlobStore, JobQueue, MetadataStore, VectorIndex
from .audit import AuditTrail


@dataclass(frozen=True, slots=True)
class UploadResult:
    document: Document
    created: bool


class DocumentService:
    """Accepts originals, queues their ingestion and removes them with everything derived."""

    def __init__(
        self,
        *,
        metadata: MetadataStore,
        blobs: BlobStore,
        index: VectorIndex,
        queue: JobQueue,
        modality_of: Callable[[str], Modality | None],
        max_upload_bytes: int,
        audit: AuditTrail,
        quotas: Quotas = Quotas(),
    ) -> None:
        self._metadata = metadata
        self._blobs = blobs
        self._index = index
        self._queue = queue
        self._modality_of = modality_of
        self._max_upload_bytes = max_upload_bytes
        self._audit = audit
        self._quotas = quotas

    async def upload(
        self,
        tenant: TenantId,
        filename: str,
        data: bytes,
        declared_type: str | None = None,
        *,
        caller: Caller = SYSTEM_CALLER,
    ) -> UploadResult:
        """Store the original and queue it; the same bytes again return the existing document.

        QuotaExceeded when the tenant's document count or stored bytes would pass its limit.
        """
        name = safe_filename(filename)
        media_type = detect_media_type(name, declared_type)
        modality = self._modality_of(media_type)
        if modality is None:
            raise UnsupportedMedia(f"unsupported media type {media_type!r} for {name!r}")
        if not data:
            raise InvalidInput(f"{name!r} is empty")
        if len(data) > self._max_upload_bytes:
            raise PayloadTooLarge(f"{name!r} is {len(data)} bytes; the maximum is {self._max_upload_bytes}")
        digest = hashlib.sha256(data).hexdigest()
        existing = await self._metadata.find_by_hash(tenant, digest)
        if existing is not None:
            return UploadResult(existing, created=False)
        limits = await self.limits(tenant)
        document_id = DocumentId(str(uuid.uuid4()))
        now = datetime.now(UTC)
        document = Document(
            id=document_id,
            tenant_id=tenant,
            title=title_from_filename(name),
            filename=name,
            media_type=media_type,
            size_bytes=len(data),
            content_hash=digest,
            blob_key=f"documents/{document_id}/original",
            status=DocumentStatus.QUEUED,
            created_at=now,
            updated_at=now,
        )
        await self._blobs.put(tenant, document.blob_key, data, media_type)
        try:
            document = await self._metadata.add_document(document, limits=limits)
        except QuotaExceeded:  # the store checks the quota atomically with the insert
            await self._blobs.delete(tenant, document.blob_key)
            raise
        except Conflict:
            await self._blobs.delete(tenant, document.blob_key)
            winner = await self._metadata.find_by_hash(tenant, digest)
            if winner is None:
                raise
            return UploadResult(winner, created=False)
        try:
            await self._queue.enqueue(IngestJob(tenant, document_id, modality))
        except ProviderUnavailable as error:
            document = await self._metadata.update_status(
                tenant, document_id, DocumentStatus.FAILED, error=f"could not queue ingestion: {error}"
            )
        details = {"media_type": media_type, "size_bytes": len(data), "content_sha256": digest}
        await self._audit.record(tenant, caller, "document.upload", document_id, details)
        return UploadResult(document, created=True)

    async def limits(self, tenant: TenantId) -> Quotas:
        """The tenant's own limits where it has them, the configured ones otherwise."""
        record = await self._metadata.get_tenant(tenant)
        return Quotas(
            max_documents=self._quotas.max_documents
            if record.max_documents is None
            else record.max_documents,
            max_bytes=self._quotas.max_bytes if record.max_bytes is None else record.max_bytes,
        )

    async def requeue_unfinished(self, tenant: TenantId, page_size: int = 500) -> int:
        """Queue again the tenant's documents left queued or processing (after a crash or restart)."""
        count = 0
        offset = 0
        while True:
            page = await self._metadata.list_documents(tenant, limit=page_size, offset=offset)
            for document in page:
                if document.status in (DocumentStatus.QUEUED, DocumentStatus.PROCESSING):
                    modality = self._modality_of(document.media_type) or Modality.TEXT
                    await self._queue.enqueue(IngestJob(tenant, document.id, modality))
                    count += 1
            if len(page) < page_size:
                return count
            offset += page_size

    async def get(self, tenant: TenantId, document_id: DocumentId) -> Document:
        return await self._metadata.get_document(tenant, document_id)

    async def list(self, tenant: TenantId, *, limit: int = 100, offset: int = 0) -> Sequence[Document]:
        return await self._metadata.list_documents(tenant, limit=limit, offset=offset)

    async def delete(
        self, tenant: TenantId, document_id: DocumentId, *, caller: Caller = SYSTEM_CALLER
    ) -> None:
        """Remove vectors, then the original, then the row (so a failure can be retried)."""
        document = await self._metadata.get_document(tenant, document_id)
        await self._index.delete_document(tenant, document_id)
        await self._blobs.delete(tenant, document.blob_key)
        await self._metadata.delete_document(tenant, document_id)
        await self._audit.record(tenant, caller, "document.delete", document_id)
