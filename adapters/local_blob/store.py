"""Blobs as files under a root folder, one sub-folder per tenant; writes stream to a temporary file
that replaces the blob only once complete. Folders are 0700 and files 0600, whatever the umask."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.blobs import key_parts, safe_part
from ragloom.core.errors import NotFound, ProviderUnavailable
from ragloom.core.models import TenantId


class LocalBlobSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: str = Field(
        description="folder of the blobs, one sub-folder per tenant; created at start if missing"
    )
    read_chunk_bytes: int = Field(1 << 20, ge=4096, description="bytes per chunk when a blob is read")


class LocalBlobStore:
    def __init__(self, root: Path, read_chunk_bytes: int = 1 << 20) -> None:
        self._root = root
        self._chunk = read_chunk_bytes

    def _path(self, tenant: TenantId, key: str) -> Path:
        parts = key_parts(key)
        return self._root.joinpath(safe_part(tenant, "tenant id"), *parts)

    async def put(self, tenant: TenantId, key: str, chunks: AsyncIterable[bytes], media_type: str) -> int:
        path = self._path(tenant, key)
        try:
            await asyncio.to_thread(_private_folders, self._root, path.parent)
            descriptor, temporary = await asyncio.to_thread(tempfile.mkstemp, dir=path.parent, prefix=".tmp-")
        except OSError as error:
            raise ProviderUnavailable(f"cannot write blob: {error.strerror}", retryable=False) from error
        size = 0
        try:
            with os.fdopen(descriptor, "wb") as handle:
                async for chunk in chunks:  # the source's own errors pass through untranslated
                    await _disk(handle.write, chunk)
                    size += len(chunk)
            await _disk(os.replace, temporary, path)
        except BaseException:
            await asyncio.to_thread(_remove, Path(temporary))
            raise
        return size

    async def read(self, tenant: TenantId, key: str) -> AsyncIterator[bytes]:
        path = self._path(tenant, key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise NotFound(f"blob {key!r} not found") from None
        try:
            while chunk := await asyncio.to_thread(handle.read, self._chunk):
                yield chunk
        finally:
            handle.close()

    @asynccontextmanager
    async def local_file(self, tenant: TenantId, key: str) -> AsyncIterator[Path]:
        path = self._path(tenant, key)
        if not await asyncio.to_thread(path.is_file):
            raise NotFound(f"blob {key!r} not found")
        yield path

    async def presigned_url(self, tenant: TenantId, key: str, expires_in: int) -> str | None:
        """None: local files have no URL of their own; the app signs one it serves."""
        self._path(tenant, key)
        return None

    async def delete(self, tenant: TenantId, key: str) -> None:
        path = self._path(tenant, key)
        await asyncio.to_thread(path.unlink, missing_ok=True)
        parent = path.parent
        tenant_root = self._root / tenant
        while parent != tenant_root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    async def delete_tenant(self, tenant: TenantId) -> int:
        folder = self._root / safe_part(tenant, "tenant id")
        if not folder.exists():
            return 0
        count = sum(1 for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".tmp-"))
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
        return count

    async def keys(self, tenant: TenantId, prefix: str = "") -> AsyncIterator[tuple[str, datetime]]:
        folder = self._root / safe_part(tenant, "tenant id")
        found = await asyncio.to_thread(_files_under, folder)
        for path, modified in found:
            key = path.relative_to(folder).as_posix()
            if key.startswith(prefix):
                yield key, modified

    async def health(self) -> None:
        if not os.access(self._root, os.W_OK):
            raise ProviderUnavailable("the blob folder is not writable")


def _private_folders(root: Path, folder: Path) -> None:
    """Create `folder` and the missing folders between it and `root`, each 0700."""
    missing = []
    current = folder
    while current != root and not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)


async def _disk(function: Any, *args: Any) -> Any:
    """A blocking file operation on a thread; a full or read-only disk is ProviderUnavailable."""
    try:
        return await asyncio.to_thread(function, *args)
    except OSError as error:
        raise ProviderUnavailable(f"cannot write blob: {error.strerror}", retryable=False) from error


def _files_under(folder: Path) -> list[tuple[Path, datetime]]:
    """Complete blobs (not temporary files of writes in progress) with their modification times."""
    if not folder.is_dir():
        return []
    return [
        (path, datetime.fromtimestamp(path.stat().st_mtime, UTC))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".tmp-")
    ]


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


@asynccontextmanager
async def open_blob_store(settings: LocalBlobSettings) -> AsyncIterator[LocalBlobStore]:
    root = Path(settings.root).expanduser()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    yield LocalBlobStore(root, settings.read_chunk_bytes)
