"""Value objects shared by ports and use cases."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, NewType

from .errors import InvalidTransition

if TYPE_CHECKING:
    from .evidence import Reading

TenantId = NewType("TenantId", str)
DocumentId = NewType("DocumentId", str)
ChatId = NewType("ChatId", str)

DEFAULT_TENANT = TenantId("default")
SYSTEM_CHAIN = "_system"  # the audit chain of events that belong to no tenant

Vector = Sequence[float]


class DocumentStatus(enum.StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    DELETING = "deleting"  # not searchable; its vectors, original and row are being removed


HIDDEN_STATUSES = (DocumentStatus.PROCESSING, DocumentStatus.DELETING)


def is_unsearchable(status: DocumentStatus, attempts: int) -> bool:
    """Whether a document's points, if it has any, must not be found: it is being indexed or deleted,
    or queued again after a failed attempt (a document queued for the first time has none)."""
    return status in HIDDEN_STATUSES or (status == DocumentStatus.QUEUED and attempts > 0)


class TenantStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class Modality(enum.StrEnum):
    TEXT = "text"
    AUDIO = "audio"
    IMAGE = "image"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class Tenant:
    """A customer. `max_documents`/`max_bytes` override the configured quotas (None: use them)."""

    id: TenantId
    name: str
    status: TenantStatus
    created_at: datetime
    updated_at: datetime
    max_documents: int | None = None
    max_bytes: int | None = None
    corpus_version: int = 0
    embedding_space: str | None = None  # the space its searches use (None: the configured one)
    reindex_cursor: str | None = None  # where an unfinished `ragloom reindex` of it goes on


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A tenant's API key as stored: `id` is the public lookup prefix, the secret only as a hash."""

    id: str
    tenant_id: TenantId
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TenantUsage:
    documents: int
    bytes: int


@dataclass(frozen=True, slots=True)
class Document:
    """An uploaded original and where its ingestion stands."""

    id: DocumentId
    tenant_id: TenantId
    title: str
    filename: str
    media_type: str
    size_bytes: int
    content_hash: str
    blob_key: str
    status: DocumentStatus
    created_at: datetime
    updated_at: datetime
    error: str | None = None
    chunk_count: int = 0
    attempts: int = 0  # ingestion runs started, kept across restarts
    pii_entities: Mapping[str, int] = field(default_factory=dict)  # masked before indexing, per type
    progress: float = 0.0  # share of ingestion done while it runs, 0..1; 1 once ready
    parent_id: DocumentId | None = None  # the message an attachment came in, for an attachment

    def moved_to(
        self,
        status: DocumentStatus,
        now: datetime,
        *,
        error: str | None = None,
        chunk_count: int | None = None,
        pii_entities: Mapping[str, int] | None = None,
    ) -> Document:
        """The document in `status` (with the failure reason, chunk count or masked-entity counts;
        `ready` sets the progress to 1). InvalidTransition if the lifecycle forbids the move: a
        document is queued, processed (again after a crash or a retry), then ready or failed, and
        may be marked deleting from any status but that one."""
        if status not in _NEXT_STATUSES[self.status]:
            raise InvalidTransition(
                f"document {self.id} is {self.status.value}; it cannot become {status.value}"
            )
        return replace(
            self,
            status=status,
            error=error,
            chunk_count=self.chunk_count if chunk_count is None else chunk_count,
            pii_entities=self.pii_entities if pii_entities is None else dict(pii_entities),
            progress=1.0 if status == DocumentStatus.READY else self.progress,
            updated_at=now,
        )

    def attempt_begun(self, now: datetime) -> Document:
        """The document processing its next ingestion attempt, counted, with its progress at 0."""
        processing = self.moved_to(DocumentStatus.PROCESSING, now, error=self.error)
        return replace(processing, attempts=self.attempts + 1, progress=0.0)


_NEXT_STATUSES: Mapping[DocumentStatus, frozenset[DocumentStatus]] = {
    DocumentStatus.QUEUED: frozenset(
        {DocumentStatus.PROCESSING, DocumentStatus.FAILED, DocumentStatus.DELETING}
    ),
    DocumentStatus.PROCESSING: frozenset(
        {
            DocumentStatus.PROCESSING,
            DocumentStatus.QUEUED,
            DocumentStatus.READY,
            DocumentStatus.FAILED,
            DocumentStatus.DELETING,
        }
    ),
    DocumentStatus.READY: frozenset({DocumentStatus.DELETING}),
    DocumentStatus.FAILED: frozenset({DocumentStatus.DELETING}),
    DocumentStatus.DELETING: frozenset(),
}


Box = tuple[int, int, int, int]  # a line of text in a picture: left, top, right, bottom, in pixels


def _box(values: Sequence[object]) -> Box:
    left, top, right, bottom = (int(v) for v in values)  # type: ignore[call-overload]
    return (left, top, right, bottom)


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line of text read in a picture, and where it is."""

    text: str
    box: Box


def frames_prefix(document_id: DocumentId) -> str:
    """Where a video's keyframe thumbnails are kept in the blob store, beside its original."""
    return f"documents/{document_id}/frames/"


def frame_key(document_id: DocumentId, frame: int) -> str:
    return f"{frames_prefix(document_id)}{frame}.jpg"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of extracted text and where it sits in the original (page, or seconds of media)."""

    text: str
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    track: str | None = None  # in a video: "speech" (the audio track) or "frame" (text shown)
    frame: int | None = None  # in a video: the keyframe (from 1) whose text this is
    boxes: Sequence[Box] = ()  # in a picture: where its lines of text are


@dataclass(frozen=True, slots=True)
class Picture:
    """A small JPEG of what an original shows: the image itself, one of a video's keyframes (with
    its number and the time it covers), or a picture inside a document (with its page or slide, and
    the segment holding the text read in it, if any). Pictures are what an image embedder sees; a
    keyframe's is also kept as its thumbnail."""

    jpeg: bytes
    frame: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    inside: bool = False  # a picture inside a document, not the original itself
    page: int | None = None
    segment: int | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that came inside an original (an e-mail's attachment): it becomes a document of its own,
    linked to the original."""

    filename: str
    declared_type: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor found in an original: an optional title, ordered segments, pictures, and the
    files it carries to be ingested as documents of their own."""

    segments: Sequence[Segment]
    title: str | None = None
    pictures: Sequence[Picture] = ()
    attachments: Sequence[Attachment] = ()


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable piece of a document. `embed_text` is what the embedder sees."""

    ordinal: int
    text: str
    embed_text: str
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    track: str | None = None
    frame: int | None = None
    boxes: Sequence[Box] = ()


@dataclass(frozen=True, slots=True)
class SparseVector:
    indices: Sequence[int]
    values: Sequence[float]


@dataclass(frozen=True, slots=True)
class ChunkPayload:
    """What the index stores beside a chunk's vectors (the tenant is stamped by the adapter)."""

    document_id: DocumentId
    title: str
    source: str
    ordinal: int
    text: str
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    track: str | None = None
    frame: int | None = None
    boxes: Sequence[Box] = ()

    KEYS_OF_A_RANKING = ("document_id", "ordinal", "point_id")

    def to_dict(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "source": self.source,
            "ordinal": self.ordinal,
            "text": self.text,
            "page": self.page,
            "start_seconds": self.start_seconds,
            "end_seconds": self.end_seconds,
            "track": self.track,
            "frame": self.frame,
            "boxes": [list(box) for box in self.boxes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ChunkPayload:
        page = data.get("page")
        start = data.get("start_seconds")
        end = data.get("end_seconds")
        track, frame = data.get("track"), data.get("frame")
        boxes = data.get("boxes")
        return cls(
            document_id=DocumentId(str(data["document_id"])),
            title=str(data.get("title") or ""),
            source=str(data.get("source") or ""),
            ordinal=int(data["ordinal"]),  # type: ignore[call-overload]
            text=str(data.get("text") or ""),
            page=int(page) if page is not None else None,  # type: ignore[call-overload]
            start_seconds=float(start) if start is not None else None,  # type: ignore[arg-type]
            end_seconds=float(end) if end is not None else None,  # type: ignore[arg-type]
            track=str(track) if track is not None else None,
            frame=int(frame) if frame is not None else None,  # type: ignore[call-overload]
            boxes=tuple(_box(b) for b in boxes) if boxes else (),  # type: ignore[attr-defined]
        )


@dataclass(frozen=True, slots=True)
class VectorPoint:
    """One chunk as the vector index stores it: a text chunk has a dense (and maybe a sparse)
    vector; a picture has only an `image` vector (its `dense` is empty)."""

    id: str
    dense: Vector
    payload: ChunkPayload
    sparse: SparseVector | None = None
    image: Vector | None = None


@dataclass(frozen=True, slots=True)
class StoredPoint:
    """A point read back from the index: its id, payload and picture vector. Its text vectors are
    left out: they belong to the embedding space they were made in."""

    id: str
    payload: ChunkPayload
    image: Vector | None = None


@dataclass(frozen=True, slots=True)
class EmbeddingSpaceRecord:
    """An embedding space: the text embedder that made its vectors (adapter name and settings, so
    it can be opened again to search the space) and their dimension. `name` is derived from the
    model's name and the dimension, and names the space's collection."""

    name: str
    adapter: str
    settings: Mapping[str, object]
    dimension: int


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """`ranking_only` fills only each hit's document id and ordinal (the rest of the payload is left
    empty): much cheaper when only the ranking matters, as for an evaluation's hundreds of hits.
    `image`: the query in the image embedder's space, searched against pictures and fused in.
    `hidden_documents`: documents whose points must not be found (being indexed or deleted)."""

    dense: Vector
    limit: int = 10
    sparse: SparseVector | None = None
    ranking_only: bool = False
    image: Vector | None = None
    hidden_documents: frozenset[DocumentId] = frozenset()


@dataclass(frozen=True, slots=True)
class SearchHit:
    point_id: str
    score: float
    payload: ChunkPayload


@dataclass(frozen=True, slots=True)
class Message:
    role: str
    content: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved chunk as the chat model sees it: cite it as [marker]."""

    marker: int
    text: str
    title: str


@dataclass(frozen=True, slots=True)
class Grounding:
    """The question and the retrieved passages behind a prompt, for models that work on them
    directly. `search`: the question as it was searched, standalone (a follow-up rewritten with
    the dialogue); empty when it is the question itself. `reading`: what the passages say to the
    standalone question (core.evidence), when the answer service has read them already."""

    question: str
    passages: Sequence[Passage]
    history: Sequence[Message] = ()
    search: str = ""
    reading: Reading | None = None

    @property
    def standalone(self) -> str:
        return self.search or self.question


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """Sampling limits a chat model honours where it can (None: the model's own default)."""

    max_tokens: int | None = None
    temperature: float | None = None
    stop: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """What a chat model is asked: the rendered messages (system, history, user) and their grounding."""

    messages: Sequence[Message]
    grounding: Grounding
    options: GenerationOptions = GenerationOptions()


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class ChatDelta:
    """A piece of the answer. The last one of a stream carries `finish_reason` ('stop' or 'length')
    and, where the model counts them, `usage`."""

    text: str = ""
    finish_reason: str | None = None
    usage: Usage | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    marker: int
    document_id: DocumentId
    title: str
    source: str
    chunk: int
    score: float
    text: str
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    media_type: str | None = None  # the cited document's (None if it was deleted meanwhile)
    track: str | None = None  # in a video: "speech" or "frame"
    frame: int | None = None  # in a video: the keyframe, its thumbnail at /v1/documents/{id}/frames/{n}
    boxes: Sequence[Box] = ()  # in a picture or keyframe: where the cited text is


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    text: str


@dataclass(frozen=True, slots=True)
class AnswerDone:
    """The whole answer. `no_answer`: the documents do not answer the question, and the answer says
    so. `chat_id`: the chat the exchange was appended to, if any. `usage` and `finish_reason` are
    the chat model's (no usage when no model was asked, or the model does not count)."""

    answer: str
    citations: Sequence[Citation] = field(default_factory=tuple)
    no_answer: bool = False
    chat_id: ChatId | None = None
    usage: Usage | None = None
    finish_reason: str = "stop"
    cached: bool = False  # from the semantic cache: no retrieval, no generation


@dataclass(frozen=True, slots=True)
class Chat:
    """A stored conversation of one tenant; its messages are read through the chat repository."""

    id: ChatId
    tenant_id: TenantId
    created_at: datetime
    updated_at: datetime
    message_count: int = 0


@dataclass(frozen=True, slots=True)
class Reference:
    """What a stored answer cited: enough to find the passage again, not its text."""

    marker: int
    document_id: DocumentId
    chunk: int
    score: float
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    media_type: str | None = None
    track: str | None = None
    frame: int | None = None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One turn of a chat, numbered from 1 by `seq`. An assistant turn keeps what it cited, the model
    that wrote it, how long it took, whether the cache answered, whether it abstained, and, when
    the stream broke off (`finished` False), the partial text and the error."""

    tenant_id: TenantId
    chat_id: ChatId
    role: str  # "user" or "assistant"
    content: str
    created_at: datetime
    seq: int = 0
    references: Sequence[Reference] = field(default_factory=tuple)
    model: str | None = None
    latency_ms: int | None = None
    cached: bool = False
    no_answer: bool = False
    finished: bool = True
    error: str | None = None


AnswerEvent = AnswerDelta | AnswerDone


@dataclass(frozen=True, slots=True)
class IngestJob:
    """What the ingestion service is asked to do: index one document."""

    tenant_id: TenantId
    document_id: DocumentId
    modality: Modality = Modality.TEXT


class JobKind(enum.StrEnum):
    INGEST = "ingest"
    DELIVER_WEBHOOK = "webhook.deliver"
    ERASE_DOCUMENT = "document.erase"  # finish a deletion its request left half done
    ERASE_TENANT = "tenant.erase"  # finish a tenant's purge its request left half done
    REINDEX_TENANT = "tenant.reindex"  # move a tenant's points into the configured embedding space
    TELL_OPERATOR = "webhook.tell_operator"  # write the operator's deliveries of a tenant's deletion


@dataclass(frozen=True, slots=True)
class Job:
    """Work for a worker pool. `subject` is what the job is about (the document, the delivery): a
    queue holds one job per kind and subject, and cancels by subject. `lane` is the pool whose queue
    carries it (ingestion goes to its modality's pool; other work to the text pool, which every
    deployment runs). At-least-once: a handler must be idempotent."""

    kind: JobKind
    tenant_id: TenantId
    subject: str
    lane: Modality = Modality.TEXT
    payload: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def ingest(cls, job: IngestJob) -> Job:
        return cls(JobKind.INGEST, job.tenant_id, job.document_id, job.modality)

    @classmethod
    def deliver_webhook(cls, owner: TenantId, delivery_id: str, attempt: int) -> Job:
        """One attempt at a webhook delivery; each attempt is a job of its own."""
        subject = f"{delivery_id}/{attempt}"
        return cls(JobKind.DELIVER_WEBHOOK, owner, subject, Modality.TEXT, {"delivery_id": delivery_id})

    @classmethod
    def erase_document(cls, tenant: TenantId, document: DocumentId) -> Job:
        return cls(JobKind.ERASE_DOCUMENT, tenant, document)

    @classmethod
    def erase_tenant(cls, tenant: TenantId) -> Job:
        return cls(JobKind.ERASE_TENANT, tenant, tenant)

    @classmethod
    def tell_operator(cls, tenant: TenantId, receipt: Mapping[str, int]) -> Job:
        """The deletion of `tenant`, for the operator's webhook endpoints."""
        payload = {"receipt": json.dumps(dict(receipt))}
        return cls(JobKind.TELL_OPERATOR, tenant, tenant, Modality.TEXT, payload)

    @classmethod
    def reindex_tenant(cls, tenant: TenantId) -> Job:
        return cls(JobKind.REINDEX_TENANT, tenant, tenant)

    @property
    def key(self) -> tuple[JobKind, str]:
        return self.kind, self.subject

    def as_ingest(self) -> IngestJob:
        return IngestJob(self.tenant_id, DocumentId(self.subject), self.lane)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A job written in the same unit of work as the rows it concerns, kept until it is published to
    the queue (at least once: a crash after publishing and before removing it publishes it again).
    The relay publishes it once `due_at` has passed: a while after it was written for a job its
    writer publishes itself, later for a job scheduled to run then (a retry)."""

    id: str
    job: Job
    created_at: datetime
    due_at: datetime

    @property
    def tenant_id(self) -> TenantId:
        return self.job.tenant_id


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks for an action, as the audit trail names them (never personal data)."""

    actor: str
    request_id: str | None = None


SYSTEM_CALLER = Caller("system")


@dataclass(frozen=True, slots=True)
class Quotas:
    """Per-tenant limits; 0 means unlimited."""

    max_documents: int = 0
    max_bytes: int = 0


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """An action to record. `details` must hold no personal data."""

    tenant_id: TenantId | None
    actor: str
    action: str
    target: str
    request_id: str | None = None
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """A stored audit record: one link of its chain (one chain per tenant, plus the system chain).

    `hash` is SHA-256 over the canonical body (which includes `prev_hash`); `signature` is the
    signer's signature of `hash`, made with the key whose fingerprint is `key_id`.
    """

    chain: str
    seq: int
    time: datetime
    tenant_id: TenantId | None
    actor: str
    action: str
    target: str
    request_id: str | None
    details: Mapping[str, object]
    prev_hash: str
    hash: str
    signature: str
    key_id: str


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    answer: str
    citations: Sequence[Citation]


@dataclass(frozen=True, slots=True)
class Mask:
    """One masked span: `start`..`end` of the original text became `masked_start`..`masked_end` of
    the masked one (offsets only: a mask never carries the value it hides)."""

    start: int
    end: int
    entity: str
    masked_start: int
    masked_end: int


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """A text with its personal data masked, how many entities of each type were masked, and where."""

    text: str
    entities: Mapping[str, int] = field(default_factory=dict)
    masks: Sequence[Mask] = ()


SYSTEM_OWNER = TenantId(SYSTEM_CHAIN)  # the owner of the operator's endpoints (tenant events)
TENANT_WEBHOOK_EVENTS = ("document.ready", "document.failed", "document.deleted", "chat.deleted")
SYSTEM_WEBHOOK_EVENTS = ("tenant.deleted",)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # not yet delivered; tried again at `next_attempt_at`
    DELIVERED = "delivered"
    FAILED = "failed"  # given up: every attempt failed, or its endpoint was disabled or deleted


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """Where a tenant (or, owned by SYSTEM_OWNER, the operator) wants events posted, signed
    with `secret` (Standard Webhooks: `whsec_` and base64). `failures` counts the failed attempts
    since the last delivered one; past the limit the endpoint is disabled."""

    id: str
    tenant_id: TenantId
    url: str
    event_types: tuple[str, ...]
    secret: str
    created_at: datetime
    enabled: bool = True
    failures: int = 0
    disabled_reason: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One event for one endpoint: its message id (the `webhook-id` header), the JSON body as sent
    (identifiers and counts, never document text), and what its attempts gave."""

    id: str
    endpoint_id: str
    tenant_id: TenantId
    event_type: str
    body: str
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    response_status: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookResponse:
    """What one attempt gave: the HTTP status, or the error that kept it from one."""

    status: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
