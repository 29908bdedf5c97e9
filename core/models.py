"""Value objects shared by ports and use cases."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, NewType

from .errors import Conflict, InvalidInput, InvalidTransition, QuotaExceeded
from .media import PPTX, base_type

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


MAX_NAME_CHARS = 200
MAX_LIMIT = 2**63 - 1  # the largest quota a 64-bit column holds
QUOTA_ADVICE = "delete documents or ask your administrator to raise the limit"
TENANT_LIMITS = ("max_documents", "max_bytes")


def tenant_name(name: object) -> str:
    """The name, stripped; InvalidInput unless it is 1 to MAX_NAME_CHARS printable characters."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("field 'name' must be a non-empty string")
    name = name.strip()
    if len(name) > MAX_NAME_CHARS or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise InvalidInput(f"field 'name' must be at most {MAX_NAME_CHARS} printable characters")
    return name


def tenant_limit(value: object, field: str) -> int | None:
    """A tenant's own quota: a whole number from 0 (unlimited) to MAX_LIMIT, or None (the configured
    default applies); InvalidInput otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LIMIT:
        raise InvalidInput(
            f"field {field!r} must be a whole number from 0 (unlimited) to {MAX_LIMIT}, or null"
        )
    return value


def tenant_limits(limits: Mapping[str, object]) -> dict[str, int | None]:
    """Limits to set, checked: one or both of TENANT_LIMITS, each valid to `tenant_limit`;
    InvalidInput otherwise."""
    if not limits or set(limits) - set(TENANT_LIMITS):
        raise InvalidInput("send one or both of 'max_documents' and 'max_bytes' (a number >= 0, or null)")
    return {field: tenant_limit(value, field) for field, value in limits.items()}


@dataclass(frozen=True, slots=True)
class Tenant:
    """A customer, and the rules of its lifecycle, its limits and its quotas. `max_documents` and
    `max_bytes` override the configured quotas (None: use them; 0: unlimited)."""

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

    @classmethod
    def new(
        cls,
        tenant_id: TenantId,
        name: object,
        now: datetime,
        *,
        max_documents: object = None,
        max_bytes: object = None,
        embedding_space: str | None = None,
    ) -> Tenant:
        """An active tenant; InvalidInput for a name or limit its rules refuse."""
        return cls(
            id=tenant_id,
            name=tenant_name(name),
            status=TenantStatus.ACTIVE,
            created_at=now,
            updated_at=now,
            max_documents=tenant_limit(max_documents, "max_documents"),
            max_bytes=tenant_limit(max_bytes, "max_bytes"),
            embedding_space=embedding_space,
        )

    def moved_to(self, status: TenantStatus, now: datetime) -> Tenant:
        """The tenant in `status`. InvalidTransition if the lifecycle forbids it: an active or a
        suspended tenant may be suspended, resumed (made active) or deleted, each again as often as
        asked; a deleted tenant is never anything else again."""
        if status not in _NEXT_TENANT_STATUSES[self.status]:
            raise InvalidTransition(
                f"tenant {self.id} is {self.status.value}; it cannot become {status.value}"
            )
        return replace(self, status=status, updated_at=now)

    def live(self) -> Tenant:
        """The tenant itself; Conflict if it is deleted (a retired tenant is changed no more, nor
        given keys)."""
        if self.status == TenantStatus.DELETED:
            raise Conflict(f"tenant {self.id} is deleted")
        return self

    def with_limits(self, limits: Mapping[str, object], now: datetime) -> Tenant:
        """The tenant with the limits named in `limits` replaced and the other kept (None: the
        configured default applies again). InvalidInput if `tenant_limits` refuses them; Conflict
        if the tenant is deleted."""
        checked = tenant_limits(limits)
        return replace(
            self.live(),
            max_documents=checked.get("max_documents", self.max_documents),
            max_bytes=checked.get("max_bytes", self.max_bytes),
            updated_at=now,
        )

    def quotas(self, defaults: Quotas) -> Quotas:
        """The limits that apply: its own where it has them, the configured defaults otherwise."""
        return Quotas(
            max_documents=defaults.max_documents if self.max_documents is None else self.max_documents,
            max_bytes=defaults.max_bytes if self.max_bytes is None else self.max_bytes,
        )

    def admit(self, size_bytes: int, usage: TenantUsage, defaults: Quotas) -> None:
        """Whether the tenant takes an upload of `size_bytes` now that it keeps `usage`: Conflict
        if it is not active, QuotaExceeded if the upload would pass one of its quotas (0: none)."""
        if self.status != TenantStatus.ACTIVE:
            raise Conflict(f"tenant {self.id} is {self.status.value}: it takes no uploads")
        limits = self.quotas(defaults)
        if limits.max_documents and usage.documents + 1 > limits.max_documents:
            raise QuotaExceeded(
                f"the tenant has {usage.documents} documents and its limit is {limits.max_documents}: "
                + QUOTA_ADVICE
            )
        after = usage.bytes + size_bytes
        if limits.max_bytes and after > limits.max_bytes:
            raise QuotaExceeded(
                f"this upload of {size_bytes} bytes would bring the tenant's stored bytes to {after}, "
                f"over its limit of {limits.max_bytes}: " + QUOTA_ADVICE
            )

    def searching(self, space: str, now: datetime, *, cursor: str | None = None) -> Tenant:
        """The tenant searching embedding space `space`, with an unfinished reindex of it into
        another space going on after `cursor` (None: none under way)."""
        return replace(self, embedding_space=space, reindex_cursor=cursor, updated_at=now)


_NEXT_TENANT_STATUSES: Mapping[TenantStatus, frozenset[TenantStatus]] = {
    TenantStatus.ACTIVE: frozenset(TenantStatus),
    TenantStatus.SUSPENDED: frozenset(TenantStatus),
    TenantStatus.DELETED: frozenset(),
}


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


def _clock(seconds: float) -> str:
    """`1:05`, or `1:02:05` past the hour."""
    whole = int(seconds)
    hours, minutes = divmod(whole // 60, 60)
    return f"{hours}:{minutes:02d}:{whole % 60:02d}" if hours else f"{minutes}:{whole % 60:02d}"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a passage sits in its original: its page (or slide, or sheet), the seconds of a
    recording it spans, in a video its track and keyframe, in a picture the boxes of its lines of
    text. Every part is optional: `Location()` is a plain text's, nowhere in particular. Stored and
    sent flat, as the `KEYS` beside the passage's other fields (`to_dict`, `from_dict`)."""

    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    track: str | None = None  # in a video: "speech" (the audio track) or "frame" (text shown)
    frame: int | None = None  # in a video: the keyframe (from 1), its thumbnail at frame_key()
    boxes: Sequence[Box] = ()  # in a picture or keyframe: where its lines of text are

    KEYS: ClassVar[tuple[str, ...]] = ("page", "start_seconds", "end_seconds", "track", "frame", "boxes")

    def __post_init__(self) -> None:
        # tuples of tuples: hashable, and equal however the boxes were given (lists, from JSON)
        object.__setattr__(self, "boxes", tuple(_box(box) for box in self.boxes))

    @property
    def window(self) -> tuple[float, float] | None:
        """The seconds of the recording it spans, when both ends are known."""
        if self.start_seconds is None or self.end_seconds is None:
            return None
        return (self.start_seconds, self.end_seconds)

    def overlaps(self, start: float, end: float) -> bool:
        """Whether it spans any of the seconds from `start` to `end` (never when it is not timed)."""
        window = self.window
        return window is not None and window[0] <= end and window[1] >= start

    def place(self, media_type: str | None = None) -> str:
        """Where to look, as a person does: `p.2` (`slide 2` in a presentation), `frame 6 at 1:05`,
        `0:13-0:18`; empty when it is nowhere in particular."""
        if self.page is not None:
            return f"slide {self.page}" if base_type(media_type or "") == PPTX else f"p.{self.page}"
        start, end = self.start_seconds, self.end_seconds
        if self.frame is not None:
            return f"frame {self.frame}" + (f" at {_clock(start)}" if start is not None else "")
        if start is not None:
            return f"{_clock(start)}-{_clock(end if end is not None else start)}"
        return ""

    def without_boxes(self) -> Location:
        """The same place without its boxes (a stored answer's reference keeps none)."""
        return replace(self, boxes=()) if self.boxes else self

    def to_dict(self) -> dict[str, object]:
        """The flat keys, as index payloads, cached answers and the HTTP API hold them."""
        return {
            "page": self.page,
            "start_seconds": self.start_seconds,
            "end_seconds": self.end_seconds,
            "track": self.track,
            "frame": self.frame,
            "boxes": [list(box) for box in self.boxes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Location:
        """Read from the flat keys of `to_dict` among others (a missing key: None, or no boxes)."""
        page, start, end = data.get("page"), data.get("start_seconds"), data.get("end_seconds")
        track, frame, boxes = data.get("track"), data.get("frame"), data.get("boxes")
        return cls(
            page=int(page) if page is not None else None,  # type: ignore[call-overload]
            start_seconds=float(start) if start is not None else None,  # type: ignore[arg-type]
            end_seconds=float(end) if end is not None else None,  # type: ignore[arg-type]
            track=str(track) if track is not None else None,
            frame=int(frame) if frame is not None else None,  # type: ignore[call-overload]
            boxes=boxes or (),  # type: ignore[arg-type]
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of extracted text and where it sits in the original (page, or seconds of media)."""

    text: str
    location: Location = Location()


@dataclass(frozen=True, slots=True)
class Picture:
    """A small JPEG of what an original shows: the image itself, one of a video's keyframes (with
    its number and the time it covers), or a picture inside a document (with its page or slide, and
    the segment holding the text read in it, if any). Pictures are what an image embedder sees; a
    keyframe's is also kept as its thumbnail."""

    jpeg: bytes
    location: Location = Location()  # a keyframe's frame and seconds; a picture's page inside
    inside: bool = False  # a picture inside a document, not the original itself
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
    location: Location = Location()


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
    location: Location = Location()

    KEYS_OF_A_RANKING = ("document_id", "ordinal", "point_id")

    def to_dict(self) -> dict[str, object]:
        """Flat: the location's keys beside the others, as indexes written before `Location` hold them."""
        return {
            "document_id": self.document_id,
            "title": self.title,
            "source": self.source,
            "ordinal": self.ordinal,
            "text": self.text,
            **self.location.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ChunkPayload:
        return cls(
            document_id=DocumentId(str(data["document_id"])),
            title=str(data.get("title") or ""),
            source=str(data.get("source") or ""),
            ordinal=int(data["ordinal"]),  # type: ignore[call-overload]
            text=str(data.get("text") or ""),
            location=Location.from_dict(data),
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
    # where the cited text is; a keyframe's thumbnail is at /v1/documents/{id}/frames/{frame}
    location: Location = Location()
    media_type: str | None = None  # the cited document's (None if it was deleted meanwhile)


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

    def appended(
        self, messages: Sequence[ChatMessage], now: datetime
    ) -> tuple[Chat, tuple[ChatMessage, ...]]:
        """The chat with `messages` after its last one, and those messages as it keeps them: its
        tenant's and its own, numbered on from its count. The count moves on, and `updated_at`."""
        numbered = tuple(
            replace(m, tenant_id=self.tenant_id, chat_id=self.id, seq=self.message_count + i)
            for i, m in enumerate(messages, start=1)
        )
        chat = replace(self, message_count=self.message_count + len(numbered), updated_at=now)
        return chat, numbered


@dataclass(frozen=True, slots=True)
class Reference:
    """What a stored answer cited: enough to find the passage again, not its text (nor the boxes
    of its location)."""

    marker: int
    document_id: DocumentId
    chunk: int
    score: float
    location: Location = Location()
    media_type: str | None = None


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
