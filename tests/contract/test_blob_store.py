import os
import stat

import pytest

from ragloom.adapters.local_blob.store import LocalBlobSettings, open_blob_store
from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.contracts.testing.blob_store import A, BlobStoreContract, put_bytes
from ragloom.core.errors import InvalidInput
from ragloom.core.models import TenantId


class TestInMemoryBlobStore(BlobStoreContract):
    @pytest.fixture
    async def adapter(self):
        yield InMemoryBlobStore()


class TestLocalBlobStore(BlobStoreContract):
    @pytest.fixture
    async def adapter(self, tmp_path):
        async with open_blob_store(LocalBlobSettings(root=str(tmp_path / "blobs"))) as store:
            yield store

    @pytest.mark.parametrize("key", ["../escape", "a/../../b", "/abs", "a//b", ".hidden", "a/\x00"])
    async def test_keys_cannot_escape_the_tenant_folder(self, adapter, key):
        with pytest.raises(InvalidInput):
            await put_bytes(adapter, A, key, b"x")

    async def test_tenant_ids_cannot_escape_the_root(self, adapter):
        with pytest.raises(InvalidInput):
            await put_bytes(adapter, TenantId(".."), "k", b"x")

    async def test_delete_prunes_empty_folders(self, adapter, tmp_path):
        await put_bytes(adapter, A, "documents/d1/original", b"x")
        await adapter.delete(A, "documents/d1/original")
        assert not (tmp_path / "blobs" / A / "documents").exists()

    async def test_blobs_are_private_whatever_the_umask(self, adapter, tmp_path):
        previous = os.umask(0o022)
        try:
            await put_bytes(adapter, A, "documents/d1/original", b"chunk text")
        finally:
            os.umask(previous)
        blob = tmp_path / "blobs" / A / "documents" / "d1" / "original"
        assert stat.S_IMODE(blob.stat().st_mode) == 0o600
        for folder in (blob.parent, blob.parent.parent, tmp_path / "blobs" / A):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    async def test_a_failed_put_leaves_no_temporary_file(self, adapter, tmp_path):
        async def broken():
            yield b"x" * 1000
            raise ConnectionResetError

        with pytest.raises(ConnectionResetError):
            await adapter.put(A, "documents/d9/original", broken(), "text/plain")
        leftovers = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
        assert leftovers == []
