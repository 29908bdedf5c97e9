"""Ports: what the use cases need from the outside world.

Every method that touches tenant data takes a `TenantId`; adapters scope every read, write and
delete by it, so no call can reach another tenant's data. Errors raised are from `core.errors`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol, runtime_checkable

from .models import (
    ApiKey,
    AuditEvent,
    AuditRecord,
    CachedAnswer,
    Document,
    DocumentId,
    DocumentStatus,
    Extraction,
    IngestJob,
    Prompt,
    Quotas,
    SearchHit,
    SearchQuery,
    SparseVector,
    Tenant,
    TenantId,
    TenantStatus,
    TenantUsage,
    Vector,
    VectorPoint,
)


@runtime_checkable
class HealthCheck(Protocol):
    async def health(self) -> None:
        """Return when the backing service answers; raise ProviderUnavailable otherwise."""


class BlobStore(Protocol):
    """Original uploads and derived media, addressed by (tenant, key)."""

    async def put(self, tenant: TenantId, key: str, data: bytes, media_type: str) -> None:
        """Store `data` under `key`, replacing what was there. Keys are relative, '/'-separated."""

    async def get(self, tenant: TenantId, key: str) -> bytes:
        """Return the bytes under `key`; NotFound if absent (or another tenant's)."""

    async def delete(self, tenant: TenantId, key: str) -> None:
        """Remove `key`. Idempotent: deleting a missing key is not an error."""

    async def delete_tenant(self, tenant: TenantId) -> int:
        """Remove every blob of the tenant; return how many were removed."""


class MetadataStore(Protocol):
    """Tenants, their API keys, documents and their ingestion status. Each call is one transaction.

    Tenant data is read and written under the tenant's scope only (row-level security where the
    database has it). The directory calls (`get_tenant`, `list_tenants`, `find_api_key`) are the
    only ones that read across tenants; they serve authentication and the administrator.
    """

    async def add_tenant(self, tenant: Tenant) -> Tenant:
        """Insert a tenant; Conflict if the id is taken."""

    async def get_tenant(self, tenant_id: TenantId) -> Tenant:
        """Return the tenant (whatever its status); NotFound if it never existed."""

    async def list_tenants(self, *, limit: int = 100, offset: int = 0) -> Sequence[Tenant]:
        """Every tenant, oldest first."""

    async def set_tenant_status(self, tenant_id: TenantId, status: TenantStatus) -> Tenant:
        """Set the lifecycle status; NotFound if the tenant never existed."""

    async def set_tenant_limits(
        self, tenant_id: TenantId, *, max_documents: int | None, max_bytes: int | None
    ) -> Tenant:
        """Replace the tenant's own quotas (None: the configured default); NotFound if it never existed."""

    async def tenant_usage(self, tenant: TenantId) -> TenantUsage:
        """How many documents the tenant has and their total size in bytes."""

    async def purge_tenant(self, tenant: TenantId) -> dict[str, int]:
        """Delete every document row and API key of the tenant (the tenant row stays, for the
        record); return the count removed per table. Idempotent."""

    async def add_api_key(self, key: ApiKey) -> ApiKey:
        """Store a key (hash only); Conflict if the id is taken."""

    async def find_api_key(self, key_id: str) -> tuple[ApiKey, Tenant] | None:
        """The key with this public id (revoked or not) and its tenant, read together for
        authentication; None if the id is unknown."""

    async def list_api_keys(self, tenant: TenantId) -> Sequence[ApiKey]:
        """The tenant's keys, oldest first, revoked ones included."""

    async def revoke_api_key(self, tenant: TenantId, key_id: str) -> ApiKey:
        """Mark the tenant's key revoked (idempotent); NotFound if the tenant has no such key."""

    async def add_document(self, document: Document, *, limits: Quotas = Quotas()) -> Document:
        """Insert a new document. Conflict if the tenant already has one with the same content hash;
        QuotaExceeded (and nothing written) if the tenant would pass `limits`, checked atomically
        with the insert so that concurrent uploads cannot overshoot."""

    async def get_document(self, tenant: TenantId, document_id: DocumentId) -> Document:
        """Return the document; NotFound if it does not exist for this tenant."""

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Document | None:
        """Return the tenant's document with these exact bytes, if any."""

    async def list_documents(
        self, tenant: TenantId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[Document]:
        """The tenant's documents, newest first."""

    async def update_status(
        self,
        tenant: TenantId,
        document_id: DocumentId,
        status: DocumentStatus,
        *,
        error: str | None = None,
        chunk_count: int | None = None,
    ) -> Document:
        """Set the status (and the failure reason or chunk count); NotFound if absent."""

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Delete the document row; NotFound if absent."""


class AuditLog(Protocol):
    """Append-only, hash-chained, signed record of every action.

    Each tenant has its own chain (`chain == tenant_id`); events without a tenant go to the
    system chain `SYSTEM_CHAIN`. Records are never updated or deleted, also not when the tenant is.
    """

    async def append(self, event: AuditEvent) -> AuditRecord:
        """Link, sign and store the event after the last record of its chain; return the record."""

    async def chains(self) -> Sequence[str]:
        """The names of every chain that has records."""

    async def read(self, chain: str, *, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditRecord]:
        """Records of one chain with seq > after_seq, in seq order, as stored (not verified)."""

    def signature_valid(self, record: AuditRecord) -> bool:
        """Whether `record.signature` is a valid signature of `record.hash` by a trusted key."""


class VectorIndex(Protocol):
    """Chunk vectors and payloads. The tenant filter is forced inside the adapter on every call."""

    async def upsert(self, tenant: TenantId, points: Sequence[VectorPoint]) -> None:
        """Insert or replace points by id (idempotent); each is stamped with `tenant`."""

    async def search(self, tenant: TenantId, query: SearchQuery) -> Sequence[SearchHit]:
        """At most `query.limit` of the tenant's points, best first (dense, sparse or hybrid)."""

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Remove every point of the tenant's document. Idempotent."""

    async def delete_tenant(self, tenant: TenantId) -> None:
        """Remove every point of the tenant. Idempotent."""

    async def count(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """How many points the tenant (or one of its documents) has."""


class TextEmbedder(Protocol):
    """Dense text embeddings; CPU-bound work runs off the event loop."""

    @property
    def dimension(self) -> int:
        """Length of every vector returned."""

    async def embed_documents(self, texts: Sequence[str]) -> Sequence[Vector]:
        """One vector per text, in order."""

    async def embed_query(self, text: str) -> Vector:
        """The vector of a search query (some models embed queries differently)."""


class ImageEmbedder(Protocol):
    """Images and text in one space (CLIP-style)."""

    async def embed_images(self, images: Sequence[bytes]) -> Sequence[Vector]:
        """One vector per encoded image, in order."""

    async def embed_text(self, text: str) -> Vector:
        """A text query in the image space."""


class SparseEncoder(Protocol):
    """Sparse lexical vectors (BM25-style); term ids are stable across processes."""

    def encode_documents(self, texts: Sequence[str]) -> Sequence[SparseVector]:
        """One sparse vector per text, in order."""

    def encode_query(self, text: str) -> SparseVector:
        """The sparse vector of a query."""


class Reranker(Protocol):
    """Reorders search candidates by relevance to the query."""

    async def rerank(self, query: str, hits: Sequence[SearchHit], top_n: int) -> Sequence[SearchHit]:
        """The best `top_n` of `hits`, best first, with the reranker's scores."""


class MediaExtractor(Protocol):
    """Turns an original's bytes into timed or paged text segments."""

    @property
    def media_types(self) -> frozenset[str]:
        """Media types this extractor handles."""

    async def extract(self, data: bytes, media_type: str, filename: str) -> Extraction:
        """Segments in reading order; ExtractionFailed with the reason if the bytes are unusable."""


class PiiScrubber(Protocol):
    """Masks personal data before anything is embedded, indexed, cached or logged."""

    async def scrub(self, texts: Sequence[str]) -> Sequence[str]:
        """The texts with personal data replaced by placeholders, in order."""


class ChatModel(Protocol):
    """Writes an answer to a prompt, citing passages as [marker]."""

    def stream(self, prompt: Prompt) -> AsyncIterator[str]:
        """Answer deltas in order; their concatenation is the answer."""


class SemanticCache(Protocol):
    """Tenant-scoped answers keyed by query meaning."""

    async def get(self, tenant: TenantId, query: Vector) -> CachedAnswer | None:
        """A cached answer to a close-enough query of the same tenant, or None."""

    async def put(self, tenant: TenantId, query: Vector, answer: CachedAnswer) -> None:
        """Remember an answer for the tenant."""

    async def invalidate(self, tenant: TenantId) -> None:
        """Forget every answer of the tenant (its corpus changed)."""


class JobQueue(Protocol):
    """Ingestion jobs, one queue per modality. At-least-once: handlers must be idempotent."""

    async def enqueue(self, job: IngestJob) -> None:
        """Queue the job; ProviderUnavailable if the broker cannot take it."""
