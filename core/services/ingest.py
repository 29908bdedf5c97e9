"""Ingestion: extract -> scrub -> chunk -> embed (text, and pictures when an image embedder is
configured) -> upsert -> status. Idempotent, so a job may run twice."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from ..chunking import ChunkingPolicy, chunk_segments
from ..errors import (
    ExtractionFailed,
    InvalidTransition,
    NotFound,
    ProviderUnavailable,
    RagloomError,
    UnsupportedMedia,
)
from ..events import DocumentFailed, DocumentIndexed, DomainEvent
from ..media import base_type
from ..models import (
    Attachment,
    Caller,
    Chunk,
    ChunkPayload,
    Document,
    DocumentStatus,
    Extraction,
    IngestJob,
    Job,
    Location,
    Picture,
    Segment,
    TenantStatus,
    VectorPoint,
    frame_key,
)
from ..ports import (
    BlobStore,
    ImageEmbedder,
    JobRunner,
    MediaExtractor,
    PiiScrubber,
    SparseEncoder,
    TextEmbedder,
)
from ..progress import report_progress, reporting_to, stage
from ..telemetry import INGESTION, record, span
from .spaces import EmbeddingSpace, Spaces
from .transactions import UnitsOfWork

log = logging.getLogger(__name__)

WORKER = Caller("worker")
_UNFINISHED = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
_EXTRACTED = 0.8  # the share of ingestion extraction counts for (the rest: scrub, embed, index)
_POINT_NAMESPACE = uuid.UUID("5b1c8f5e-2f0e-4d56-9a57-7a0f3f4e2a10")
Sleep = Callable[[float], Awaitable[None]]
Attach = Callable[[Document, Sequence[Attachment], Caller], Awaitable[object]]


def point_id(document: Document, ordinal: int) -> str:
    """Stable point id of a chunk, so re-running a job replaces rather than duplicates."""
    return str(uuid.uuid5(_POINT_NAMESPACE, f"{document.tenant_id}/{document.id}/{ordinal}"))


def extractor_for(extractors: Sequence[MediaExtractor], media_type: str) -> MediaExtractor:
    """The first extractor that handles the media type; UnsupportedMedia if none does."""
    for extractor in extractors:
        if base_type(media_type) in extractor.media_types:
            return extractor
    raise UnsupportedMedia(f"no extractor is configured for {media_type}")


class IngestService:
    def __init__(
        self,
        *,
        units: UnitsOfWork,
        blobs: BlobStore,
        extractors: Sequence[MediaExtractor],
        spaces: Spaces,
        chunking: ChunkingPolicy,
        sparse: SparseEncoder | None = None,
        scrubber: PiiScrubber | None = None,
        images: ImageEmbedder | None = None,
        attach: Attach | None = None,
        max_attempts: int = 3,
        progress_interval: float = 1.0,
    ) -> None:
        self._max_attempts = max_attempts
        self._progress_interval = progress_interval
        self._images = images
        self._attach = attach
        self._units = units
        self._blobs = blobs
        self._extractors = extractors
        self._spaces = spaces
        self._chunking = chunking
        self._sparse = sparse
        self._scrubber = scrubber

    async def run(self, job: IngestJob) -> DocumentStatus | None:
        """As `_run`, in a span, counting the outcome."""
        with span(
            "ingest", tenant_id=job.tenant_id, document_id=job.document_id, modality=job.modality.value
        ):
            status = await self._run(job)
        if status in (DocumentStatus.READY, DocumentStatus.FAILED):
            record(INGESTION, modality=job.modality.value, outcome=status.value)
        return status

    async def _run(self, job: IngestJob) -> DocumentStatus | None:
        """Ingest one document. Returns None, doing nothing, when the document is gone, no longer
        waiting for ingestion (being deleted, say) or its tenant is not active.

        Each run counts an attempt in the metadata store, so the count survives restarts; a
        document already tried `max_attempts` times is failed instead of tried again. Failures leave
        the document `failed` with the reason and no vectors, except a retryable ProviderUnavailable
        before the last attempt: the document goes back to `queued` and the error is re-raised so
        the caller can retry. A document deleted meanwhile is abandoned at the next checkpoint.
        """
        async with self._units(job.tenant_id) as transaction:
            try:
                tenant = await transaction.tenants.get(job.tenant_id)
                before = await transaction.documents.get(job.tenant_id, job.document_id, for_update=True)
            except NotFound:
                return None
            if tenant.status != TenantStatus.ACTIVE or before.status not in _UNFINISHED:
                return None
            if before.attempts >= self._max_attempts:
                reason = (
                    f"gave up after {before.attempts} attempts: ingestion never finished "
                    "(the process stopped or crashed while it ran)"
                )
                await transaction.documents.save(before.moved_to(DocumentStatus.FAILED, _now(), error=reason))
                transaction.publish(
                    DocumentFailed(
                        tenant_id=job.tenant_id, caller=WORKER, document_id=job.document_id, reason=reason
                    )
                )
                await transaction.commit()
                return DocumentStatus.FAILED
            document = await transaction.documents.save(before.attempt_begun(_now()))
            await transaction.commit()
        final_attempt = document.attempts >= self._max_attempts
        fresh = before.status == DocumentStatus.QUEUED and before.error is None and before.attempts == 0
        try:
            count, entities, attachments = await self._index_document(document, replace=not fresh)
            if attachments and self._attach is not None:
                await self._attach(document, attachments, WORKER)
        except _Abandoned:
            await self._spaces.delete_document(document.tenant_id, document.id)
            return None
        except ProviderUnavailable as error:
            await self._spaces.delete_document(document.tenant_id, document.id)
            if error.retryable and not final_attempt:
                queued = await self._settle(document, DocumentStatus.QUEUED, None, error=f"retrying: {error}")
                if queued is not None:
                    raise
                return None  # deleted meanwhile: nothing to retry
            return await self._fail(document, str(error))
        except RagloomError as error:
            await self._spaces.delete_document(document.tenant_id, document.id)
            return await self._fail(document, str(error))
        except Exception as error:
            log.exception("ingestion of %s failed", document.id)
            await self._spaces.delete_document(document.tenant_id, document.id)
            return await self._fail(document, f"internal error: {type(error).__name__}")
        indexed = DocumentIndexed(
            tenant_id=document.tenant_id, caller=WORKER, document_id=document.id, chunks=count
        )
        settled = await self._settle(
            document, DocumentStatus.READY, indexed, chunk_count=count, pii_entities=entities
        )
        if settled is None:  # deleted while it was being indexed
            await self._spaces.delete_document(document.tenant_id, document.id)
        return settled

    async def _fail(self, document: Document, reason: str) -> DocumentStatus | None:
        failed = DocumentFailed(
            tenant_id=document.tenant_id, caller=WORKER, document_id=document.id, reason=reason
        )
        return await self._settle(document, DocumentStatus.FAILED, failed, error=reason)

    async def _settle(
        self,
        document: Document,
        status: DocumentStatus,
        event: DomainEvent | None,
        *,
        error: str | None = None,
        chunk_count: int | None = None,
        pii_entities: Mapping[str, int] | None = None,
    ) -> DocumentStatus | None:
        """Move the document to `status` by its rules and publish what happened (if anything), in
        one unit of work; None if the document was deleted (or marked for deletion) meanwhile."""
        try:
            async with self._units(document.tenant_id) as transaction:
                current = await transaction.documents.get(document.tenant_id, document.id, for_update=True)
                settled = current.moved_to(
                    status, _now(), error=error, chunk_count=chunk_count, pii_entities=pii_entities
                )
                await transaction.documents.save(settled)
                if event is not None:
                    transaction.publish(event)
                await transaction.commit()
        except (NotFound, InvalidTransition):
            return None
        return status

    async def _extract(self, document: Document) -> Extraction:
        extractor = extractor_for(self._extractors, document.media_type)
        async with self._blobs.local_file(document.tenant_id, document.blob_key) as path:
            return await extractor.extract(path, document.media_type, document.filename)

    async def _scrubbed(
        self, document: Document, extraction: Extraction
    ) -> tuple[str, list[Segment], dict[str, int]]:
        """The title and each segment scrubbed once, before chunking, so no chunk holds raw data;
        and how many values of each type were masked."""
        title = extraction.title or document.title
        segments = list(extraction.segments)
        if self._scrubber is None:
            return title, segments, {}
        scrubbed = await self._scrubber.scrub(document.tenant_id, [title, *(s.text for s in segments)])
        counts: Counter[str] = Counter()
        for result in scrubbed:
            counts.update(result.entities)
        clean = [dataclasses.replace(s, text=c.text) for s, c in zip(segments, scrubbed[1:], strict=True)]
        return scrubbed[0].text, clean, dict(counts)

    async def _index_document(
        self, document: Document, *, replace: bool
    ) -> tuple[int, dict[str, int], Sequence[Attachment]]:
        """Extract, scrub, chunk, embed and upsert; `replace` first removes points an earlier run left.
        Returns the point count, the masked-entity counts and the files the original carries. The
        progress reported meanwhile is written to the document."""
        progress = _ProgressWriter(self._units, document, self._progress_interval)
        spaces = await self._spaces.written(document.tenant_id)
        with reporting_to(progress.report):
            async with progress.writing():
                extraction, points, entities = await self._points(document, spaces)
        await self._check_still_wanted(document)
        with span("ingest.index", points=len(points[spaces[0].name]), spaces=len(spaces)):
            if replace:
                await self._spaces.delete_document(document.tenant_id, document.id)
            for space in spaces:
                await space.index.upsert(document.tenant_id, points[space.name])
        for picture in extraction.pictures:
            if picture.location.frame is not None:
                key = frame_key(document.id, picture.location.frame)
                await self._blobs.put(document.tenant_id, key, _once(picture.jpeg), "image/jpeg")
        return len(points[spaces[0].name]), entities, extraction.attachments

    async def _points(
        self, document: Document, spaces: Sequence[EmbeddingSpace]
    ) -> tuple[Extraction, dict[str, list[VectorPoint]], dict[str, int]]:
        """The extraction, the points to store in each space and the masked-entity counts;
        extraction reports the first 0.8 of the progress."""
        with stage(0.0, _EXTRACTED), span("ingest.extract", media_type=document.media_type):
            extraction = await self._extract(document)
        await self._check_still_wanted(document)
        with span("ingest.scrub", segments=len(extraction.segments)):
            title, segments, entities = await self._scrubbed(document, extraction)
        report_progress(_EXTRACTED + 0.05)
        chunks = chunk_segments(segments, title, self._chunking)
        pictures = list(extraction.pictures) if self._images is not None else []
        if not chunks and not pictures:
            raise ExtractionFailed(f"no text found in {document.filename!r}")
        with span("ingest.embed", chunks=len(chunks), pictures=len(pictures)):
            picture_points = await self._picture_points(
                document, title, pictures, segments, first=len(chunks)
            )
            points = {
                space.name: [
                    *await self._text_points(document, title, chunks, space.embedder),
                    *picture_points,
                ]
                for space in spaces
            }
        report_progress(_EXTRACTED + 0.15)
        return extraction, points, entities

    async def _text_points(
        self, document: Document, title: str, chunks: Sequence[Chunk], embedder: TextEmbedder
    ) -> list[VectorPoint]:
        if not chunks:
            return []
        embed_texts = [chunk.embed_text for chunk in chunks]
        vectors = await embedder.embed_documents(embed_texts)
        sparse = self._sparse.encode_documents(embed_texts) if self._sparse is not None else None
        return [
            VectorPoint(
                id=point_id(document, chunk.ordinal),
                dense=vector,
                sparse=sparse[i] if sparse is not None else None,
                payload=ChunkPayload(
                    document_id=document.id,
                    title=title,
                    source=document.filename,
                    ordinal=chunk.ordinal,
                    text=chunk.text,
                    location=chunk.location,
                ),
            )
            for i, (chunk, vector) in enumerate(zip(chunks, vectors, strict=True))
        ]

    async def _picture_points(
        self,
        document: Document,
        title: str,
        pictures: Sequence[Picture],
        segments: Sequence[Segment],
        *,
        first: int,
    ) -> list[VectorPoint]:
        """A point per picture with only its image vector, numbered after the text chunks; its text
        is the (scrubbed) text read in it, so a citation of it shows what the picture says."""
        if not pictures or self._images is None:
            return []
        vectors = await self._images.embed_images([picture.jpeg for picture in pictures])
        return [
            VectorPoint(
                id=point_id(document, first + i),
                dense=[],
                image=vector,
                payload=ChunkPayload(
                    document_id=document.id,
                    title=title,
                    source=document.filename,
                    ordinal=first + i,
                    text=_shown_text(picture, segments),
                    location=_shown_location(picture),
                ),
            )
            for i, (picture, vector) in enumerate(zip(pictures, vectors, strict=True))
        ]

    async def _check_still_wanted(self, document: Document) -> None:
        """A checkpoint between the long steps: stop if the document was deleted (or is being), so a
        worker in another process gives up a cancelled job without waiting for its end."""
        async with self._units(document.tenant_id, read_only=True) as transaction:
            try:
                current = await transaction.documents.get(document.tenant_id, document.id)
            except NotFound:
                raise _Abandoned from None
        if current.status != DocumentStatus.PROCESSING:
            raise _Abandoned


def _shown_text(picture: Picture, segments: Sequence[Segment]) -> str:
    """The text read in a picture: its own segment inside a document, its keyframe's segments in a
    video, every segment of an image."""
    if picture.inside:
        return segments[picture.segment].text if picture.segment is not None else ""
    frame = picture.location.frame
    if frame is None:
        return "\n".join(segment.text for segment in segments)
    return "\n".join(s.text for s in segments if s.location.track == "frame" and s.location.frame == frame)


def _shown_location(picture: Picture) -> Location:
    """Where a picture is; a keyframe's is on the video's frame track."""
    if picture.location.frame is None:
        return picture.location
    return dataclasses.replace(picture.location, track="frame")


class _ProgressWriter:
    """Keeps the latest share reported and writes it to the document about once a second while the
    work runs (reports may come from threads: they only set a number)."""

    def __init__(self, units: UnitsOfWork, document: Document, interval: float = 1.0) -> None:
        self._units = units
        self._document = document
        self._interval = interval
        self._latest = self._written = 0.0

    def report(self, share: float) -> None:
        self._latest = share

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._write_every_interval())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _write_every_interval(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            share = self._latest
            if share <= self._written:
                continue
            try:
                async with self._units(self._document.tenant_id) as transaction:
                    await transaction.documents.set_progress(
                        self._document.tenant_id, self._document.id, share
                    )
                    await transaction.commit()
            except NotFound:  # deleted meanwhile: the next checkpoint abandons the run
                return
            self._written = share


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


class _Abandoned(Exception):
    """The document stopped wanting this run (deleted, or its deletion began) while it ran."""


def retrying_runner(
    service: IngestService,
    attempts: int,
    *,
    backoff_seconds: float = 0.5,
    sleep: Sleep = asyncio.sleep,
    reraise: bool = False,
) -> JobRunner:
    """Run an ingestion job; a retryable ProviderUnavailable is retried with exponential backoff
    (`sleep` is injectable, so tests need not wait it out). The service counts attempts and fails the
    document at its limit, so at most `attempts` runs happen here. With `reraise`, the last
    ProviderUnavailable goes to the caller (which queues the job again) instead of being logged."""

    async def run(job: Job) -> str:
        ingest = job.as_ingest()
        for attempt in range(1, attempts + 1):
            try:
                status = await service.run(ingest)
                return status.value if status else "skipped"
            except ProviderUnavailable as error:
                if reraise and attempt == attempts:
                    raise
                log.warning("ingestion of %s: attempt %d/%d: %s", job.subject, attempt, attempts, error)
                await sleep(backoff_seconds * 2 ** (attempt - 1))
        return "failed"

    return run


def _now() -> datetime:
    return datetime.now(UTC)
