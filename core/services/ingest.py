"""Ingestion: extract -> chunk -> embed -> upsert -> status. Idempotent, so a job may run twice."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from ..chunking import ChunkingPolicy, chunk_segments
from ..errors import ExtractionFailed, NotFound, ProviderUnavailable, RagloomError
from ..models import (
    Caller,
    ChunkPayload,
    Document,
    DocumentStatus,
    IngestJob,
    VectorPoint,
)
from ..ports import (
    BlobStore,
    MediaExtractor,
    MetadataStore,
    PiiScrubber,
    SparseEncoder,
    TextEmbedder,
    VectorIndex,
)
from .audit import AuditTrail

log = logging.getLogger(__name__)

WORKER = Caller("worker")
_POINT_NAMESPACE = uuid.UUID("5b1c8f5e-2f0e-4d56-9a57-7a0f3f4e2a10")


def point_id(document: Document, ordinal: int) -> str:
    """Stable point id of a chunk, so re-running a job replaces rather than duplicates."""
    return str(uuid.uuid5(_POINT_NAMESPACE, f"{document.tenant_id}/{document.id}/{ordinal}"))


class IngestService:
    def __init__(
        self,
        *,
        metadata: MetadataStore,
        blobs: BlobStore,
        extractors: Sequence[MediaExtractor],
        embedder: TextEmbedder,
        index: VectorIndex,
        chunking: ChunkingPolicy,
        audit: AuditTrail,
        sparse: SparseEncoder | None = None,
        scrubber: PiiScrubber | None = None,
    ) -> None:
        self._metadata = metadata
        self._blobs = blobs
        self._extractors = extractors
        self._embedder = embedder
        self._index = index
        self._chunking = chunking
        self._audit = audit
        self._sparse = sparse
        self._scrubber = scrubber

    def _extractor_for(self, media_type: str) -> MediaExtractor:
        for extractor in self._extractors:
            if media_type in extractor.media_types:
                return extractor
        raise ExtractionFailed(f"no extractor for {media_type}")

    async def run(self, job: IngestJob, *, final_attempt: bool = True) -> DocumentStatus | None:
        """Ingest one document; a document deleted meanwhile is skipped and returns None.

        Failures leave the document `failed` with the reason and no vectors, except a retryable
        ProviderUnavailable before the final attempt: the document goes back to `queued` and the
        error is re-raised so the caller can retry.
        """
        try:
            before = await self._metadata.get_document(job.tenant_id, job.document_id)
            document = await self._metadata.update_status(
                job.tenant_id, job.document_id, DocumentStatus.PROCESSING
            )
        except NotFound:
            return None
        fresh = before.status == DocumentStatus.QUEUED and before.error is None and before.chunk_count == 0
        try:
            count = await self._index_document(document, replace=not fresh)
        except ProviderUnavailable as error:
            await self._index.delete_document(document.tenant_id, document.id)
            if error.retryable and not final_attempt:
                await self._metadata.update_status(
                    document.tenant_id, document.id, DocumentStatus.QUEUED, error=f"retrying: {error}"
                )
                raise
            return await self._fail(document, str(error))
        except RagloomError as error:
            await self._index.delete_document(document.tenant_id, document.id)
            return await self._fail(document, str(error))
        except Exception as error:
            log.exception("ingestion of %s failed", document.id)
            await self._index.delete_document(document.tenant_id, document.id)
            return await self._fail(document, f"internal error: {type(error).__name__}")
        try:
            await self._metadata.update_status(
                document.tenant_id, document.id, DocumentStatus.READY, chunk_count=count
            )
        except NotFound:
            await self._index.delete_document(document.tenant_id, document.id)
            return None
        await self._audit.record(document.tenant_id, WORKER, "document.ready", document.id, {"chunks": count})
        return DocumentStatus.READY

    async def _fail(self, document: Document, reason: str) -> DocumentStatus | None:
        try:
            await self._metadata.update_status(
                document.tenant_id, document.id, DocumentStatus.FAILED, error=reason
            )
        except NotFound:
            return None
        await self._audit.record(document.tenant_id, WORKER, "document.failed", document.id)
        return DocumentStatus.FAILED

    async def _index_document(self, document: Document, *, replace: bool) -> int:
        """Extract, chunk, embed and upsert; `replace` first removes points an earlier run left."""
        data = await self._blobs.get(document.tenant_id, document.blob_key)
        extraction = await self._extractor_for(document.media_type).extract(
            data, document.media_type, document.filename
        )
        title = extraction.title or document.title
        chunks = chunk_segments(extraction.segments, title, self._chunking)
        if not chunks:
            raise ExtractionFailed(f"no text found in {document.filename!r}")
        texts = [chunk.text for chunk in chunks]
        embed_texts = [chunk.embed_text for chunk in chunks]
        if self._scrubber is not None:
            texts = list(await self._scrubber.scrub(texts))
            embed_texts = list(await self._scrubber.scrub(embed_texts))
        vectors = await self._embedder.embed_documents(embed_texts)
        sparse = self._sparse.encode_documents(embed_texts) if self._sparse is not None else None
        points = [
            VectorPoint(
                id=point_id(document, chunk.ordinal),
                dense=vector,
                sparse=sparse[i] if sparse is not None else None,
                payload=ChunkPayload(
                    document_id=document.id,
                    title=title,
                    source=document.filename,
                    ordinal=chunk.ordinal,
                    text=texts[i],
                    page=chunk.page,
                    start_seconds=chunk.start_seconds,
                ),
            )
            for i, (chunk, vector) in enumerate(zip(chunks, vectors, strict=True))
        ]
        if replace:
            await self._index.delete_document(document.tenant_id, document.id)
        await self._index.upsert(document.tenant_id, points)
        return len(points)
