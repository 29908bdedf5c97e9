"""An in-memory BlobStore (tests and demos): bytes in a dict, local files as temporary copies."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from ragloom.core.errors import NotFound
from ragloom.core.models import TenantId

CHUNK_BYTES = 1 << 16


class InMemoryBlobStore:
    def __init__(self) -> None:
        self._blobs: dict[tuple[str, str], bytes] = {}
        self.written: dict[tuple[str, str], datetime] = {}  # tests may age a blob

    async def put(self, tenant: TenantId, key: str, chunks: AsyncIterable[bytes], media_type: str) -> int:
        data = b"".join([chunk async for chunk in chunks])
        self._blobs[(tenant, key)] = data
        self.written[(tenant, key)] = datetime.now(UTC)
        return len(data)

    def _get(self, tenant: TenantId, key: str) -> bytes:
        try:
            return self._blobs[(tenant, key)]
        except KeyError:
            raise NotFound(f"blob {key!r} not found") from None

    async def keys(self, tenant: TenantId, prefix: str = "") -> AsyncIterator[tuple[str, datetime]]:
        for (owner, key), written in sorted(self.written.items()):
            if owner == tenant and key.startswith(prefix):
                yield key, written

    async def read(self, tenant: TenantId, key: str) -> AsyncIterator[bytes]:
        data = self._get(tenant, key)
        for start in range(0, len(data), CHUNK_BYTES):
            yield data[start : start + CHUNK_BYTES]

    @asynccontextmanager
    async def local_file(self, tenant: TenantId, key: str) -> AsyncIterator[Path]:
        data = self._get(tenant, key)
        descriptor, name = tempfile.mkstemp(prefix="ragloom-blob-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                await asyncio.to_thread(handle.write, data)
            yield Path(name)
        finally:
            Path(name).unlink(missing_ok=True)

    async def presigned_url(self, tenant: TenantId, key: str, expires_in: int) -> str | None:
        return None

    async def delete(self, tenant: TenantId, key: str) -> None:
        self._blobs.pop((tenant, key), None)
        self.written.pop((tenant, key), None)

    async def delete_tenant(self, tenant: TenantId) -> int:
        keys = [k for k in self._blobs if k[0] == tenant]
        for k in keys:
            del self._blobs[k]
            del self.written[k]
        return len(keys)
