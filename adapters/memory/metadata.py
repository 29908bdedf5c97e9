"""In-memory MetadataStore: units of work with the same semantics as the SQL store, for tests and demos.

Committed state is replaced whole on commit (copy on first write), so a unit of work sees its own
writes, a rollback leaves nothing, and readers never see half a commit. One lock admits one writing
unit at a time, as SQLite does.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ragloom.core.audit import GENESIS_HASH
from ragloom.core.errors import Conflict, InvalidInput, NotFound
from ragloom.core.models import (
    ApiKey,
    AuditRecord,
    Chat,
    ChatId,
    ChatMessage,
    Document,
    DocumentId,
    DocumentStatus,
    EmbeddingSpaceRecord,
    OutboxEntry,
    Tenant,
    TenantId,
    TenantStatus,
    TenantUsage,
    WebhookDelivery,
    WebhookEndpoint,
    is_unsearchable,
)
from ragloom.core.scope import Scope


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must not be negative")


@dataclass
class _State:
    tenants: dict[TenantId, Tenant] = field(default_factory=dict)
    keys: dict[str, ApiKey] = field(default_factory=dict)
    documents: dict[DocumentId, Document] = field(default_factory=dict)
    by_hash: dict[tuple[TenantId, str], DocumentId] = field(default_factory=dict)
    audit: dict[str, tuple[AuditRecord, ...]] = field(default_factory=dict)
    chats: dict[ChatId, Chat] = field(default_factory=dict)
    messages: dict[ChatId, tuple[ChatMessage, ...]] = field(default_factory=dict)
    spaces: dict[str, EmbeddingSpaceRecord] = field(default_factory=dict)
    outbox: dict[str, OutboxEntry] = field(default_factory=dict)
    endpoints: dict[str, WebhookEndpoint] = field(default_factory=dict)
    deliveries: dict[str, WebhookDelivery] = field(default_factory=dict)

    def copy(self) -> _State:
        return _State(
            dict(self.tenants),
            dict(self.keys),
            dict(self.documents),
            dict(self.by_hash),
            dict(self.audit),
            dict(self.chats),
            dict(self.messages),
            dict(self.spaces),
            dict(self.outbox),
            dict(self.endpoints),
            dict(self.deliveries),
        )

    def usage(self, tenant: TenantId) -> TenantUsage:
        owned = [d.size_bytes for d in self.documents.values() if d.tenant_id == tenant]
        return TenantUsage(documents=len(owned), bytes=sum(owned))


class _Unit:
    """Shared by the repositories of one unit of work: its scope, and its view of the state."""

    def __init__(self, store: InMemoryMetadataStore, scope: Scope, read_only: bool) -> None:
        self.store = store
        self.scope = scope
        self.read_only = read_only
        self.view = store.state
        self.copied = False

    def writable(self) -> _State:
        if self.read_only:
            raise InvalidInput("a read-only unit of work cannot write")
        if not self.copied:
            self.view = self.view.copy()
            self.copied = True
        return self.view


class _Tenants:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def add(self, tenant: Tenant) -> Tenant:
        self._u.scope.tenant_row(tenant.id)
        if tenant.id in self._u.view.tenants:
            raise Conflict(f"tenant {tenant.id} already exists")
        self._u.writable().tenants[tenant.id] = dataclasses.replace(
            tenant, status=TenantStatus(tenant.status)
        )
        return tenant

    async def get(self, tenant_id: TenantId, *, for_update: bool = False) -> Tenant:
        """`for_update` needs nothing more here: a writing unit holds the store's one write lock."""
        self._u.scope.tenant_row(tenant_id)
        tenant = self._u.view.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found")
        return tenant

    async def list(self, *, limit: int = 100, offset: int = 0) -> Sequence[Tenant]:
        self._u.scope.directory("listing tenants")
        _check_page(limit, offset)
        every = sorted(self._u.view.tenants.values(), key=lambda t: (t.created_at, t.id))
        return every[offset : offset + limit]

    async def save(self, tenant: Tenant) -> Tenant:
        current = await self.get(tenant.id)
        saved = dataclasses.replace(
            tenant,
            status=TenantStatus(tenant.status),
            created_at=current.created_at,
            corpus_version=current.corpus_version,
        )
        self._u.writable().tenants[tenant.id] = saved
        return saved

    async def bump_corpus_version(self, tenant_id: TenantId) -> int:
        current = await self.get(tenant_id)
        return (await self._update(tenant_id, corpus_version=current.corpus_version + 1)).corpus_version

    async def adopt_space(self, space: str) -> int:
        self._u.scope.directory("adopting an embedding space")
        homeless = [t.id for t in self._u.view.tenants.values() if t.embedding_space is None]
        for tenant_id in homeless:
            await self._update(tenant_id, embedding_space=space)
        return len(homeless)

    async def _update(self, tenant_id: TenantId, **changes: object) -> Tenant:
        current = await self.get(tenant_id)
        updated = dataclasses.replace(current, **changes, updated_at=datetime.now(UTC))  # type: ignore[arg-type]
        self._u.writable().tenants[tenant_id] = updated
        return updated


class _Keys:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def add(self, key: ApiKey) -> ApiKey:
        self._u.scope.tenant_data(key.tenant_id)
        if key.id in self._u.view.keys:
            raise Conflict("an API key with this id already exists")
        self._u.writable().keys[key.id] = key
        return key

    async def find(self, key_id: str) -> tuple[ApiKey, Tenant] | None:
        self._u.scope.directory("finding an API key by id")
        key = self._u.view.keys.get(key_id)
        tenant = self._u.view.tenants.get(key.tenant_id) if key is not None else None
        return None if key is None or tenant is None else (key, tenant)

    async def list(self, tenant: TenantId) -> Sequence[ApiKey]:
        self._u.scope.tenant_data(tenant)
        owned = [k for k in self._u.view.keys.values() if k.tenant_id == tenant]
        return sorted(owned, key=lambda k: (k.created_at, k.id))

    async def revoke(self, tenant: TenantId, key_id: str) -> ApiKey:
        self._u.scope.tenant_data(tenant)
        key = self._u.view.keys.get(key_id)
        if key is None or key.tenant_id != tenant:
            raise NotFound(f"API key {key_id} not found")
        if key.revoked_at is None:
            key = dataclasses.replace(key, revoked_at=datetime.now(UTC))
            self._u.writable().keys[key_id] = key
        return key

    async def purge(self, tenant: TenantId) -> int:
        self._u.scope.tenant_data(tenant)
        doomed = [k.id for k in self._u.view.keys.values() if k.tenant_id == tenant]
        if doomed:
            state = self._u.writable()
            for key_id in doomed:
                del state.keys[key_id]
        return len(doomed)


class _Documents:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def add(self, document: Document) -> Document:
        self._u.scope.tenant_data(document.tenant_id)
        view = self._u.view
        hash_key = (document.tenant_id, document.content_hash)
        if document.id in view.documents or hash_key in view.by_hash:
            raise Conflict("a document with this id or content already exists for the tenant")
        state = self._u.writable()
        state.documents[document.id] = document
        state.by_hash[hash_key] = document.id
        return document

    async def get(self, tenant: TenantId, document_id: DocumentId, *, for_update: bool = False) -> Document:
        """`for_update` needs nothing more here: a writing unit holds the store's one write lock."""
        self._u.scope.tenant_data(tenant)
        document = self._u.view.documents.get(document_id)
        if document is None or document.tenant_id != tenant:
            raise NotFound(f"document {document_id} not found")
        return document

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Document | None:
        self._u.scope.tenant_data(tenant)
        document_id = self._u.view.by_hash.get((tenant, content_hash))
        return None if document_id is None else self._u.view.documents[document_id]

    async def list(
        self,
        tenant: TenantId,
        *,
        limit: int = 100,
        offset: int = 0,
        statuses: Collection[DocumentStatus] | None = None,
        parent_id: DocumentId | None = None,
    ) -> Sequence[Document]:
        self._u.scope.tenant_data(tenant)
        _check_page(limit, offset)
        owned = [
            d
            for d in self._u.view.documents.values()
            if d.tenant_id == tenant
            and (statuses is None or d.status in statuses)
            and (parent_id is None or d.parent_id == parent_id)
        ]
        owned.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return owned[offset : offset + limit]

    async def save(self, document: Document) -> Document:
        current = await self.get(document.tenant_id, document.id)
        saved = dataclasses.replace(
            current,
            status=document.status,
            error=document.error,
            chunk_count=document.chunk_count,
            attempts=document.attempts,
            pii_entities=dict(document.pii_entities),
            progress=document.progress,
            updated_at=document.updated_at,
        )
        self._u.writable().documents[document.id] = saved
        return saved

    async def ready(self, tenant: TenantId, document_ids: Collection[DocumentId]) -> set[DocumentId]:
        self._u.scope.tenant_data(tenant)
        documents = self._u.view.documents
        return {
            i
            for i in document_ids
            if i in documents
            and documents[i].tenant_id == tenant
            and documents[i].status == DocumentStatus.READY
        }

    async def unsearchable(self, tenant: TenantId) -> set[DocumentId]:
        self._u.scope.tenant_data(tenant)
        return {
            d.id
            for d in self._u.view.documents.values()
            if d.tenant_id == tenant and is_unsearchable(d.status, d.attempts)
        }

    async def set_progress(self, tenant: TenantId, document_id: DocumentId, share: float) -> None:
        current = await self.get(tenant, document_id)
        progress = min(max(share, 0.0), 1.0)
        self._u.writable().documents[document_id] = dataclasses.replace(current, progress=progress)

    async def delete(self, tenant: TenantId, document_id: DocumentId) -> None:
        document = await self.get(tenant, document_id)
        state = self._u.writable()
        del state.documents[document_id]
        del state.by_hash[(tenant, document.content_hash)]

    async def usage(self, tenant: TenantId) -> TenantUsage:
        self._u.scope.tenant_data(tenant)
        return self._u.view.usage(tenant)

    async def purge(self, tenant: TenantId) -> int:
        self._u.scope.tenant_data(tenant)
        doomed = [d for d in self._u.view.documents.values() if d.tenant_id == tenant]
        if doomed:
            state = self._u.writable()
            for document in doomed:
                del state.documents[document.id]
                del state.by_hash[(tenant, document.content_hash)]
        return len(doomed)


class _Chats:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def add(self, chat: Chat) -> Chat:
        self._u.scope.tenant_data(chat.tenant_id)
        if chat.id in self._u.view.chats:
            raise Conflict("a chat with this id already exists")
        state = self._u.writable()
        state.chats[chat.id] = chat
        state.messages[chat.id] = ()
        return chat

    async def get(self, tenant: TenantId, chat_id: ChatId, *, for_update: bool = False) -> Chat:
        """`for_update` needs nothing more here: a writing unit holds the store's one write lock."""
        self._u.scope.tenant_data(tenant)
        chat = self._u.view.chats.get(chat_id)
        if chat is None or chat.tenant_id != tenant:
            raise NotFound(f"chat {chat_id} not found")
        return chat

    async def list(self, tenant: TenantId, *, limit: int = 100, offset: int = 0) -> Sequence[Chat]:
        self._u.scope.tenant_data(tenant)
        _check_page(limit, offset)
        owned = [c for c in self._u.view.chats.values() if c.tenant_id == tenant]
        owned.sort(key=lambda c: (c.created_at, c.id), reverse=True)
        return owned[offset : offset + limit]

    async def save(self, chat: Chat, appended: Sequence[ChatMessage] = ()) -> Chat:
        current = await self.get(chat.tenant_id, chat.id)
        saved = dataclasses.replace(current, message_count=chat.message_count, updated_at=chat.updated_at)
        state = self._u.writable()
        state.messages[chat.id] = state.messages.get(chat.id, ()) + tuple(appended)
        state.chats[chat.id] = saved
        return saved

    async def messages(
        self, tenant: TenantId, chat_id: ChatId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[ChatMessage]:
        await self.get(tenant, chat_id)
        _check_page(limit, offset)
        return self._u.view.messages.get(chat_id, ())[offset : offset + limit]

    async def last_messages(self, tenant: TenantId, chat_id: ChatId, count: int) -> Sequence[ChatMessage]:
        await self.get(tenant, chat_id)
        return self._u.view.messages.get(chat_id, ())[-count:] if count > 0 else ()

    async def delete(self, tenant: TenantId, chat_id: ChatId) -> None:
        await self.get(tenant, chat_id)
        state = self._u.writable()
        del state.chats[chat_id]
        state.messages.pop(chat_id, None)

    async def purge(self, tenant: TenantId) -> int:
        self._u.scope.tenant_data(tenant)
        doomed = [c.id for c in self._u.view.chats.values() if c.tenant_id == tenant]
        if doomed:
            state = self._u.writable()
            for chat_id in doomed:
                del state.chats[chat_id]
                state.messages.pop(chat_id, None)
        return len(doomed)


class _Audit:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def head(self, chain: str) -> tuple[int, str]:
        self._u.scope.chain(chain)
        records = self._u.view.audit.get(chain, ())
        return (records[-1].seq, records[-1].hash) if records else (0, GENESIS_HASH)

    async def add(self, record: AuditRecord) -> None:
        self._u.scope.chain(record.chain)
        records = self._u.view.audit.get(record.chain, ())
        if record.seq != len(records) + 1:
            raise Conflict(f"audit chain {record.chain!r} is at seq {len(records)}, not {record.seq - 1}")
        self._u.writable().audit[record.chain] = (*records, record)

    async def chains(self) -> Sequence[str]:
        self._u.scope.directory("listing audit chains")
        return [chain for chain, records in self._u.view.audit.items() if records]

    async def read(self, chain: str, *, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditRecord]:
        self._u.scope.chain(chain)
        if after_seq < 0 or limit < 0:
            raise InvalidInput("after_seq and limit must not be negative")
        records = sorted(self._u.view.audit.get(chain, ()), key=lambda r: r.seq)
        return [r for r in records if r.seq > after_seq][:limit]


class _Spaces:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def register(self, space: EmbeddingSpaceRecord) -> EmbeddingSpaceRecord:
        self._u.scope.directory("registering an embedding space")
        known = self._u.view.spaces.get(space.name)
        if known is not None:
            return known
        self._u.writable().spaces[space.name] = space
        return space

    async def get(self, name: str) -> EmbeddingSpaceRecord | None:
        self._u.scope.directory("reading embedding spaces")
        return self._u.view.spaces.get(name)

    async def in_use(self) -> Sequence[str]:
        self._u.scope.directory("reading embedding spaces")
        return sorted({t.embedding_space for t in self._u.view.tenants.values() if t.embedding_space})


class _Outbox:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def add(self, entry: OutboxEntry) -> None:
        self._u.scope.owner(entry.tenant_id)
        self._u.writable().outbox[entry.id] = entry

    async def due(self, *, now: datetime, limit: int = 500) -> Sequence[OutboxEntry]:
        """Held for the unit by the store's one write lock."""
        self._u.scope.directory("relaying the outbox")
        waiting = [e for e in self._u.view.outbox.values() if e.due_at <= now]
        return sorted(waiting, key=lambda e: (e.due_at, e.id))[:limit]

    async def remove(self, entry_ids: Collection[str]) -> None:
        scope, entries = self._u.scope, self._u.view.outbox
        gone = [
            i for i in entry_ids if i in entries and (scope.system or entries[i].tenant_id == scope.tenant)
        ]
        if gone:
            state = self._u.writable()
            for entry_id in gone:
                del state.outbox[entry_id]


class _Webhooks:
    def __init__(self, unit: _Unit) -> None:
        self._u = unit

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self._u.scope.owner(endpoint.tenant_id)
        if endpoint.id in self._u.view.endpoints:
            raise Conflict(f"webhook endpoint {endpoint.id} already exists")
        self._u.writable().endpoints[endpoint.id] = endpoint

    async def get_endpoint(self, owner: TenantId, endpoint_id: str) -> WebhookEndpoint:
        self._u.scope.owner(owner)
        endpoint = self._u.view.endpoints.get(endpoint_id)
        if endpoint is None or endpoint.tenant_id != owner:
            raise NotFound(f"webhook endpoint {endpoint_id[:80]!r} not found")
        return endpoint

    async def list_endpoints(
        self, owner: TenantId, *, event_type: str | None = None
    ) -> Sequence[WebhookEndpoint]:
        self._u.scope.owner(owner)
        owned = [
            e
            for e in self._u.view.endpoints.values()
            if e.tenant_id == owner and (event_type is None or (e.enabled and event_type in e.event_types))
        ]
        return sorted(owned, key=lambda e: (e.created_at, e.id))

    async def save_endpoint(self, endpoint: WebhookEndpoint) -> None:
        await self.get_endpoint(endpoint.tenant_id, endpoint.id)
        self._u.writable().endpoints[endpoint.id] = endpoint

    async def count_attempt(self, owner: TenantId, endpoint_id: str, *, delivered: bool) -> WebhookEndpoint:
        current = await self.get_endpoint(owner, endpoint_id)
        counted = dataclasses.replace(current, failures=0 if delivered else current.failures + 1)
        self._u.writable().endpoints[endpoint_id] = counted
        return counted

    async def delete_endpoint(self, owner: TenantId, endpoint_id: str) -> None:
        await self.get_endpoint(owner, endpoint_id)
        state = self._u.writable()
        del state.endpoints[endpoint_id]
        for delivery_id in [d.id for d in state.deliveries.values() if d.endpoint_id == endpoint_id]:
            del state.deliveries[delivery_id]

    async def add_delivery(self, delivery: WebhookDelivery) -> None:
        await self.get_endpoint(delivery.tenant_id, delivery.endpoint_id)
        if delivery.id in self._u.view.deliveries:
            raise Conflict(f"webhook delivery {delivery.id} already exists")
        self._u.writable().deliveries[delivery.id] = delivery

    async def get_delivery(self, owner: TenantId, delivery_id: str) -> WebhookDelivery:
        self._u.scope.owner(owner)
        delivery = self._u.view.deliveries.get(delivery_id)
        if delivery is None or delivery.tenant_id != owner:
            raise NotFound(f"webhook delivery {delivery_id[:80]!r} not found")
        return delivery

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        await self.get_delivery(delivery.tenant_id, delivery.id)
        self._u.writable().deliveries[delivery.id] = delivery

    async def list_deliveries(
        self, owner: TenantId, endpoint_id: str, *, limit: int = 100, offset: int = 0
    ) -> Sequence[WebhookDelivery]:
        self._u.scope.owner(owner)
        _check_page(limit, offset)
        found = [
            d
            for d in self._u.view.deliveries.values()
            if d.tenant_id == owner and d.endpoint_id == endpoint_id
        ]
        found.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return found[offset : offset + limit]

    async def purge(self, owner: TenantId) -> int:
        self._u.scope.owner(owner)
        view = self._u.view
        endpoints = [e.id for e in view.endpoints.values() if e.tenant_id == owner]
        deliveries = [d.id for d in view.deliveries.values() if d.tenant_id == owner]
        if endpoints or deliveries:
            state = self._u.writable()
            for endpoint_id in endpoints:
                del state.endpoints[endpoint_id]
            for delivery_id in deliveries:
                del state.deliveries[delivery_id]
        return len(endpoints) + len(deliveries)


class InMemoryUnitOfWork:
    def __init__(self, store: InMemoryMetadataStore, scope: Scope, read_only: bool) -> None:
        self._unit = _Unit(store, scope, read_only)
        self.tenants = _Tenants(self._unit)
        self.keys = _Keys(self._unit)
        self.documents = _Documents(self._unit)
        self.chats = _Chats(self._unit)
        self.audit = _Audit(self._unit)
        self.spaces = _Spaces(self._unit)
        self.outbox = _Outbox(self._unit)
        self.webhooks = _Webhooks(self._unit)
        self._locked = False

    async def __aenter__(self) -> InMemoryUnitOfWork:
        if not self._unit.read_only:
            await self._unit.store.write_lock.acquire()
            self._locked = True
        self._unit.view = self._unit.store.state
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._locked:
            self._locked = False
            self._unit.store.write_lock.release()

    async def commit(self) -> None:
        if self._unit.copied:
            self._unit.store.state = self._unit.view
            self._unit.copied = False


class InMemoryMetadataStore:
    """Tenants, keys, documents and audit chains in dicts; one writing unit of work at a time."""

    def __init__(self) -> None:
        self.state = _State()
        self.write_lock = asyncio.Lock()

    async def health(self) -> None:
        """Always healthy."""

    def unit_of_work(self, scope: TenantId | None, *, read_only: bool = False) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self, Scope(scope), read_only)

    def tamper(self, chain: str, records: Sequence[AuditRecord]) -> None:
        """Replace a chain's stored records (tests play an attacker with write access to the store)."""
        self.state.audit[chain] = tuple(records)
