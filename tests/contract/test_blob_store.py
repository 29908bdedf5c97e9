import pytest

from ragloom.adapters.local_blob import LocalBlobSettings, open_blob_store
from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.contracts.testing.blob_store import A, BlobStoreContract
from ragloom.core.errors import InvalidInput
from ragloom.core.models import TenantId


class TestInMemoryBlobStore(BlobStoreContract):
    @pytest.fixture
    async def blobs(self):
        yield InMemoryBlobStore()


class TestLocalBlobStore(BlobStoreContract):
    @pytest.fixture
    async def blobs(self, tmp_path):
        async with open_blob_store(LocalBlobSettings(root=str(tmp_path / "blobs"))) as store:
            yield store

    @pytest.mark.parametrize("key", ["../escape", "a/../../b", "/abs", "a//b", ".hidden", "a/\x00"])
    async def test_keys_cannot_escape_the_tenant_folder(self, blobs, key):
        with pytest.raises(InvalidInput):
            await blobs.put(A, key, b"x", "text/plain")

    async def test_tenant_ids_cannot_escape_the_root(self, blobs):
        with pytest.raises(InvalidInput):
            await blobs.put(TenantId(".."), "k", b"x", "text/plain")

    async def test_delete_prunes_empty_folders(self, blobs, tmp_path):
        await blobs.put(A, "documents/d1/original", b"x", "text/plain")
        await blobs.delete(A, "documents/d1/original")
        assert not (tmp_path / "blobs" / A / "documents").exists()
