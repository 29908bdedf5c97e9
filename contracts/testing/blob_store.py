"""Contract tests every BlobStore passes. Subclasses provide an async fixture `blobs` (a fresh store)."""

from __future__ import annotations

import pytest

from ragloom.core.errors import NotFound
from ragloom.core.models import TenantId

A = TenantId("tenant-a")
B = TenantId("tenant-b")


class BlobStoreContract:
    async def test_put_then_get_round_trips_bytes(self, blobs):
        data = bytes(range(256)) * 10
        await blobs.put(A, "documents/d1/original", data, "application/pdf")
        assert await blobs.get(A, "documents/d1/original") == data

    async def test_put_replaces(self, blobs):
        await blobs.put(A, "k", b"one", "text/plain")
        await blobs.put(A, "k", b"two", "text/plain")
        assert await blobs.get(A, "k") == b"two"

    async def test_missing_key_is_not_found(self, blobs):
        with pytest.raises(NotFound):
            await blobs.get(A, "documents/none/original")

    async def test_tenants_are_isolated(self, blobs):
        await blobs.put(A, "documents/d1/original", b"secret of a", "text/plain")
        with pytest.raises(NotFound):
            await blobs.get(B, "documents/d1/original")
        await blobs.delete(B, "documents/d1/original")
        assert await blobs.delete_tenant(B) == 0
        assert await blobs.get(A, "documents/d1/original") == b"secret of a"

    async def test_delete_is_idempotent(self, blobs):
        await blobs.put(A, "documents/d1/original", b"x", "text/plain")
        await blobs.delete(A, "documents/d1/original")
        await blobs.delete(A, "documents/d1/original")
        with pytest.raises(NotFound):
            await blobs.get(A, "documents/d1/original")

    async def test_delete_tenant_removes_everything_of_that_tenant(self, blobs):
        for i in range(3):
            await blobs.put(A, f"documents/d{i}/original", b"x", "text/plain")
        await blobs.put(B, "documents/d0/original", b"y", "text/plain")
        assert await blobs.delete_tenant(A) == 3
        with pytest.raises(NotFound):
            await blobs.get(A, "documents/d0/original")
        assert await blobs.get(B, "documents/d0/original") == b"y"
