"""Upload, list, read and delete documents."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    QuotaExceeded,
    UnsupportedMedia,
)
from ..events import DocumentDeleted, DocumentUploaded
from ..media import (
    SNIFF_BYTES,
    base_type,
    detect_media_type,
    resolve_media_type,
    safe_filename,
    title_from_filename,
)
from ..models import (
    SYSTEM_CALLER,
    Attachment,
    Caller,
    Document,
    DocumentId,
    DocumentStatus,
    IngestJob,
    Job,
    Modality,
    Quotas,
    TenantId,
    TenantUsage,
    frame_key,
    frames_prefix,
)
from ..ports import BlobStore, JobQueue, PointRemover
from ..streams import IncomingFile, measure
from .transactions import Transaction, UnitsOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UploadResult:
    document: Document
    created: bool


class DocumentService:
    """Accepts originals, queues their ingestion and removes them with everything derived."""

    def __init__(
        self,
        *,
        units: UnitsOfWork,
        blobs: BlobStore,
        index: PointRemover,
        queue: JobQueue,
        modality_of: Callable[[str], Modality | None],
        max_upload_bytes: int,
        quotas: Quotas = Quotas(),
    ) -> None:
        self._units = units
        self._blobs = blobs
        self._index = index
        self._queue = queue
        self._modality_of = modality_of
        self._max_upload_bytes = max_upload_bytes
        self._quotas = quotas

    async def upload(
        self,
        tenant: TenantId,
        file: IncomingFile,
        *,
        caller: Caller = SYSTEM_CALLER,
        parent: Document | None = None,
    ) -> UploadResult:
        """Store the original and queue it; the same bytes again return the existing document.

        The bytes stream through (hashed on a first read, stored on a second). The row and its audit
        record commit together; if they do not, the stored original is removed again.
        QuotaExceeded when the tenant's document count or stored bytes would pass its limit.
        A `parent` (the message a file was attached to) must still be being ingested: Conflict if it
        is being deleted, so no attachment outlives its message.
        """
        name = safe_filename(file.filename)
        claimed = detect_media_type(name, file.declared_type)
        measured = await measure(file, self._max_upload_bytes, SNIFF_BYTES)
        size, digest = measured.size, measured.sha256
        if size == 0:
            raise InvalidInput(f"{name!r} is empty")
        media_type = resolve_media_type(claimed, measured.head)
        modality = self._modality_of(base_type(media_type))
        if modality is None:
            shown = "" if media_type == claimed else f" (its bytes show {media_type}, not {claimed})"
            raise UnsupportedMedia(f"unsupported media type {base_type(media_type)!r} for {name!r}{shown}")
        async with self._units(tenant, read_only=True) as transaction:
            existing = await transaction.documents.find_by_hash(tenant, digest)
        if existing is not None:
            return UploadResult(existing, created=False)
        document = _new_document(tenant, name, media_type, size, digest, parent)
        await self._blobs.put(tenant, document.blob_key, file.open(), media_type)
        try:
            async with self._units(tenant) as transaction:
                # Held to the commit: a deletion of the tenant waits for this upload, or this upload
                # sees the tenant deleted, never a document row left behind by a retired tenant; and
                # the tenant's uploads take turns, so the usage its quotas are checked on is current.
                owner = await transaction.tenants.get(tenant, for_update=True)
                owner.admit(size, await transaction.documents.usage(tenant), self._quotas)
                if parent is not None:
                    await _check_attachable(transaction, parent)
                await transaction.documents.add(document)
                await transaction.submit(Job.ingest(IngestJob(tenant, document.id, modality)))
                transaction.publish(
                    DocumentUploaded(
                        tenant_id=tenant,
                        caller=caller,
                        document_id=document.id,
                        media_type=media_type,
                        size_bytes=size,
                        content_sha256=digest,
                        attached_to=document.parent_id,
                    )
                )
                await transaction.commit()
        except BaseException as error:
            await self._blobs.delete(tenant, document.blob_key)  # the janitor removes it if this fails
            if isinstance(error, Conflict):  # the same bytes may have won a race with this upload
                async with self._units(tenant, read_only=True) as transaction:
                    winner = await transaction.documents.find_by_hash(tenant, digest)
                if winner is not None:
                    return UploadResult(winner, created=False)
            raise
        return UploadResult(document, created=True)

    async def attach(
        self, parent: Document, attachments: Sequence[Attachment], caller: Caller = SYSTEM_CALLER
    ) -> list[Document]:
        """Ingest the files that came inside `parent` as documents of their own, linked to it. A file
        ragloom does not read, an empty or oversized one is skipped (the message's text names it);
        one already stored is not stored twice. Stops at the tenant's quota. Returns those created
        or found."""
        added: list[Document] = []
        for attachment in attachments:
            file = IncomingFile.from_bytes(attachment.filename, attachment.data, attachment.declared_type)
            try:
                added.append(
                    (await self.upload(parent.tenant_id, file, caller=caller, parent=parent)).document
                )
            except (UnsupportedMedia, InvalidInput, PayloadTooLarge) as error:
                log.info("attachment of %s skipped: %s", parent.id, error)
            except (QuotaExceeded, Conflict) as error:  # past the quota, or the message is being deleted
                log.warning("attachments of %s not all stored: %s", parent.id, error)
                break
        return added

    async def limits(self, tenant: TenantId) -> Quotas:
        """The tenant's own limits where it has them, the configured ones otherwise."""
        async with self._units(tenant, read_only=True) as transaction:
            return (await transaction.tenants.get(tenant)).quotas(self._quotas)

    async def usage(self, tenant: TenantId) -> TenantUsage:
        async with self._units(tenant, read_only=True) as transaction:
            return await transaction.documents.usage(tenant)

    async def requeue_unfinished(self, tenant: TenantId) -> int:
        """Queue again the tenant's documents left queued or processing (after a restart, or when the
        tenant is resumed). Ingestion counts their attempts and fails those tried too often."""
        count = 0
        unfinished = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
        async for document in _every_document(self._units, tenant, statuses=unfinished):
            modality = self._modality_of(base_type(document.media_type)) or Modality.TEXT
            await self._queue.enqueue(Job.ingest(IngestJob(tenant, document.id, modality)))
            count += 1
        return count

    async def original_link(
        self, tenant: TenantId, document_id: DocumentId, expires_in: int
    ) -> tuple[Document, str | None]:
        """The document and a time-limited URL of its original from the blob store, or None when the
        store has no URLs of its own (the edge then signs one it serves)."""
        document = await self.get(tenant, document_id)
        return document, await self._blobs.presigned_url(tenant, document.blob_key, expires_in)

    async def frame(self, tenant: TenantId, document_id: DocumentId, frame: int) -> AsyncIterator[bytes]:
        """The JPEG thumbnail of a video's keyframe; NotFound for another tenant's document or a
        frame the video does not have (when the iterator is first read)."""
        await self.get(tenant, document_id)
        return self._blobs.read(tenant, frame_key(document_id, frame))

    def read_blob(self, tenant: TenantId, key: str) -> AsyncIterator[bytes]:
        """The bytes of one of the tenant's blobs (for a link the edge signed and has verified)."""
        return self._blobs.read(tenant, key)

    async def get(self, tenant: TenantId, document_id: DocumentId) -> Document:
        async with self._units(tenant, read_only=True) as transaction:
            return await transaction.documents.get(tenant, document_id)

    async def list(
        self, tenant: TenantId, *, limit: int = 100, offset: int = 0, parent_id: DocumentId | None = None
    ) -> Sequence[Document]:
        """The tenant's documents, newest first; with `parent_id`, that message's attachments."""
        async with self._units(tenant, read_only=True) as transaction:
            if parent_id is not None:
                await transaction.documents.get(tenant, parent_id)  # NotFound for another's
            return await transaction.documents.list(tenant, limit=limit, offset=offset, parent_id=parent_id)

    async def in_progress(self, tenant: TenantId, limit: int = 1000) -> Sequence[Document]:
        """The tenant's documents being ingested now (with how far each has come)."""
        async with self._units(tenant, read_only=True) as transaction:
            return await transaction.documents.list(tenant, limit=limit, statuses=[DocumentStatus.PROCESSING])

    async def delete(
        self, tenant: TenantId, document_id: DocumentId, *, caller: Caller = SYSTEM_CALLER
    ) -> None:
        """Delete atomically as seen from outside: the document is first marked `deleting` (no longer
        searchable nor listed as ready) and its ingestion cancelled; then its vectors, original and
        row go. Marked with it is an erase job the relay publishes should this stop half way (a
        failure, a crash), so a worker finishes it; the next call or the janitor also would."""
        async with self._units(tenant) as transaction:
            document = await transaction.documents.get(tenant, document_id, for_update=True)
            if document.status != DocumentStatus.DELETING:
                deleting = document.moved_to(DocumentStatus.DELETING, datetime.now(UTC), error=document.error)
                document = await transaction.documents.save(deleting)
                await transaction.safeguard(Job.erase_document(tenant, document_id))
            await transaction.commit()
        await self._queue.cancel(tenant, document_id)
        await self.finish_delete(document, caller=caller)

    async def finish_delete(self, document: Document, *, caller: Caller = SYSTEM_CALLER) -> None:
        """Remove a `deleting` document's attachments, vectors, keyframe thumbnails, original and row
        (idempotent)."""
        tenant = document.tenant_id
        attached = [d async for d in _every_document(self._units, tenant, parent_id=document.id)]
        for child in attached:  # all read first: deleting them moves the pages
            with contextlib.suppress(NotFound):  # deleted meanwhile
                await self.delete(tenant, child.id, caller=caller)
        await self._index.delete_document(tenant, document.id)
        frames = [key async for key, _ in self._blobs.keys(tenant, frames_prefix(document.id))]
        for key in frames:
            await self._blobs.delete(tenant, key)
        await self._blobs.delete(tenant, document.blob_key)
        try:
            async with self._units(tenant) as transaction:
                await transaction.documents.delete(tenant, document.id)
                await transaction.release(Job.erase_document(tenant, document.id))
                transaction.publish(DocumentDeleted(tenant_id=tenant, caller=caller, document_id=document.id))
                await transaction.commit()
        except NotFound:  # another call finished it first
            pass

    async def erase(self, job: Job) -> str:
        """The erase job of a deletion left half done: finish it (nothing if it was finished)."""
        try:
            document = await self.get(job.tenant_id, DocumentId(job.subject))
        except NotFound:
            return "gone"
        if document.status != DocumentStatus.DELETING:
            return "skipped"
        await self.finish_delete(document)
        return "erased"


async def _every_document(
    units: UnitsOfWork, tenant: TenantId, page_size: int = 500, **filters: Any
) -> AsyncIterator[Document]:
    """The tenant's documents that pass `filters` (those of DocumentRepository.list), read a page at
    a time; no unit of work stays open while the caller handles them."""
    offset = 0
    while True:
        async with units(tenant, read_only=True) as transaction:
            page = await transaction.documents.list(tenant, limit=page_size, offset=offset, **filters)
        for document in page:
            yield document
        if len(page) < page_size:
            return
        offset += page_size


async def _check_attachable(transaction: Transaction, parent: Document) -> None:
    """Holds the parent's row to the commit: its deletion waits for this attachment, or this
    attachment sees it being deleted."""
    current = await transaction.documents.get(parent.tenant_id, parent.id, for_update=True)
    if current.status != DocumentStatus.PROCESSING:
        raise Conflict(f"document {parent.id} is {current.status.value}: it takes no attachments")


def _new_document(
    tenant: TenantId, name: str, media_type: str, size: int, digest: str, parent: Document | None
) -> Document:
    document_id = DocumentId(str(uuid.uuid4()))
    now = datetime.now(UTC)
    return Document(
        id=document_id,
        tenant_id=tenant,
        title=title_from_filename(name),
        filename=name,
        media_type=media_type,
        size_bytes=size,
        content_hash=digest,
        blob_key=f"documents/{document_id}/original",
        status=DocumentStatus.QUEUED,
        created_at=now,
        updated_at=now,
        parent_id=None if parent is None else parent.id,
    )
