"""Contract tests every MetadataStore passes. Subclass and provide an async `adapter` fixture.

class TestMyStore(MetadataStoreContract):
    @pytest.fixture
    async def adapter(self):
        async with open_my_store() as store:
            yield store  # fresh and empty

Most tests drive the repositories through `StoreCalls`, one committed unit of work per call; the
unit-of-work tests at the end check commit, rollback, isolation and the scope rules themselves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from ragloom.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, OutOfScope, QuotaExceeded
from ragloom.core.models import (
    SYSTEM_OWNER,
    ApiKey,
    Chat,
    ChatId,
    ChatMessage,
    DeliveryStatus,
    Document,
    DocumentId,
    DocumentStatus,
    EmbeddingSpaceRecord,
    IngestJob,
    Job,
    Location,
    Modality,
    OutboxEntry,
    Quotas,
    Reference,
    Tenant,
    TenantId,
    TenantStatus,
    TenantUsage,
    WebhookDelivery,
    WebhookEndpoint,
)
from ragloom.core.ports import MetadataStore, UnitOfWork

_T = TypeVar("_T")
TENANT_A = TenantId("tenant-a")
TENANT_B = TenantId("tenant-b")


def make_document(tenant: TenantId = TENANT_A, **overrides: Any) -> Document:
    """A queued document with a fresh id and content hash; override any field."""
    now = datetime.now(UTC)
    document_id = str(uuid.uuid4())
    values: dict[str, Any] = {
        "id": DocumentId(document_id),
        "tenant_id": tenant,
        "title": f"Title {document_id[:8]}",
        "filename": f"{document_id[:8]}.txt",
        "media_type": "text/plain",
        "size_bytes": 1234,
        "content_hash": uuid.uuid4().hex + uuid.uuid4().hex,
        "blob_key": f"originals/{document_id}",
        "status": DocumentStatus.QUEUED,
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return Document(**values)


def make_endpoint(owner: TenantId = TENANT_A, **overrides: Any) -> WebhookEndpoint:
    values: dict[str, Any] = {
        "id": f"wh_{uuid.uuid4().hex}",
        "tenant_id": owner,
        "url": "https://hooks.example.com/ragloom",
        "event_types": ("document.ready",),
        "secret": "whsec_" + "A" * 32,
        "created_at": datetime.now(UTC),
    }
    return WebhookEndpoint(**{**values, **overrides})


def make_delivery(
    endpoint: WebhookEndpoint, *, owner: TenantId | None = None, **overrides: Any
) -> WebhookDelivery:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "id": f"msg_{uuid.uuid4().hex}",
        "endpoint_id": endpoint.id,
        "tenant_id": owner or endpoint.tenant_id,
        "event_type": "document.ready",
        "body": '{"type":"document.ready"}',
        "created_at": now,
        "next_attempt_at": now,
    }
    return WebhookDelivery(**{**values, **overrides})


def make_tenant(tenant_id: TenantId = TENANT_A, **overrides: Any) -> Tenant:
    """An active tenant created now; override any field."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "id": tenant_id,
        "name": f"Tenant {tenant_id}",
        "status": TenantStatus.ACTIVE,
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return Tenant(**values)


def make_api_key(tenant: TenantId = TENANT_A, **overrides: Any) -> ApiKey:
    """An active key with a fresh 32-character id and a fake 64-character hash; override any field."""
    values: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "tenant_id": tenant,
        "secret_hash": uuid.uuid4().hex + uuid.uuid4().hex,
        "created_at": datetime.now(UTC),
    }
    values.update(overrides)
    return ApiKey(**values)


def make_chat(tenant: TenantId = TENANT_A, **overrides: Any) -> Chat:
    """An empty chat with a fresh id; override any field."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "id": ChatId(str(uuid.uuid4())),
        "tenant_id": tenant,
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return Chat(**values)


def make_message(role: str, content: str, tenant: TenantId = TENANT_A, **overrides: Any) -> ChatMessage:
    """A message for `append` (the repository sets its chat and number)."""
    values: dict[str, Any] = {
        "tenant_id": tenant,
        "chat_id": ChatId(""),
        "role": role,
        "content": content,
        "created_at": datetime.now(UTC),
    }
    values.update(overrides)
    return ChatMessage(**values)


async def _add_both_tenants(store: StoreCalls) -> None:
    await store.add_tenant(make_tenant(TENANT_A))
    await store.add_tenant(make_tenant(TENANT_B))


async def _found_key(store: StoreCalls, key_id: str) -> ApiKey | None:
    """The key part of `find_api_key`, after checking that the tenant read with it is the key's."""
    found = await store.find_api_key(key_id)
    if found is None:
        return None
    key, tenant = found
    assert tenant == await store.get_tenant(key.tenant_id)
    return key


class StoreCalls:
    """The repositories one call at a time, each call in its own committed unit of work under the
    scope it needs (the directory calls in the system scope, the rest in their tenant's)."""

    def __init__(self, store: MetadataStore) -> None:
        self.store = store

    async def _write(self, scope: TenantId | None, call: Callable[[UnitOfWork], Awaitable[_T]]) -> _T:
        async with self.store.unit_of_work(scope) as unit:
            result = await call(unit)
            await unit.commit()
            return result

    async def _read(self, scope: TenantId | None, call: Callable[[UnitOfWork], Awaitable[_T]]) -> _T:
        async with self.store.unit_of_work(scope, read_only=True) as unit:
            return await call(unit)

    async def add_tenant(self, tenant: Tenant) -> Tenant:
        return await self._write(tenant.id, lambda u: u.tenants.add(tenant))

    async def get_tenant(self, tenant_id: TenantId) -> Tenant:
        return await self._read(tenant_id, lambda u: u.tenants.get(tenant_id))

    async def list_tenants(self, **paging: int) -> Any:
        return await self._read(None, lambda u: u.tenants.list(**paging))

    async def change_tenant(self, tenant_id: TenantId, change: Callable[[Tenant], Tenant]) -> Tenant:
        """The tenant read with its row held, changed by its rules (`change`), then saved."""

        async def save(u: UnitOfWork) -> Tenant:
            return await u.tenants.save(change(await u.tenants.get(tenant_id, for_update=True)))

        return await self._write(tenant_id, save)

    async def upload(self, document: Document, defaults: Quotas = Quotas()) -> Document:
        """Add the document as an upload does: its tenant's row held while the tenant's rules
        (Tenant.admit) check its usage, then the insert, in one unit of work."""

        async def upload(u: UnitOfWork) -> Document:
            owner = await u.tenants.get(document.tenant_id, for_update=True)
            usage = await u.documents.usage(document.tenant_id)
            await asyncio.sleep(0)  # let concurrent uploads interleave, if the store lets them
            owner.admit(document.size_bytes, usage, defaults)
            return await u.documents.add(document)

        return await self._write(document.tenant_id, upload)

    async def tenant_usage(self, tenant: TenantId) -> TenantUsage:
        return await self._read(tenant, lambda u: u.documents.usage(tenant))

    async def purge_tenant(self, tenant: TenantId) -> dict[str, int]:
        async def purge(unit: UnitOfWork) -> dict[str, int]:
            return {
                "documents": await unit.documents.purge(tenant),
                "api_keys": await unit.keys.purge(tenant),
            }

        return await self._write(tenant, purge)

    async def add_chat(self, chat: Chat) -> Chat:
        return await self._write(chat.tenant_id, lambda u: u.chats.add(chat))

    async def get_chat(self, tenant: TenantId, chat_id: ChatId) -> Chat:
        return await self._read(tenant, lambda u: u.chats.get(tenant, chat_id))

    async def list_chats(self, tenant: TenantId, **paging: int) -> Any:
        return await self._read(tenant, lambda u: u.chats.list(tenant, **paging))

    async def append(self, chat_id: ChatId, messages: Any, tenant: TenantId = TENANT_A) -> Chat:
        """The messages appended by the chat's rules (Chat.appended), the chat's row held."""

        async def append(u: UnitOfWork) -> Chat:
            chat = await u.chats.get(tenant, chat_id, for_update=True)
            return await u.chats.save(*chat.appended(messages, datetime.now(UTC)))

        return await self._write(tenant, append)

    async def messages(self, chat_id: ChatId, tenant: TenantId = TENANT_A, **paging: int) -> Any:
        return await self._read(tenant, lambda u: u.chats.messages(tenant, chat_id, **paging))

    async def last_messages(self, chat_id: ChatId, count: int, tenant: TenantId = TENANT_A) -> Any:
        return list(await self._read(tenant, lambda u: u.chats.last_messages(tenant, chat_id, count)))

    async def delete_chat(self, chat_id: ChatId, tenant: TenantId = TENANT_A) -> None:
        await self._write(tenant, lambda u: u.chats.delete(tenant, chat_id))

    async def add_api_key(self, key: ApiKey) -> ApiKey:
        return await self._write(key.tenant_id, lambda u: u.keys.add(key))

    async def find_api_key(self, key_id: str) -> tuple[ApiKey, Tenant] | None:
        return await self._read(None, lambda u: u.keys.find(key_id))

    async def list_api_keys(self, tenant: TenantId) -> Any:
        return await self._read(tenant, lambda u: u.keys.list(tenant))

    async def revoke_api_key(self, tenant: TenantId, key_id: str) -> ApiKey:
        return await self._write(tenant, lambda u: u.keys.revoke(tenant, key_id))

    async def add_document(self, document: Document) -> Document:
        return await self._write(document.tenant_id, lambda u: u.documents.add(document))

    async def get_document(self, tenant: TenantId, document_id: DocumentId) -> Document:
        return await self._read(tenant, lambda u: u.documents.get(tenant, document_id))

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Any:
        return await self._read(tenant, lambda u: u.documents.find_by_hash(tenant, content_hash))

    async def list_documents(self, tenant: TenantId, **paging: Any) -> Any:
        return await self._read(tenant, lambda u: u.documents.list(tenant, **paging))

    async def update_status(self, tenant: TenantId, document_id: DocumentId, status: Any, **kw: Any) -> Any:
        """The document moved to `status` by the aggregate's rules (Document.moved_to), then saved."""

        async def move(u: UnitOfWork) -> Document:
            current = await u.documents.get(tenant, document_id, for_update=True)
            return await u.documents.save(current.moved_to(status, datetime.now(UTC), **kw))

        return await self._write(tenant, move)

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        return await self._write(tenant, lambda u: u.documents.delete(tenant, document_id))

    async def ready(self, tenant: TenantId, document_ids: Any) -> set[DocumentId]:
        return await self._read(tenant, lambda u: u.documents.ready(tenant, document_ids))

    async def unsearchable(self, tenant: TenantId) -> set[DocumentId]:
        return await self._read(tenant, lambda u: u.documents.unsearchable(tenant))

    async def begin_attempt(self, tenant: TenantId, document_id: DocumentId) -> Document:
        async def begin(u: UnitOfWork) -> Document:
            current = await u.documents.get(tenant, document_id, for_update=True)
            return await u.documents.save(current.attempt_begun(datetime.now(UTC)))

        return await self._write(tenant, begin)

    async def set_progress(self, tenant: TenantId, document_id: DocumentId, share: float) -> None:
        return await self._write(tenant, lambda u: u.documents.set_progress(tenant, document_id, share))


class MetadataStoreContract:
    """The semantics of `ragloom.core.ports.MetadataStore`, for any adapter."""

    async def test_a_held_tenant_row_makes_quotas_hold_under_concurrent_uploads(
        self, adapter: MetadataStore
    ) -> None:
        """The quota rule is the tenant's (Tenant.admit); the store's part is that an upload holding
        its tenant's row counts a usage no concurrent upload changes before it commits."""
        store = StoreCalls(adapter)
        await store.add_tenant(make_tenant(TENANT_B))
        await store.upload(make_document(TENANT_B), Quotas(max_documents=1))
        for limit in (1, 3):
            tenant = (await store.add_tenant(make_tenant(TenantId(f"quota-{limit}"), max_documents=limit))).id
            await asyncio.gather(*(store.tenant_usage(tenant) for _ in range(8)))  # warm a pool, if any
            results = await asyncio.gather(
                *(store.upload(make_document(tenant)) for _ in range(8)), return_exceptions=True
            )
            added = [r for r in results if not isinstance(r, BaseException)]
            refused = [r for r in results if isinstance(r, BaseException)]
            assert len(added) == limit and all(isinstance(r, QuotaExceeded) for r in refused)
            assert len(await store.list_documents(tenant)) == limit  # nothing half-written
        assert (await store.tenant_usage(TENANT_B)).documents == 1  # the other tenant's count is its own

    async def test_add_then_get_returns_every_field(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        created = datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
        document = make_document(
            title="Quarterly report ✓",
            filename="report q1.pdf",
            media_type="application/pdf",
            size_bytes=5_000_000_000,
            status=DocumentStatus.FAILED,
            error="bad bytes",
            chunk_count=7,
            created_at=created,
            updated_at=created + timedelta(seconds=3),
        )
        assert await store.add_document(document) == document
        fetched = await store.get_document(TENANT_A, document.id)
        assert fetched == document
        assert isinstance(fetched.status, DocumentStatus)
        assert fetched.created_at.utcoffset() == timedelta(0)

    async def test_same_hash_conflicts_within_a_tenant_only(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        first = await store.add_document(make_document(content_hash="a" * 64))
        with pytest.raises(Conflict):
            await store.add_document(make_document(content_hash="a" * 64))
        other = await store.add_document(make_document(TENANT_B, content_hash="a" * 64))
        assert await store.get_document(TENANT_B, other.id) == other
        assert await store.list_documents(TENANT_A) == [first]

    async def test_same_id_conflicts(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        first = await store.add_document(make_document())
        with pytest.raises(Conflict):
            await store.add_document(make_document(id=first.id))
        assert await store.get_document(TENANT_A, first.id) == first

    async def test_find_by_hash(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document(content_hash="b" * 64))
        assert await store.find_by_hash(TENANT_A, "b" * 64) == document
        assert await store.find_by_hash(TENANT_A, "c" * 64) is None
        assert await store.find_by_hash(TENANT_B, "b" * 64) is None

    async def test_unknown_id_is_not_found(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        unknown = DocumentId(str(uuid.uuid4()))
        with pytest.raises(NotFound):
            await store.get_document(TENANT_A, unknown)
        with pytest.raises(NotFound):
            await store.update_status(TENANT_A, unknown, DocumentStatus.READY)
        with pytest.raises(NotFound):
            await store.delete_document(TENANT_A, unknown)

    async def test_other_tenant_cannot_reach_a_document(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document())
        with pytest.raises(NotFound):
            await store.get_document(TENANT_B, document.id)
        assert await store.list_documents(TENANT_B) == []
        with pytest.raises(NotFound):
            await store.update_status(TENANT_B, document.id, DocumentStatus.FAILED, error="x")
        with pytest.raises(NotFound):
            await store.delete_document(TENANT_B, document.id)
        assert await store.get_document(TENANT_A, document.id) == document
        assert await store.list_documents(TENANT_A) == [document]

    async def test_list_is_newest_first_with_limit_and_offset(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        start = datetime.now(UTC) - timedelta(hours=1)
        added = [
            await store.add_document(make_document(created_at=start + timedelta(minutes=m)))
            for m in (3, 0, 4, 1, 2)
        ]
        await store.add_document(make_document(TENANT_B))
        newest_first = sorted(added, key=lambda d: d.created_at, reverse=True)
        assert await store.list_documents(TENANT_A) == newest_first
        assert await store.list_documents(TENANT_A, limit=2) == newest_first[:2]
        assert await store.list_documents(TENANT_A, limit=2, offset=2) == newest_first[2:4]
        assert await store.list_documents(TENANT_A, limit=10, offset=4) == newest_first[4:]
        assert await store.list_documents(TENANT_A, offset=5) == []
        assert await store.list_documents(TENANT_A, limit=0) == []

    async def test_update_status_through_the_lifecycle(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        past = datetime.now(UTC) - timedelta(minutes=5)
        document = await store.add_document(make_document(created_at=past, updated_at=past))

        processing = await store.update_status(TENANT_A, document.id, DocumentStatus.PROCESSING)
        assert processing.status is DocumentStatus.PROCESSING
        assert processing.updated_at > past
        assert processing.chunk_count == 0 and processing.error is None

        ready = await store.update_status(TENANT_A, document.id, DocumentStatus.READY, chunk_count=12)
        assert (ready.status, ready.chunk_count, ready.error) == (DocumentStatus.READY, 12, None)
        assert ready.updated_at >= processing.updated_at
        assert await store.get_document(TENANT_A, document.id) == ready

        with pytest.raises(InvalidTransition):  # the aggregate's rules, whatever the store
            await store.update_status(TENANT_A, document.id, DocumentStatus.FAILED, error="corrupt")
        assert await store.get_document(TENANT_A, document.id) == ready

        deleting = await store.update_status(TENANT_A, document.id, DocumentStatus.DELETING)
        assert (deleting.status, deleting.error, deleting.chunk_count) == (DocumentStatus.DELETING, None, 12)
        unchanged = dataclasses.replace(
            deleting, status=document.status, chunk_count=0, progress=document.progress
        )
        assert unchanged == dataclasses.replace(document, updated_at=deleting.updated_at)
        assert await store.get_document(TENANT_A, document.id) == deleting

    async def test_saving_a_document_whose_row_is_gone_is_not_found(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document())
        await store.delete_document(TENANT_A, document.id)
        moved = document.moved_to(DocumentStatus.DELETING, datetime.now(UTC))
        with pytest.raises(NotFound):
            await store._write(TENANT_A, lambda u: u.documents.save(moved))

    async def test_delete_then_not_found(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document())
        kept = await store.add_document(make_document())
        await store.delete_document(TENANT_A, document.id)
        with pytest.raises(NotFound):
            await store.get_document(TENANT_A, document.id)
        with pytest.raises(NotFound):
            await store.delete_document(TENANT_A, document.id)
        assert await store.list_documents(TENANT_A) == [kept]
        assert await store.find_by_hash(TENANT_A, document.content_hash) is None

    async def test_deleted_hash_can_be_added_again(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document())
        await store.delete_document(TENANT_A, document.id)
        again = await store.add_document(make_document(content_hash=document.content_hash))
        assert await store.find_by_hash(TENANT_A, document.content_hash) == again

    # Tenants: the directory.

    async def test_add_then_get_tenant_returns_every_field(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        created = datetime(2024, 5, 1, 12, 30, 15, 654321, tzinfo=UTC)
        tenant = make_tenant(
            name="Acme ✓",
            status=TenantStatus.SUSPENDED,
            created_at=created,
            updated_at=created + timedelta(seconds=1),
            max_documents=10,
            max_bytes=5_000_000_000,
        )
        assert await store.add_tenant(tenant) == tenant
        fetched = await store.get_tenant(TENANT_A)
        assert fetched == tenant
        assert isinstance(fetched.status, TenantStatus)
        assert fetched.created_at.utcoffset() == timedelta(0)
        plain = await store.add_tenant(make_tenant(TENANT_B))
        assert (await store.get_tenant(TENANT_B)).max_documents is None
        assert (await store.get_tenant(TENANT_B)) == plain

    async def test_duplicate_tenant_id_conflicts(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        first = await store.add_tenant(make_tenant(name="first"))
        with pytest.raises(Conflict):
            await store.add_tenant(make_tenant(name="second"))
        assert await store.get_tenant(TENANT_A) == first

    async def test_unknown_tenant_is_not_found(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        with pytest.raises(NotFound):
            await store.get_tenant(TenantId("nobody"))
        with pytest.raises(NotFound):
            await store._write(TenantId("nobody"), lambda u: u.tenants.save(make_tenant(TenantId("nobody"))))
        assert await store.list_tenants() == []

    async def test_list_tenants_oldest_first_with_limit_and_offset(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        start = datetime.now(UTC) - timedelta(hours=1)
        added = [
            await store.add_tenant(make_tenant(TenantId(f"t{m}"), created_at=start + timedelta(minutes=m)))
            for m in (3, 0, 4, 1, 2)
        ]
        oldest_first = sorted(added, key=lambda t: t.created_at)
        assert await store.list_tenants() == oldest_first
        assert await store.list_tenants(limit=2) == oldest_first[:2]
        assert await store.list_tenants(limit=2, offset=3) == oldest_first[3:]
        assert await store.list_tenants(offset=5) == []
        with pytest.raises(InvalidInput):
            await store.list_tenants(limit=-1)

    async def test_a_saved_tenant_keeps_what_its_rules_changed_and_that_tenant_only(
        self, adapter: MetadataStore
    ) -> None:
        store = StoreCalls(adapter)
        past = datetime.now(UTC) - timedelta(minutes=5)
        tenant = await store.add_tenant(make_tenant(created_at=past, updated_at=past, max_bytes=99))
        other = await store.add_tenant(make_tenant(TENANT_B))
        now = datetime.now(UTC)
        changed = dataclasses.replace(
            tenant,
            name="Renamed ✓",
            status=TenantStatus.SUSPENDED,
            max_documents=10,
            max_bytes=None,
            embedding_space="minilm-384",
            reindex_cursor="after-42",
            updated_at=now,
        )
        assert await store.change_tenant(TENANT_A, lambda _: changed) == changed
        assert await store.get_tenant(TENANT_A) == changed
        assert await store.get_tenant(TENANT_B) == other
        deleted = await store.change_tenant(TENANT_A, lambda t: t.moved_to(TenantStatus.DELETED, now))
        assert deleted == dataclasses.replace(changed, status=TenantStatus.DELETED)  # as its rules made it
        assert await store.get_tenant(TENANT_A) == deleted

    # Usage and purge: per tenant only.

    async def test_usage_counts_the_tenants_own_documents_only(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await store.add_document(make_document(size_bytes=100))
        await store.add_document(make_document(size_bytes=5_000_000_000))
        await store.add_document(make_document(TENANT_B, size_bytes=7))
        assert await store.tenant_usage(TENANT_A) == TenantUsage(documents=2, bytes=5_000_000_100)
        assert await store.tenant_usage(TENANT_B) == TenantUsage(documents=1, bytes=7)
        assert await store.tenant_usage(TenantId("empty")) == TenantUsage(documents=0, bytes=0)

    async def test_purge_removes_the_tenants_documents_and_keys_only(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        tenant = await store.add_tenant(make_tenant())
        other_tenant = await store.add_tenant(make_tenant(TENANT_B))
        purged = [await store.add_document(make_document()) for _ in range(3)]
        purged_key = await store.add_api_key(make_api_key())
        revoked = await store.add_api_key(make_api_key())
        await store.revoke_api_key(TENANT_A, revoked.id)
        kept = await store.add_document(make_document(TENANT_B))
        kept_key = await store.add_api_key(make_api_key(TENANT_B))

        assert await store.purge_tenant(TENANT_A) == {"documents": 3, "api_keys": 2}

        assert await store.list_documents(TENANT_A) == []
        assert await store.tenant_usage(TENANT_A) == TenantUsage(documents=0, bytes=0)
        for document in purged:
            with pytest.raises(NotFound):
                await store.get_document(TENANT_A, document.id)
        assert await store.list_api_keys(TENANT_A) == []
        assert await _found_key(store, purged_key.id) is None
        assert await store.get_tenant(TENANT_A) == tenant  # the tenant row stays, for the record
        assert await store.list_documents(TENANT_B) == [kept]
        assert await store.list_api_keys(TENANT_B) == [kept_key]
        assert await store.get_tenant(TENANT_B) == other_tenant

        assert await store.purge_tenant(TENANT_A) == {"documents": 0, "api_keys": 0}
        again = await store.add_document(make_document(content_hash=purged[0].content_hash))
        assert await store.find_by_hash(TENANT_A, purged[0].content_hash) == again

    # API keys.

    async def test_add_find_and_list_api_keys(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        start = datetime(2024, 5, 1, 8, 0, 0, 111111, tzinfo=UTC)
        added = [
            await store.add_api_key(make_api_key(created_at=start + timedelta(minutes=m))) for m in (2, 0, 1)
        ]
        other = await store.add_api_key(make_api_key(TENANT_B))
        assert await _found_key(store, added[0].id) == added[0]
        assert await _found_key(store, other.id) == other
        assert await _found_key(store, "0" * 32) is None
        assert await store.list_api_keys(TENANT_A) == sorted(added, key=lambda k: (k.created_at, k.id))
        assert await store.list_api_keys(TENANT_B) == [other]
        assert await store.list_api_keys(TenantId("nobody")) == []

    async def test_duplicate_api_key_id_conflicts_across_tenants(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        first = await store.add_api_key(make_api_key())
        with pytest.raises(Conflict):
            await store.add_api_key(make_api_key(id=first.id))
        with pytest.raises(Conflict):
            await store.add_api_key(make_api_key(TENANT_B, id=first.id))
        assert await _found_key(store, first.id) == first
        assert await store.list_api_keys(TENANT_B) == []

    async def test_revoke_api_key_is_idempotent_and_kept(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        key = await store.add_api_key(make_api_key())
        active = await store.add_api_key(make_api_key())
        revoked = await store.revoke_api_key(TENANT_A, key.id)
        assert revoked.revoked_at is not None
        assert revoked.revoked_at >= key.created_at
        assert revoked == dataclasses.replace(key, revoked_at=revoked.revoked_at)
        assert await store.revoke_api_key(TENANT_A, key.id) == revoked  # the first revocation stands
        assert await _found_key(store, key.id) == revoked
        assert await store.list_api_keys(TENANT_A) == sorted(
            [revoked, active], key=lambda k: (k.created_at, k.id)
        )
        still_active = await _found_key(store, active.id)
        assert still_active is not None and still_active.revoked_at is None

    async def test_another_tenants_key_cannot_be_revoked(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        key = await store.add_api_key(make_api_key(TENANT_B))
        with pytest.raises(NotFound):
            await store.revoke_api_key(TENANT_A, key.id)
        with pytest.raises(NotFound):
            await store.revoke_api_key(TENANT_A, "0" * 32)
        assert await _found_key(store, key.id) == key
        assert await store.list_api_keys(TENANT_A) == []

    # Units of work: commit, rollback, isolation, scope.

    async def test_a_unit_commits_all_its_writes_or_none(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = make_document()
        async with adapter.unit_of_work(TENANT_A) as unit:
            await unit.tenants.add(make_tenant())
            await unit.documents.add(document)
            assert await unit.documents.get(TENANT_A, document.id) == document  # sees its own writes
        with pytest.raises(NotFound):  # not committed: rolled back on exit
            await store.get_tenant(TENANT_A)
        with pytest.raises(NotFound):
            await store.get_document(TENANT_A, document.id)
        with pytest.raises(Conflict):
            async with adapter.unit_of_work(TENANT_A) as unit:
                await unit.tenants.add(make_tenant())
                await unit.documents.add(document)
                await unit.documents.add(make_document(id=document.id))
        with pytest.raises(NotFound):  # the error rolled back the tenant and the first document too
            await store.get_tenant(TENANT_A)
        async with adapter.unit_of_work(TENANT_A) as unit:
            await unit.tenants.add(make_tenant())
            await unit.documents.add(document)
            await unit.commit()
        assert await store.get_document(TENANT_A, document.id) == document

    async def test_readers_never_see_an_uncommitted_unit(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await store.add_tenant(make_tenant())
        async with adapter.unit_of_work(TENANT_A) as unit:
            held = await unit.tenants.get(TENANT_A, for_update=True)
            await unit.tenants.save(held.moved_to(TenantStatus.SUSPENDED, datetime.now(UTC)))
            assert (await store.get_tenant(TENANT_A)).status is TenantStatus.ACTIVE
            await unit.commit()
        assert (await store.get_tenant(TENANT_A)).status is TenantStatus.SUSPENDED

    async def test_concurrent_units_serialise_their_read_then_write(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await store.add_tenant(make_tenant())

        async def bump() -> int:
            async with adapter.unit_of_work(TENANT_A) as unit:
                version = await unit.tenants.bump_corpus_version(TENANT_A)
                await asyncio.sleep(0)
                await unit.commit()
                return version

        versions = await asyncio.gather(*(bump() for _ in range(10)))
        assert sorted(versions) == list(range(1, 11))
        assert (await store.get_tenant(TENANT_A)).corpus_version == 10

    async def test_a_tenant_scope_reaches_its_own_rows_only(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        document = await store.add_document(make_document(TENANT_B))
        async with adapter.unit_of_work(TENANT_A, read_only=True) as unit:
            assert (await unit.tenants.get(TENANT_A)).id == TENANT_A
            for reach in (
                lambda: unit.documents.get(TENANT_B, document.id),
                lambda: unit.documents.list(TENANT_B),
                lambda: unit.documents.usage(TENANT_B),
                lambda: unit.keys.list(TENANT_B),
                lambda: unit.tenants.get(TENANT_B),
                lambda: unit.tenants.list(),
                lambda: unit.keys.find("0" * 32),
                lambda: unit.audit.read(TENANT_B),
                lambda: unit.audit.chains(),
            ):
                with pytest.raises(OutOfScope):
                    await reach()
        async with adapter.unit_of_work(TENANT_A) as unit:
            with pytest.raises(OutOfScope):
                await unit.documents.add(make_document(TENANT_B))
            with pytest.raises(OutOfScope):
                await unit.tenants.save(make_tenant(TENANT_B, status=TenantStatus.DELETED))
        assert (await store.get_tenant(TENANT_B)).status is TenantStatus.ACTIVE

    async def test_the_system_scope_reaches_the_directory_but_no_documents(
        self, adapter: MetadataStore
    ) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        await store.add_document(make_document())
        async with adapter.unit_of_work(None, read_only=True) as unit:
            assert {t.id for t in await unit.tenants.list()} == {TENANT_A, TENANT_B}
            with pytest.raises(OutOfScope):
                await unit.documents.list(TENANT_A)

    async def test_corpus_versions_start_at_zero_and_count_per_tenant(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        for expected in (1, 2):
            async with adapter.unit_of_work(TENANT_A) as unit:
                assert await unit.tenants.bump_corpus_version(TENANT_A) == expected
                await unit.commit()
        assert (await store.get_tenant(TENANT_A)).corpus_version == 2
        assert (await store.get_tenant(TENANT_B)).corpus_version == 0
        async with adapter.unit_of_work(TENANT_A) as unit:
            held = await unit.tenants.get(TENANT_A, for_update=True)
            assert await unit.tenants.bump_corpus_version(TENANT_A) == 3  # by an event handler
            saved = await unit.tenants.save(held.moved_to(TenantStatus.SUSPENDED, datetime.now(UTC)))
            await unit.commit()
        assert saved.corpus_version == 3  # a save never takes the version back
        assert (await store.get_tenant(TENANT_A)).corpus_version == 3

    async def test_embedding_spaces_per_tenant_and_in_the_registry(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await _add_both_tenants(store)
        async with adapter.unit_of_work(None) as unit:
            assert await unit.tenants.adopt_space("minilm-384") == 2
            assert await unit.tenants.adopt_space("other-8") == 0  # only tenants with none
            first = EmbeddingSpaceRecord("minilm-384", "sentence_transformers", {"model": "m", "n": [1]}, 384)
            assert await unit.spaces.register(first) == first
            again = EmbeddingSpaceRecord("minilm-384", "hashing", {}, 384)
            assert await unit.spaces.register(again) == first  # the first record stays
            await unit.commit()
        async with adapter.unit_of_work(TENANT_A) as unit:
            held = await unit.tenants.get(TENANT_A, for_update=True)
            await unit.tenants.save(held.searching("hashing-8", datetime.now(UTC)))
            await unit.commit()
        tenant_a, tenant_b = await store.get_tenant(TENANT_A), await store.get_tenant(TENANT_B)
        assert (tenant_a.embedding_space, tenant_a.reindex_cursor) == ("hashing-8", None)
        assert (tenant_b.embedding_space, tenant_b.reindex_cursor) == ("minilm-384", None)
        async with adapter.unit_of_work(None, read_only=True) as unit:
            assert await unit.spaces.get("minilm-384") == first
            assert await unit.spaces.get("unknown-1") is None
            assert sorted(await unit.spaces.in_use()) == ["hashing-8", "minilm-384"]
        async with adapter.unit_of_work(TENANT_A, read_only=True) as unit:
            with pytest.raises(OutOfScope):
                await unit.spaces.get("minilm-384")
            with pytest.raises(OutOfScope):
                await unit.tenants.adopt_space("x-1")

    # Ingestion bookkeeping.

    async def test_list_filters_by_status(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        queued = await store.add_document(make_document())
        failed = await store.add_document(make_document(status=DocumentStatus.FAILED))
        deleting = await store.add_document(make_document(status=DocumentStatus.DELETING))
        await store.add_document(make_document(TENANT_B))
        unfinished = await store.list_documents(
            TENANT_A, statuses=[DocumentStatus.QUEUED, DocumentStatus.DELETING]
        )
        assert {d.id for d in unfinished} == {queued.id, deleting.id}
        assert [d.id for d in await store.list_documents(TENANT_A, statuses=[DocumentStatus.FAILED])] == [
            failed.id
        ]
        assert await store.list_documents(TENANT_A, statuses=[]) == []

    async def test_list_filters_by_the_message_attachments_came_in(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        message = await store.add_document(make_document(media_type="message/rfc822"))
        first = await store.add_document(make_document(parent_id=message.id))
        second = await store.add_document(make_document(parent_id=message.id))
        await store.add_document(make_document())
        await store.add_document(make_document(TENANT_B, parent_id=message.id))  # not this tenant's
        attached = await store.list_documents(TENANT_A, parent_id=message.id)
        assert [d.id for d in attached] == [second.id, first.id]
        assert (await store.get_document(TENANT_A, first.id)).parent_id == message.id
        assert (await store.get_document(TENANT_A, message.id)).parent_id is None
        assert len(await store.list_documents(TENANT_A)) == 4

    async def test_a_document_row_can_be_held_for_the_unit(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document())
        async with adapter.unit_of_work(TENANT_A) as unit:
            held = await unit.documents.get(TENANT_A, document.id, for_update=True)
            await unit.documents.save(held.moved_to(DocumentStatus.DELETING, datetime.now(UTC)))
            await unit.commit()
        assert held.status is DocumentStatus.QUEUED
        assert (await store.get_document(TENANT_A, document.id)).status is DocumentStatus.DELETING
        async with adapter.unit_of_work(TENANT_B) as unit:
            with pytest.raises(NotFound):
                await unit.documents.get(TENANT_B, document.id, for_update=True)

    async def test_ready_names_the_tenants_ready_documents_only(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        ready = await store.add_document(make_document(status=DocumentStatus.READY))
        deleting = await store.add_document(make_document(status=DocumentStatus.DELETING))
        other = await store.add_document(make_document(TENANT_B, status=DocumentStatus.READY))
        unknown = DocumentId(str(uuid.uuid4()))
        assert await store.ready(TENANT_A, [ready.id, deleting.id, other.id, unknown]) == {ready.id}
        assert await store.ready(TENANT_A, []) == set()

    async def test_unsearchable_names_documents_being_indexed_or_deleted(
        self, adapter: MetadataStore
    ) -> None:
        store = StoreCalls(adapter)
        await store.add_document(make_document(status=DocumentStatus.READY))
        await store.add_document(make_document(status=DocumentStatus.FAILED))
        first_time = await store.add_document(make_document())
        deleting = await store.add_document(make_document(status=DocumentStatus.DELETING))
        await store.add_document(make_document(TENANT_B, status=DocumentStatus.DELETING))
        assert await store.unsearchable(TENANT_A) == {deleting.id}
        processing = await store.begin_attempt(TENANT_A, first_time.id)
        assert await store.unsearchable(TENANT_A) == {deleting.id, processing.id}
        await store.update_status(TENANT_A, processing.id, DocumentStatus.QUEUED, error="retrying")
        assert await store.unsearchable(TENANT_A) == {deleting.id, processing.id}  # its next try
        await store.begin_attempt(TENANT_A, processing.id)
        await store.update_status(TENANT_A, processing.id, DocumentStatus.READY)
        assert await store.unsearchable(TENANT_A) == {deleting.id}

    async def test_each_attempt_is_counted_and_kept(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document())
        assert document.attempts == 0
        first = await store.begin_attempt(TENANT_A, document.id)
        second = await store.begin_attempt(TENANT_A, document.id)
        assert (first.status, first.attempts, second.attempts) == (DocumentStatus.PROCESSING, 1, 2)
        assert (await store.get_document(TENANT_A, document.id)).attempts == 2
        failed = await store.update_status(TENANT_A, document.id, DocumentStatus.FAILED, error="x")
        assert failed.attempts == 2  # a status change keeps the count
        with pytest.raises(NotFound):
            await store.begin_attempt(TENANT_B, document.id)

    async def test_progress_runs_from_each_attempt_to_ready(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        document = await store.add_document(make_document())
        assert document.progress == 0.0
        await store.begin_attempt(TENANT_A, document.id)
        await store.set_progress(TENANT_A, document.id, 0.4)
        assert (await store.get_document(TENANT_A, document.id)).progress == pytest.approx(0.4)
        await store.set_progress(TENANT_A, document.id, 7.0)  # clamped
        assert (await store.get_document(TENANT_A, document.id)).progress == 1.0
        assert (await store.begin_attempt(TENANT_A, document.id)).progress == 0.0  # a retry starts over
        await store.set_progress(TENANT_A, document.id, 0.5)
        queued = await store.update_status(TENANT_A, document.id, DocumentStatus.QUEUED, error="retrying")
        assert queued.progress == pytest.approx(0.5)  # where it stopped
        await store.begin_attempt(TENANT_A, document.id)
        ready = await store.update_status(TENANT_A, document.id, DocumentStatus.READY, chunk_count=1)
        assert ready.progress == 1.0
        with pytest.raises(NotFound):
            await store.set_progress(TENANT_B, document.id, 0.1)

    async def test_a_tenant_row_can_be_held_for_the_unit(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        await store.add_tenant(make_tenant())
        async with adapter.unit_of_work(TENANT_A) as unit:
            held = await unit.tenants.get(TENANT_A, for_update=True)
            await unit.tenants.save(held.moved_to(TenantStatus.DELETED, datetime.now(UTC)))
            await unit.commit()
        assert held.status is TenantStatus.ACTIVE
        assert (await store.get_tenant(TENANT_A)).status is TenantStatus.DELETED

    # ----- the outbox ----------------------------------------------------------------------------

    async def test_the_outbox_is_written_in_a_tenants_scope_and_relayed_in_the_systems(
        self, adapter: MetadataStore
    ) -> None:
        now = datetime.now(UTC)

        def entry(tenant: TenantId, age: float) -> OutboxEntry:
            """Due `age` seconds ago (a negative age: due later)."""
            job = Job.ingest(IngestJob(tenant, DocumentId(str(uuid.uuid4())), Modality.AUDIO))
            written = now - timedelta(seconds=60)
            return OutboxEntry(str(uuid.uuid4()), job, written, now - timedelta(seconds=age))

        oldest, newer, fresh, other = (
            entry(TENANT_A, 30),
            entry(TENANT_A, 20),
            entry(TENANT_A, -10),
            entry(TENANT_B, 25),
        )
        async with adapter.unit_of_work(TENANT_A) as unit:
            for written in (newer, oldest, fresh):
                await unit.outbox.add(written)
            with pytest.raises(OutOfScope):
                await unit.outbox.add(other)
            await unit.commit()
        async with adapter.unit_of_work(TENANT_B) as unit:
            await unit.outbox.add(other)
            await unit.outbox.add(entry(TENANT_B, 40))  # rolled back with its unit
        async with adapter.unit_of_work(TENANT_B) as unit:
            await unit.outbox.add(other)
            await unit.outbox.remove([oldest.id])  # another tenant's: left alone
            with pytest.raises(OutOfScope):
                await unit.outbox.due(now=now)
            await unit.commit()
        async with adapter.unit_of_work(None) as unit:
            due = await unit.outbox.due(now=now)
            assert [e.id for e in due] == [oldest.id, other.id, newer.id]  # earliest due first
            assert due[0] == oldest  # the job, its times and its lane as written
            assert [e.id for e in await unit.outbox.due(now=now, limit=1)] == [oldest.id]
            await unit.outbox.remove([oldest.id, other.id])
            await unit.commit()
        async with adapter.unit_of_work(TENANT_A) as unit:
            await unit.outbox.remove([newer.id])
            await unit.commit()
        async with adapter.unit_of_work(None) as unit:
            assert await unit.outbox.due(now=now) == []
            assert [e.id for e in await unit.outbox.due(now=now + timedelta(seconds=11))] == [fresh.id]

    async def test_the_operators_jobs_are_written_in_the_system_scope(self, adapter: MetadataStore) -> None:
        job = Job.deliver_webhook(SYSTEM_OWNER, "msg_1", 1)
        now = datetime.now(UTC)
        entry = OutboxEntry(str(uuid.uuid4()), job, now, now)
        async with adapter.unit_of_work(TENANT_A) as unit:
            with pytest.raises(OutOfScope):
                await unit.outbox.add(entry)
        async with adapter.unit_of_work(None) as unit:
            await unit.outbox.add(entry)
            await unit.commit()
        async with adapter.unit_of_work(None) as unit:
            assert await unit.outbox.due(now=now) == [entry]

    # ----- webhooks ------------------------------------------------------------------------------

    async def test_webhook_endpoints_and_deliveries_are_their_owners_alone(
        self, adapter: MetadataStore
    ) -> None:
        mine, theirs = make_endpoint(TENANT_A), make_endpoint(TENANT_B)
        operator = make_endpoint(SYSTEM_OWNER, event_types=("tenant.deleted",))
        async with adapter.unit_of_work(TENANT_A) as unit:
            await unit.webhooks.add_endpoint(mine)
            with pytest.raises(OutOfScope):
                await unit.webhooks.add_endpoint(theirs)
            with pytest.raises(OutOfScope):
                await unit.webhooks.add_endpoint(operator)
            await unit.commit()
        async with adapter.unit_of_work(TENANT_B) as unit:
            await unit.webhooks.add_endpoint(theirs)
            await unit.commit()
        async with adapter.unit_of_work(None) as unit:
            await unit.webhooks.add_endpoint(operator)
            with pytest.raises(OutOfScope):
                await unit.webhooks.list_endpoints(TENANT_A)
            await unit.commit()
        async with adapter.unit_of_work(TENANT_A) as unit:
            assert await unit.webhooks.list_endpoints(TENANT_A) == [mine]
            with pytest.raises(NotFound):
                await unit.webhooks.get_endpoint(TENANT_A, theirs.id)  # another tenant's is unknown
            with pytest.raises(OutOfScope):
                await unit.webhooks.get_endpoint(TENANT_B, theirs.id)
            with pytest.raises(NotFound):
                await unit.webhooks.add_delivery(make_delivery(theirs, owner=TENANT_A))
        async with adapter.unit_of_work(None) as unit:
            assert await unit.webhooks.list_endpoints(SYSTEM_OWNER) == [operator]

    async def test_endpoints_are_chosen_by_event_and_count_their_failures(
        self, adapter: MetadataStore
    ) -> None:
        ready = make_endpoint(event_types=("document.ready",))
        both = make_endpoint(event_types=("document.ready", "chat.deleted"))
        async with adapter.unit_of_work(TENANT_A) as unit:
            await unit.webhooks.add_endpoint(ready)
            await unit.webhooks.add_endpoint(both)
            assert await unit.webhooks.list_endpoints(TENANT_A, event_type="chat.deleted") == [both]
            await unit.webhooks.save_endpoint(dataclasses.replace(both, enabled=False, disabled_reason="x"))
            assert await unit.webhooks.list_endpoints(TENANT_A, event_type="chat.deleted") == []
            assert await unit.webhooks.list_endpoints(TENANT_A, event_type="document.ready") == [ready]
            for _ in range(3):
                counted = await unit.webhooks.count_attempt(TENANT_A, ready.id, delivered=False)
            assert counted.failures == 3
            assert (await unit.webhooks.count_attempt(TENANT_A, ready.id, delivered=True)).failures == 0
            await unit.commit()
        async with adapter.unit_of_work(TENANT_A) as unit:
            stored = await unit.webhooks.get_endpoint(TENANT_A, both.id)
            assert (stored.enabled, stored.disabled_reason, stored.event_types) == (
                False,
                "x",
                ("document.ready", "chat.deleted"),
            )
            with pytest.raises(NotFound):
                await unit.webhooks.count_attempt(TENANT_A, "wh_gone", delivered=True)

    async def test_deliveries_are_logged_newest_first_and_go_with_their_endpoint(
        self, adapter: MetadataStore
    ) -> None:
        endpoint, other = make_endpoint(), make_endpoint()
        start = datetime.now(UTC)
        logged = [make_delivery(endpoint, created_at=start + timedelta(seconds=n)) for n in range(3)]
        async with adapter.unit_of_work(TENANT_A) as unit:
            await unit.webhooks.add_endpoint(endpoint)
            await unit.webhooks.add_endpoint(other)
            for delivery in logged:
                await unit.webhooks.add_delivery(delivery)
            await unit.webhooks.add_delivery(make_delivery(other))
            await unit.commit()
        done = dataclasses.replace(
            logged[0], status=DeliveryStatus.DELIVERED, attempts=2, response_status=204, last_attempt_at=start
        )
        async with adapter.unit_of_work(TENANT_A) as unit:
            await unit.webhooks.save_delivery(done)
            assert await unit.webhooks.get_delivery(TENANT_A, done.id) == done
            page = await unit.webhooks.list_deliveries(TENANT_A, endpoint.id, limit=2)
            assert [d.id for d in page] == [logged[2].id, logged[1].id]
            rest = await unit.webhooks.list_deliveries(TENANT_A, endpoint.id, limit=2, offset=2)
            assert rest == [done]
            await unit.webhooks.delete_endpoint(TENANT_A, endpoint.id)
            await unit.commit()
        async with adapter.unit_of_work(TENANT_A) as unit:
            with pytest.raises(NotFound):
                await unit.webhooks.get_delivery(TENANT_A, done.id)
            with pytest.raises(NotFound):
                await unit.webhooks.save_delivery(done)
            with pytest.raises(NotFound):
                await unit.webhooks.delete_endpoint(TENANT_A, endpoint.id)
            assert await unit.webhooks.purge(TENANT_A) == 2  # the other endpoint and its delivery
            await unit.commit()
        async with adapter.unit_of_work(TENANT_A) as unit:
            assert await unit.webhooks.list_endpoints(TENANT_A) == []

    # ----- chats ---------------------------------------------------------------------------------

    async def test_chats_keep_their_messages_in_order_with_what_answers_cited(
        self, adapter: MetadataStore
    ) -> None:
        store = StoreCalls(adapter)
        chat = await store.add_chat(make_chat())
        answer = make_message(
            "assistant",
            "Built in 1871 [1].",
            references=(
                Reference(1, DocumentId("d1"), 3, 0.5, Location(page=2), media_type="application/pdf"),
                Reference(
                    2,
                    DocumentId("d2"),
                    0,
                    0.25,
                    Location(start_seconds=12.5, end_seconds=18.0, track="frame", frame=4),
                    media_type="video/mp4",
                ),
                Reference(3, DocumentId("d3"), 1, 0.125),
            ),
            model="extractive",
            latency_ms=42,
            no_answer=False,
        )
        after = await store.append(chat.id, [make_message("user", "When was it built?"), answer])
        assert after.message_count == 2 and after.updated_at >= chat.updated_at
        stored = await store.messages(chat.id)
        assert [(m.seq, m.role, m.content) for m in stored] == [
            (1, "user", "When was it built?"),
            (2, "assistant", "Built in 1871 [1]."),
        ]
        assert stored[1].references == answer.references
        assert (stored[1].model, stored[1].latency_ms, stored[1].cached, stored[1].finished) == (
            "extractive",
            42,
            False,
            True,
        )
        await store.append(
            chat.id,
            [make_message("user", "Who?"), make_message("assistant", "", finished=False, error="timeout")],
        )
        last = await store.last_messages(chat.id, 3)
        assert [m.seq for m in last] == [2, 3, 4]
        assert (last[-1].finished, last[-1].error) == (False, "timeout")
        assert [m.seq for m in await store.messages(chat.id, limit=2, offset=1)] == [2, 3]
        assert await store.last_messages(chat.id, 0) == []

    async def test_chats_are_listed_newest_first_and_deleted_with_their_messages(
        self, adapter: MetadataStore
    ) -> None:
        store = StoreCalls(adapter)
        base = datetime.now(UTC)
        made = [await store.add_chat(make_chat(created_at=base + timedelta(seconds=i))) for i in range(3)]
        await store.append(made[0].id, [make_message("user", "hello")])
        assert [c.id for c in await store.list_chats(TENANT_A)] == [c.id for c in reversed(made)]
        assert [c.id for c in await store.list_chats(TENANT_A, limit=1, offset=1)] == [made[1].id]
        await store.delete_chat(made[0].id)
        with pytest.raises(NotFound):
            await store.messages(made[0].id)
        with pytest.raises(NotFound):
            await store.delete_chat(made[0].id)
        assert len(await store.list_chats(TENANT_A)) == 2

    async def test_another_tenants_chat_is_not_found(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        chat = await store.add_chat(make_chat(TENANT_A))
        for call in (
            lambda u: u.chats.get(TENANT_B, chat.id),
            lambda u: u.chats.messages(TENANT_B, chat.id),
            lambda u: u.chats.get(TENANT_B, chat.id, for_update=True),
            lambda u: u.chats.save(dataclasses.replace(chat, tenant_id=TENANT_B, message_count=1)),
            lambda u: u.chats.delete(TENANT_B, chat.id),
        ):
            with pytest.raises(NotFound):
                await store._write(TENANT_B, call)
        assert list(await store.list_chats(TENANT_B)) == []
        assert (await store.get_chat(TENANT_A, chat.id)).message_count == 0

    async def test_purge_removes_the_tenants_chats_only(self, adapter: MetadataStore) -> None:
        store = StoreCalls(adapter)
        mine = await store.add_chat(make_chat(TENANT_A))
        theirs = await store.add_chat(make_chat(TENANT_B))
        await store.append(mine.id, [make_message("user", "a")])
        await store.append(theirs.id, [make_message("user", "b", tenant=TENANT_B)], tenant=TENANT_B)
        assert await store._write(TENANT_A, lambda u: u.chats.purge(TENANT_A)) == 1
        assert list(await store.list_chats(TENANT_A)) == []
        assert [m.content for m in await store.messages(theirs.id, tenant=TENANT_B)] == ["b"]
