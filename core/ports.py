"""Ports: what the use cases need from the outside world.

Every method that touches tenant data takes a `TenantId`; adapters scope every read, write and
delete by it, so no call can reach another tenant's data. Errors raised are from `core.errors`;
an adapter translates its vendor's exceptions into them. Cancelling a call (the task is cancelled)
leaves no partial state the port's own contract does not allow.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .models import (
    ApiKey,
    AuditRecord,
    CachedAnswer,
    Chat,
    ChatDelta,
    ChatId,
    ChatMessage,
    ChatRequest,
    Document,
    DocumentId,
    DocumentStatus,
    EmbeddingSpaceRecord,
    Extraction,
    Job,
    Message,
    Modality,
    OutboxEntry,
    Scrubbed,
    SearchHit,
    SearchQuery,
    Segment,
    SparseVector,
    StoredPoint,
    Tenant,
    TenantId,
    TenantUsage,
    TextLine,
    Vector,
    VectorPoint,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookResponse,
)


@runtime_checkable
class HealthCheck(Protocol):
    async def health(self) -> None:
        """Return when the backing service answers; raise ProviderUnavailable otherwise."""


class BlobStore(Protocol):
    """Original uploads and derived media, addressed by (tenant, key). Bytes stream: no call holds a
    whole blob in memory. Keys are relative, '/'-separated; InvalidInput for an unsafe key."""

    async def put(self, tenant: TenantId, key: str, chunks: AsyncIterable[bytes], media_type: str) -> int:
        """Store the streamed bytes under `key`, replacing what was there only once all arrived
        (a failed or cancelled put leaves the old blob or none); return the size in bytes."""

    def read(self, tenant: TenantId, key: str) -> AsyncIterator[bytes]:
        """The blob's bytes in chunks; NotFound (on first iteration) if absent or another tenant's."""

    def local_file(self, tenant: TenantId, key: str) -> AbstractAsyncContextManager[Path]:
        """A local file holding the blob, for parsers that need a seekable file, valid inside the
        context (a store that keeps blobs elsewhere downloads a temporary copy); NotFound if absent."""

    async def presigned_url(self, tenant: TenantId, key: str, expires_in: int) -> str | None:
        """A URL that GETs the blob without other credentials for `expires_in` seconds, or None when
        the store has no URLs of its own (the app then serves a signed URL of its own)."""

    async def delete(self, tenant: TenantId, key: str) -> None:
        """Remove `key`. Idempotent: deleting a missing key is not an error."""

    async def delete_tenant(self, tenant: TenantId) -> int:
        """Remove every blob of the tenant; return how many were removed."""

    def keys(self, tenant: TenantId, prefix: str = "") -> AsyncIterator[tuple[str, datetime]]:
        """The tenant's blob keys that start with `prefix`, each with when it was last written (UTC)."""


class TenantRepository(Protocol):
    """The tenant directory. Readable in the system scope and, for its own row, in a tenant's scope."""

    async def add(self, tenant: Tenant) -> Tenant:
        """Insert a tenant; Conflict if the id is taken."""

    async def get(self, tenant_id: TenantId, *, for_update: bool = False) -> Tenant:
        """The tenant (whatever its status); NotFound if it never existed. `for_update` holds the row
        until the unit of work ends, so a status check and the write it guards are atomic (every
        upload of the tenant holds it while it counts the tenant's usage and adds its document)."""

    async def list(self, *, limit: int = 100, offset: int = 0) -> Sequence[Tenant]:
        """Every tenant, oldest first (system scope)."""

    async def save(self, tenant: Tenant) -> Tenant:
        """Write a changed tenant (name, status, limits, embedding space and reindex cursor,
        updated_at) as the aggregate's rules made it (Tenant.moved_to, with_limits, searching) and
        return it as stored; NotFound if it never existed. Read it with `for_update` first. The
        corpus version is not written: it only moves through `bump_corpus_version`."""

    async def bump_corpus_version(self, tenant_id: TenantId) -> int:
        """Increment and return the tenant's corpus version (what a cached answer was built on), in
        one atomic step: an event handler bumps it inside the transaction of whatever changed the
        corpus, so it takes no read of its own."""

    async def adopt_space(self, space: str) -> int:
        """Give every tenant with no embedding space recorded this one (system scope); how many."""


class EmbeddingSpaceRepository(Protocol):
    """The embedding spaces ever configured, so a space tenants still search can be opened with the
    embedder that made it. System scope; holds no tenant data."""

    async def register(self, space: EmbeddingSpaceRecord) -> EmbeddingSpaceRecord:
        """Store the space unless one of its name exists; the stored record either way."""

    async def get(self, name: str) -> EmbeddingSpaceRecord | None:
        """The space of that name, if it was ever registered."""

    async def in_use(self) -> Sequence[str]:
        """The names of the spaces some tenant's searches use."""


class ApiKeyRepository(Protocol):
    """API keys; only their secrets' hashes are stored."""

    async def add(self, key: ApiKey) -> ApiKey:
        """Store a key; Conflict if the id is taken."""

    async def find(self, key_id: str) -> tuple[ApiKey, Tenant] | None:
        """The key with this public id (revoked or not) and its tenant, read together for
        authentication (system scope); None if the id is unknown."""

    async def list(self, tenant: TenantId) -> Sequence[ApiKey]:
        """The tenant's keys, oldest first, revoked ones included."""

    async def revoke(self, tenant: TenantId, key_id: str) -> ApiKey:
        """Mark the tenant's key revoked (idempotent); NotFound if the tenant has no such key."""

    async def purge(self, tenant: TenantId) -> int:
        """Delete every key of the tenant; return how many."""


class DocumentRepository(Protocol):
    """Documents and their ingestion status, in the tenant's scope only."""

    async def add(self, document: Document) -> Document:
        """Insert a new document; Conflict if the tenant already has one with the same id or content
        hash. Its tenant's quotas are the tenant's rules (Tenant.admit), checked in the same unit of
        work with the tenant's row held (`TenantRepository.get(for_update=True)`), so that
        concurrent uploads cannot overshoot."""

    async def get(self, tenant: TenantId, document_id: DocumentId, *, for_update: bool = False) -> Document:
        """The document; NotFound if it does not exist for this tenant. `for_update` holds the row
        until the unit of work ends (a status change elsewhere waits)."""

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Document | None:
        """The tenant's document with these exact bytes, if any."""

    async def list(
        self,
        tenant: TenantId,
        *,
        limit: int = 100,
        offset: int = 0,
        statuses: Collection[DocumentStatus] | None = None,
        parent_id: DocumentId | None = None,
    ) -> Sequence[Document]:
        """The tenant's documents (only those in `statuses`, and only the attachments of `parent_id`,
        when given), newest first."""

    async def ready(self, tenant: TenantId, document_ids: Collection[DocumentId]) -> set[DocumentId]:
        """Which of these documents of the tenant are ready (searchable)."""

    async def unsearchable(self, tenant: TenantId) -> set[DocumentId]:
        """The tenant's documents that may have points in the index but must not be found: being
        indexed (or again, after a failed attempt) and being deleted. Queued documents never tried
        have no points and are left out, so the set stays small during a bulk upload."""

    async def save(self, document: Document) -> Document:
        """Write a changed document's ingestion state (status, error, chunk count, attempts,
        masked-entity counts, progress, updated_at) as the aggregate's rules made it (see
        Document.moved_to); NotFound if its row is gone. Read it with `for_update` first."""

    async def set_progress(self, tenant: TenantId, document_id: DocumentId, share: float) -> None:
        """Record how far ingestion has come (0..1, clamped; a new attempt starts at 0);
        NotFound if absent."""

    async def delete(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Delete the document row; NotFound if absent."""

    async def usage(self, tenant: TenantId) -> TenantUsage:
        """How many documents the tenant has and their total size in bytes."""

    async def purge(self, tenant: TenantId) -> int:
        """Delete every document row of the tenant; return how many."""


class ChatRepository(Protocol):
    """A tenant's chats and their messages (tenant scope only)."""

    async def add(self, chat: Chat) -> Chat:
        """Store a new chat; Conflict if the id exists."""

    async def get(self, tenant: TenantId, chat_id: ChatId, *, for_update: bool = False) -> Chat:
        """The chat; NotFound if it does not exist or is another tenant's. `for_update` holds the row
        until the unit of work ends, so appends to one chat take turns."""

    async def list(self, tenant: TenantId, *, limit: int = 100, offset: int = 0) -> Sequence[Chat]:
        """The tenant's chats, newest first."""

    async def save(self, chat: Chat, appended: Sequence[ChatMessage] = ()) -> Chat:
        """Write a changed chat (message count, updated_at) and insert the messages appended to it,
        as the aggregate's rules made them (Chat.appended); NotFound if the chat is gone. Read it
        with `for_update` first."""

    async def messages(
        self, tenant: TenantId, chat_id: ChatId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[ChatMessage]:
        """Messages in order (oldest first), paged; NotFound for an unknown chat."""

    async def last_messages(self, tenant: TenantId, chat_id: ChatId, count: int) -> Sequence[ChatMessage]:
        """The chat's last `count` messages, oldest first; NotFound for an unknown chat."""

    async def delete(self, tenant: TenantId, chat_id: ChatId) -> None:
        """Delete the chat and its messages; NotFound for an unknown chat."""

    async def purge(self, tenant: TenantId) -> int:
        """Delete every chat of the tenant with its messages; return how many chats."""


class AuditRepository(Protocol):
    """Storage of the hash-chained audit records: one chain per tenant (`chain == tenant_id`) plus
    `SYSTEM_CHAIN`. Append-only: records are never updated or deleted, also not with their tenant."""

    async def head(self, chain: str) -> tuple[int, str]:
        """(seq, hash) of the chain's last record, (0, GENESIS_HASH) if empty. Holds the chain's tail
        until the unit of work ends, so no other writer appends to it meanwhile."""

    async def add(self, record: AuditRecord) -> None:
        """Store a linked, signed record after the head read in this unit of work."""

    async def chains(self) -> Sequence[str]:
        """The names of every chain that has records (system scope)."""

    async def read(self, chain: str, *, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditRecord]:
        """Records of one chain with seq > after_seq, in seq order, as stored (not verified)."""


class OutboxRepository(Protocol):
    """Jobs waiting to be published: written in a tenant's scope, relayed in the system scope."""

    async def add(self, entry: OutboxEntry) -> None:
        """Keep the entry until it is removed; it commits (or not) with the unit of work."""

    async def due(self, *, now: datetime, limit: int = 500) -> Sequence[OutboxEntry]:
        """Entries whose `due_at` is not after `now`, earliest first, held for this unit of work: a
        relay running elsewhere at the same time skips them (system scope only)."""

    async def remove(self, entry_ids: Collection[str]) -> None:
        """Forget published entries (in a tenant's scope, only that tenant's)."""


class WebhookRepository(Protocol):
    """Webhook endpoints and their deliveries. A tenant's scope reaches its own; the system scope
    reaches the operator's (owned by SYSTEM_OWNER)."""

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...

    async def get_endpoint(self, owner: TenantId, endpoint_id: str) -> WebhookEndpoint:
        """NotFound when the owner has no such endpoint."""

    async def list_endpoints(
        self, owner: TenantId, *, event_type: str | None = None
    ) -> Sequence[WebhookEndpoint]:
        """The owner's endpoints, oldest first; with `event_type`, the enabled ones that want it."""

    async def save_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Store the endpoint's new state (secret, enabled); NotFound if it is gone."""

    async def count_attempt(self, owner: TenantId, endpoint_id: str, *, delivered: bool) -> WebhookEndpoint:
        """Count an attempt at once (attempts running side by side lose no count): a delivered one
        sets `failures` to 0, a failed one adds 1. Returns the endpoint; NotFound if it is gone."""

    async def delete_endpoint(self, owner: TenantId, endpoint_id: str) -> None:
        """Remove the endpoint and its deliveries; NotFound when there is none."""

    async def add_delivery(self, delivery: WebhookDelivery) -> None: ...

    async def get_delivery(self, owner: TenantId, delivery_id: str) -> WebhookDelivery:
        """NotFound when the owner has no such delivery."""

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        """Store the delivery's new state; NotFound if it is gone (its endpoint was deleted)."""

    async def list_deliveries(
        self, owner: TenantId, endpoint_id: str, *, limit: int = 100, offset: int = 0
    ) -> Sequence[WebhookDelivery]:
        """The endpoint's deliveries, newest first."""

    async def purge(self, owner: TenantId) -> int:
        """Remove every endpoint and delivery of the owner (a deleted tenant); how many rows."""


class UnitOfWork(Protocol):
    """One transaction over the repositories; an async context manager that rolls back on exit
    unless `commit()` was called. Nested units of work are a programming error."""

    tenants: TenantRepository
    keys: ApiKeyRepository
    documents: DocumentRepository
    chats: ChatRepository
    audit: AuditRepository
    spaces: EmbeddingSpaceRepository
    outbox: OutboxRepository
    webhooks: WebhookRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def commit(self) -> None:
        """Make every write of this unit durable at once; ProviderUnavailable if the store fails."""


class MetadataStore(Protocol):
    """Opens units of work under a scope: a tenant (its rows only, enforced by the adapter and, on
    PostgreSQL, by row-level security) or None, the system scope (the tenant directory, keys by id,
    the system audit chain; no documents)."""

    def unit_of_work(self, scope: TenantId | None, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; `read_only` ones may not write and never wait for writers."""


class AuditSigner(Protocol):
    """Signs audit record hashes and checks signatures (Ed25519 in production)."""

    @property
    def key_id(self) -> str:
        """Fingerprint of the key that signs new records."""

    def sign(self, digest: str) -> str:
        """The signature of a record's hash."""

    def signature_valid(self, record: AuditRecord) -> bool:
        """Whether `record.signature` is a valid signature of `record.hash` by a trusted key."""

    def keyed_digest(self, text: str) -> str:
        """An HMAC-SHA-256 (hex) of `text` under a secret derived from the signing key: the trail can
        name a value (a question, a client address) that only the key's holder can recognise, and
        that a short value's plain hash would give away."""


class VectorIndex(Protocol):
    """Chunk vectors and payloads. The tenant filter is forced inside the adapter on every call."""

    @property
    def dense_dimension(self) -> int:
        """Length of the dense vectors the index stores (checked against the embedder at start)."""

    @property
    def image_dimension(self) -> int | None:
        """Length of the picture vectors it stores (checked against the image embedder at start);
        None: it stores no pictures."""

    async def upsert(self, tenant: TenantId, points: Sequence[VectorPoint]) -> None:
        """Insert or replace points by id (idempotent); each is stamped with `tenant`. InvalidInput
        (and nothing written) if any vector has the wrong dimension."""

    async def search(self, tenant: TenantId, query: SearchQuery) -> Sequence[SearchHit]:
        """At most `query.limit` of the tenant's points, best first: dense, sparse, or several of
        dense, sparse and image fused into one ranking."""

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Remove every point of the tenant's document. Idempotent."""

    async def delete_tenant(self, tenant: TenantId) -> None:
        """Remove every point of the tenant. Idempotent."""

    async def count(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """How many points the tenant (or one of its documents) has."""

    async def scroll(
        self, tenant: TenantId, *, after: str | None = None, limit: int = 256
    ) -> tuple[Sequence[StoredPoint], str | None]:
        """A page of at most `limit` of the tenant's points in a stable order, starting at the cursor
        `after` (None: the first page), and the cursor of the next page (None after the last)."""


class PointRemover(Protocol):
    """What deleting documents and tenants needs of the vector index (or of every embedding space)."""

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Remove every point of the tenant's document. Idempotent."""

    async def delete_tenant(self, tenant: TenantId) -> None:
        """Remove every point of the tenant. Idempotent."""

    async def count(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """How many points the tenant (or one of its documents) has."""


class TextEmbedder(Protocol):
    """Dense text embeddings; CPU-bound work runs off the event loop."""

    @property
    def name(self) -> str:
        """The model's name: two embedders of one name and dimension make interchangeable vectors,
        so a new name means a new embedding space (and a reindex)."""

    @property
    def dimension(self) -> int:
        """Length of every vector returned."""

    async def embed_documents(self, texts: Sequence[str]) -> Sequence[Vector]:
        """One vector per text, in order. Queries are not held up behind a running batch."""

    async def embed_query(self, text: str) -> Vector:
        """The vector of a search query (some models embed queries differently)."""


class ImageEmbedder(Protocol):
    """Images and text in one space (CLIP-style); vectors are L2-normalised."""

    @property
    def dimension(self) -> int:
        """Length of every vector returned."""

    async def embed_images(self, images: Sequence[bytes]) -> Sequence[Vector]:
        """One vector per encoded image, in order; InvalidInput for bytes that are no image."""

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
    """Turns an original into timed or paged text segments."""

    @property
    def media_types(self) -> frozenset[str]:
        """Media types this extractor handles."""

    async def extract(self, source: Path, media_type: str, filename: str) -> Extraction:
        """Segments in reading order from the file at `source`. UnsupportedMedia for a type not in
        `media_types`; ExtractionFailed with the reason if the bytes are unusable."""


class TextRecognizer(Protocol):
    """Reads the text written in a picture (OCR); the model runs off the event loop."""

    async def recognize(self, pixels: Any) -> Sequence[TextLine]:
        """Text lines and their boxes, in reading order, from an RGB image (a height x width x 3
        uint8 array); none if nothing is written. ProviderUnavailable if the model cannot run."""


Samples = Collection[float]  # mono audio at SPEECH_SAMPLE_RATE; a numpy array is one (not a Sequence)
SPEECH_SAMPLE_RATE = 16_000


class SpeechToText(Protocol):
    """Timed transcripts of decoded speech; the model runs off the event loop."""

    @property
    def name(self) -> str:
        """The model's name (for the document's record of how it was read)."""

    async def transcribe(self, samples: Samples) -> Sequence[Segment]:
        """Segments in order, each located by `start_seconds` and `end_seconds` from the start of
        the audio; silence gives no segments. ProviderUnavailable if the model cannot run."""


class PiiScrubber(Protocol):
    """Masks personal data before anything is embedded, indexed, cached or logged."""

    async def scrub(self, tenant: TenantId, texts: Sequence[str]) -> Sequence[Scrubbed]:
        """The texts with personal data replaced by placeholders, in order, with counts per entity
        type. Pseudonyms, where the adapter makes them, are stable within the tenant only."""


class ChatModel(Protocol):
    """Writes an answer to a rendered RAG prompt, citing passages as [marker]."""

    @property
    def name(self) -> str:
        """The model's name, as stored with each answer."""

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        """Answer deltas in order; their texts concatenated are the answer, and the last delta has
        `finish_reason` ('stop', or 'length' when `options.max_tokens` cut it). Closing the iterator
        early (the client left) stops generation. ProviderUnavailable (`retryable` as the provider
        says) when the model cannot answer; raised before the first delta where it can be known."""


class QueryRewriter(Protocol):
    """Turns a follow-up question into a standalone search query using the dialogue before it."""

    async def rewrite(self, question: str, history: Sequence[Message]) -> str:
        """The query to search with: the question itself when it stands alone. ProviderUnavailable
        if a model it relies on fails (the answering service then searches with the question)."""


class SemanticCache(Protocol):
    """Tenant-scoped answers keyed by the meaning of the standalone question, the pipeline that
    answered (`pipeline`: the chat model and retrieval settings) and the tenant's corpus version,
    so a changed corpus or pipeline never gets an old answer. Entries expire after the adapter's
    time to live. A cache that cannot be reached misses and forgets nothing it should not keep."""

    async def get(
        self, tenant: TenantId, query: Vector, *, corpus_version: int, pipeline: str
    ) -> CachedAnswer | None:
        """The closest answer cached for this tenant, pipeline and corpus version whose query
        vector's cosine similarity to `query` reaches the adapter's threshold; or None."""

    async def put(
        self, tenant: TenantId, query: Vector, answer: CachedAnswer, *, corpus_version: int, pipeline: str
    ) -> None:
        """Remember an answer for the tenant, pipeline and corpus version."""

    async def invalidate(self, tenant: TenantId) -> int:
        """Forget every answer of the tenant (it was deleted); how many were forgotten."""


JobRunner = Callable[[Job], Awaitable[object]]


class JobQueue(Protocol):
    """What the use cases need of the job queue: submit jobs and cancel them. At-least-once: a job
    may run twice, so every handler must be idempotent."""

    async def enqueue(self, job: Job) -> None:
        """Queue the job on its lane; ProviderUnavailable if the broker cannot take it."""

    async def cancel(self, tenant: TenantId, subject: str | None = None) -> int:
        """Drop the tenant's jobs (or those about one subject: a document) queued here and cancel
        those running in this process; return how many. Jobs in other processes stop at their next
        check of their subject's state."""


class JobBroker(JobQueue, Protocol):
    """What the entry points need besides: run the jobs. One queue per lane (a worker pool), the
    tenants taking turns by one policy (core.fairness)."""

    @property
    def runs_in_process(self) -> bool:
        """True when queued jobs run inside this process as soon as a runner is attached (embedded);
        False when separate workers consume them (`consume`)."""

    def attach(self, runner: JobRunner) -> None:
        """Set the function that runs each job; jobs wait until one is attached."""

    async def consume(self, lane: Modality, max_jobs: int | None = None) -> None:
        """Run the lane's jobs with the attached runner until cancelled (worker processes), at most
        `max_jobs` at once (None: the adapter's configured bound)."""

    async def wait_idle(self) -> None:
        """Return once no job of this process is queued or running (tests, graceful stop)."""

    async def depth(self, lane: Modality) -> int:
        """How many jobs of the lane are queued or running, over every tenant (for autoscaling)."""


class WebhookSender(Protocol):
    """Posts webhook messages, signed per Standard Webhooks (webhook-id, webhook-timestamp and
    webhook-signature headers), to endpoints outside the deployment's own network."""

    async def check_target(self, url: str) -> None:
        """InvalidInput when `url` is not an http(s) URL the sender may post to: one whose host
        resolves to a private, loopback or link-local address is refused unless configured."""

    async def send(
        self, url: str, secret: str, *, message_id: str, timestamp: datetime, body: str
    ) -> WebhookResponse:
        """Post `body` once, without following redirects, within the configured time limit."""
