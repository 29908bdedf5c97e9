"""Uploads as re-readable byte streams, so no layer needs a whole file in memory."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from .errors import PayloadTooLarge

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """An upload as the edge received it: its name, declared media type, and `open()`, which
    returns a fresh iterator over its bytes each time it is called (the edge spools to disk)."""

    filename: str
    declared_type: str | None
    open: Callable[[], AsyncIterator[bytes]]

    @classmethod
    def from_bytes(cls, filename: str, data: bytes, declared_type: str | None = None) -> IncomingFile:
        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(data), CHUNK_BYTES):
                yield data[start : start + CHUNK_BYTES]

        return cls(filename, declared_type, chunks)


@dataclass(frozen=True, slots=True)
class Measured:
    size: int
    sha256: str
    head: bytes  # the first `head_bytes`, for sniffing the real media type


async def measure(file: IncomingFile, max_bytes: int, head_bytes: int = 4096) -> Measured:
    """Size, SHA-256 hex and head of the file, read once; PayloadTooLarge as soon as it passes
    `max_bytes`."""
    digest = hashlib.sha256()
    size = 0
    head = bytearray()
    async for chunk in file.open():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"{file.filename!r} is over the maximum upload of {max_bytes} bytes")
        digest.update(chunk)
        if len(head) < head_bytes:
            head += chunk[: head_bytes - len(head)]
    return Measured(size, digest.hexdigest(), bytes(head))
