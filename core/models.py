"""Value objects shared by ports and use cases."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NewType

TenantId = NewType("TenantId", str)
DocumentId = NewType("DocumentId", str)

DEFAULT_TENANT = TenantId("default")

Vector = Sequence[float]


class DocumentStatus(enum.StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Modality(enum.StrEnum):
    TEXT = "text"
    AUDIO = "audio"
    IMAGE = "image"
    VIDEO = "video"


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


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of extracted text and where it sits in the original (page, or seconds of media)."""

    text: str
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor found in an original: an optional title and ordered segments."""

    segments: Sequence[Segment]
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable piece of a document. `embed_text` is what the embedder sees."""

    ordinal: int
    text: str
    embed_text: str
    page: int | None = None
    start_seconds: float | None = None


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

    KEYS_WITHOUT_TEXT = ("document_id", "title", "source", "ordinal", "page", "start_seconds", "point_id")

    def to_dict(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "source": self.source,
            "ordinal": self.ordinal,
            "text": self.text,
            "page": self.page,
            "start_seconds": self.start_seconds,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ChunkPayload:
        page = data.get("page")
        start = data.get("start_seconds")
        return cls(
            document_id=DocumentId(str(data["document_id"])),
            title=str(data.get("title") or ""),
            source=str(data.get("source") or ""),
            ordinal=int(data["ordinal"]),  # type: ignore[call-overload]
            text=str(data.get("text") or ""),
            page=int(page) if page is not None else None,  # type: ignore[call-overload]
            start_seconds=float(start) if start is not None else None,  # type: ignore[arg-type]
        )


@dataclass(frozen=True, slots=True)
class VectorPoint:
    """One chunk as the vector index stores it."""

    id: str
    dense: Vector
    payload: ChunkPayload
    sparse: SparseVector | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """`with_text=False` leaves `ChunkPayload.text` empty: cheaper when only the ranking matters."""

    dense: Vector
    limit: int = 10
    sparse: SparseVector | None = None
    with_text: bool = True


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
class Prompt:
    question: str
    passages: Sequence[Passage]
    history: Sequence[Message] = ()


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


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    text: str


@dataclass(frozen=True, slots=True)
class AnswerDone:
    answer: str
    citations: Sequence[Citation] = field(default_factory=tuple)


AnswerEvent = AnswerDelta | AnswerDone


@dataclass(frozen=True, slots=True)
class IngestJob:
    tenant_id: TenantId
    document_id: DocumentId
    modality: Modality = Modality.TEXT


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
class CachedAnswer:
    answer: str
    citations: Sequence[Citation]
