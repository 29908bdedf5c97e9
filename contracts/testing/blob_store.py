"""Contract tests every BlobStore passes. Subclasses provide an async fixture `adapter` (a fresh store)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ragloom.core.errors import NotFound
from ragloom.core.models import TenantId
from ragloom.core.ports import BlobStore

A = TenantId("tenant-a")
B = TenantId("tenant-b")


async def chunks_of(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def put_bytes(store: BlobStore, tenant: TenantId, key: str, data: bytes) -> int:
    return await store.put(tenant, key, chunks_of(data), "application/octet-stream")


async def read_bytes(store: BlobStore, tenant: TenantId, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(tenant, key)])


class BlobStoreContract:
    async def test_streamed_put_then_read_round_trips_bytes(self, adapter: BlobStore) -> None:
        parts = [bytes(range(256)) * 40, b"", b"tail" * 1000]
        size = await adapter.put(A, "documents/d1/original", chunks_of(*parts), "application/pdf")
        assert size == sum(len(p) for p in parts)
        assert await read_bytes(adapter, A, "documents/d1/original") == b"".join(parts)

    async def test_put_replaces(self, adapter: BlobStore) -> None:
        await put_bytes(adapter, A, "k", b"one")
        await put_bytes(adapter, A, "k", b"two")
        assert await read_bytes(adapter, A, "k") == b"two"

    async def test_a_put_that_fails_midway_leaves_the_previous_blob(self, adapter: BlobStore) -> None:
        await put_bytes(adapter, A, "k", b"complete")

        async def broken() -> AsyncIterator[bytes]:
            yield b"half of "
            raise ConnectionResetError("the client went away")

        with pytest.raises(ConnectionResetError):
            await adapter.put(A, "k", broken(), "text/plain")
        assert await read_bytes(adapter, A, "k") == b"complete"

    async def test_missing_key_is_not_found(self, adapter: BlobStore) -> None:
        with pytest.raises(NotFound):
            await read_bytes(adapter, A, "documents/none/original")
        with pytest.raises(NotFound):
            async with adapter.local_file(A, "documents/none/original"):
                pass

    async def test_a_local_file_holds_the_bytes(self, adapter: BlobStore) -> None:
        await put_bytes(adapter, A, "documents/d1/original", b"%PDF-1.4 seekable")
        async with adapter.local_file(A, "documents/d1/original") as path:
            assert path.read_bytes() == b"%PDF-1.4 seekable"

    async def test_presigned_url_is_a_url_or_none(self, adapter: BlobStore) -> None:
        await put_bytes(adapter, A, "documents/d1/original", b"x")
        url = await adapter.presigned_url(A, "documents/d1/original", 60)
        assert url is None or url.startswith(("http://", "https://"))

    async def test_tenants_are_isolated(self, adapter: BlobStore) -> None:
        await put_bytes(adapter, A, "documents/d1/original", b"secret of a")
        with pytest.raises(NotFound):
            await read_bytes(adapter, B, "documents/d1/original")
        await adapter.delete(B, "documents/d1/original")
        assert await adapter.delete_tenant(B) == 0
        assert await read_bytes(adapter, A, "documents/d1/original") == b"secret of a"

    async def test_delete_is_idempotent(self, adapter: BlobStore) -> None:
        await put_bytes(adapter, A, "documents/d1/original", b"x")
        await adapter.delete(A, "documents/d1/original")
        await adapter.delete(A, "documents/d1/original")
        with pytest.raises(NotFound):
            await read_bytes(adapter, A, "documents/d1/original")

    async def test_delete_tenant_removes_everything_of_that_tenant(self, adapter: BlobStore) -> None:
        for i in range(3):
            await put_bytes(adapter, A, f"documents/d{i}/original", b"x")
        await put_bytes(adapter, B, "documents/d0/original", b"y")
        assert await adapter.delete_tenant(A) == 3
        with pytest.raises(NotFound):
            await read_bytes(adapter, A, "documents/d0/original")
        assert await read_bytes(adapter, B, "documents/d0/original") == b"y"

    async def test_keys_list_the_tenants_blobs_under_a_prefix(self, adapter: BlobStore) -> None:
        await put_bytes(adapter, A, "documents/d1/original", b"x")
        await put_bytes(adapter, A, "documents/d2/original", b"y")
        await put_bytes(adapter, A, "frames/f1.jpg", b"z")
        await put_bytes(adapter, B, "documents/d3/original", b"w")
        listed = [key async for key, _ in adapter.keys(A, "documents/")]
        assert sorted(listed) == ["documents/d1/original", "documents/d2/original"]
        assert sorted([key async for key, _ in adapter.keys(A)]) == [*sorted(listed), "frames/f1.jpg"]
        written = [when async for _, when in adapter.keys(A)]
        assert all(when.utcoffset() is not None for when in written)
        assert [key async for key, _ in adapter.keys(TenantId("nobody"))] == []
