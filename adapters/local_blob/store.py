"""Blobs as files under a root folder, one sub-folder per tenant; writes are atomic."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ragloom.core.errors import InvalidInput, NotFound, ProviderUnavailable
from ragloom.core.models import TenantId

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class LocalBlobSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: str


def _part(value: str, what: str) -> str:
    if not _SAFE_PART.match(value) or value in {".", ".."}:
        raise InvalidInput(f"invalid {what} {value!r}")
    return value


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, tenant: TenantId, key: str) -> Path:
        parts = [_part(p, "blob key part") for p in key.split("/")]
        return self._root.joinpath(_part(tenant, "tenant id"), *parts)

    async def put(self, tenant: TenantId, key: str, data: bytes, media_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(tenant, key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError as error:
            raise ProviderUnavailable(f"cannot write blob: {error.strerror}", retryable=False) from error

    async def get(self, tenant: TenantId, key: str) -> bytes:
        path = self._path(tenant, key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound(f"blob {key!r} not found") from None

    async def delete(self, tenant: TenantId, key: str) -> None:
        path = self._path(tenant, key)
        await asyncio.to_thread(path.unlink, missing_ok=True)
        parent = path.parent
        tenant_root = self._root / tenant
        while parent != tenant_root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    async def delete_tenant(self, tenant: TenantId) -> int:
        folder = self._root / _part(tenant, "tenant id")
        if not folder.exists():
            return 0
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
        return count

    async def health(self) -> None:
        if not os.access(self._root, os.W_OK):
            raise ProviderUnavailable(f"blob folder {self._root} is not writable")


@asynccontextmanager
async def open_blob_store(settings: LocalBlobSettings) -> AsyncIterator[LocalBlobStore]:
    root = Path(settings.root).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    yield LocalBlobStore(root)
