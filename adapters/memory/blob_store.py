"""An in-memory BlobStore."""

from __future__ import annotations

from ragloom.core.errors import NotFound
from ragloom.core.models import TenantId


class InMemoryBlobStore:
    def __init__(self) -> None:
        self._blobs: dict[tuple[str, str], bytes] = {}

    async def put(self, tenant: TenantId, key: str, data: bytes, media_type: str) -> None:
        self._blobs[(tenant, key)] = bytes(data)

    async def get(self, tenant: TenantId, key: str) -> bytes:
        try:
            return self._blobs[(tenant, key)]
        except KeyError:
            raise NotFound(f"blob {key!r} not found") from None

    async def delete(self, tenant: TenantId, key: str) -> None:
        self._blobs.pop((tenant, key), None)

    async def delete_tenant(self, tenant: TenantId) -> int:
        keys = [k for k in self._blobs if k[0] == tenant]
        for k in keys:
            del self._blobs[k]
        return len(keys)
