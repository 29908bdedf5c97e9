"""Contract tests every MetadataStore passes. Subclass and provide an async `store` fixture.

class TestMyStore(MetadataStoreContract):
    @pytest.fixture
    async def store(self):
        async with open_my_store() as store:
            yield store  # fresh and empty
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ragloom.core.errors import Conflict, NotFound
from ragloom.core.models import Document, DocumentId, DocumentStatus, TenantId

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


class MetadataStoreContract:
    """The semantics of `ragloom.core.ports.MetadataStore`, for any adapter."""

    async def test_add_then_get_returns_every_field(self, store: Any) -> None:
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

    async def test_same_hash_conflicts_within_a_tenant_only(self, store: Any) -> None:
        first = await store.add_document(make_document(content_hash="a" * 64))
        with pytest.raises(Conflict):
            await store.add_document(make_document(content_hash="a" * 64))
        other = await store.add_document(make_document(TENANT_B, content_hash="a" * 64))
        assert await store.get_document(TENANT_B, other.id) == other
        assert await store.list_documents(TENANT_A) == [first]

    async def test_same_id_conflicts(self, store: Any) -> None:
        first = await store.add_document(make_document())
        with pytest.raises(Conflict):
            await store.add_document(make_document(id=first.id))
        assert await store.get_document(TENANT_A, first.id) == first

    async def test_find_by_hash(self, store: Any) -> None:
        document = await store.add_document(make_document(content_hash="b" * 64))
        assert await store.find_by_hash(TENANT_A, "b" * 64) == document
        assert await store.find_by_hash(TENANT_A, "c" * 64) is None
        assert await store.find_by_hash(TENANT_B, "b" * 64) is None

    async def test_unknown_id_is_not_found(self, store: Any) -> None:
        unknown = DocumentId(str(uuid.uuid4()))
        with pytest.raises(NotFound):
            await store.get_document(TENANT_A, unknown)
        with pytest.raises(NotFound):
            await store.update_status(TENANT_A, unknown, DocumentStatus.READY)
        with pytest.raises(NotFound):
            await store.delete_document(TENANT_A, unknown)

    async def test_other_tenant_cannot_reach_a_document(self, store: Any) -> None:
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

    async def test_list_is_newest_first_with_limit_and_offset(self, store: Any) -> None:
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

    async def test_update_status_through_the_lifecycle(self, store: Any) -> None:
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

        failed = await store.update_status(TENANT_A, document.id, DocumentStatus.FAILED, error="corrupt")
        assert (failed.status, failed.error, failed.chunk_count) == (DocumentStatus.FAILED, "corrupt", 12)
        unchanged = dataclasses.replace(failed, status=document.status, error=None, chunk_count=0)
        assert unchanged == dataclasses.replace(document, updated_at=failed.updated_at)
        assert await store.get_document(TENANT_A, document.id) == failed

    async def test_delete_then_not_found(self, store: Any) -> None:
        document = await store.add_document(make_document())
        kept = await store.add_document(make_document())
        await store.delete_document(TENANT_A, document.id)
        with pytest.raises(NotFound):
            await store.get_document(TENANT_A, document.id)
        with pytest.raises(NotFound):
            await store.delete_document(TENANT_A, document.id)
        assert await store.list_documents(TENANT_A) == [kept]
        assert await store.find_by_hash(TENANT_A, document.content_hash) is None

    async def test_deleted_hash_can_be_added_again(self, store: Any) -> None:
        document = await store.add_document(make_document())
        await store.delete_document(TENANT_A, document.id)
        again = await store.add_document(make_document(content_hash=document.content_hash))
        assert await store.find_by_hash(TENANT_A, document.content_hash) == again
