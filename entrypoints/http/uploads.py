"""Read a multipart upload as a stream with a hard size cap: the file part is spooled to disk by the
parser (1 MB in memory at most), so a large upload never sits in memory whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from ragloom.core.errors import InvalidInput, PayloadTooLarge
from ragloom.core.streams import CHUNK_BYTES, IncomingFile

MULTIPART_OVERHEAD = 64 * 1024


def _declared_size(request: Request) -> int | None:
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    try:
        return int(declared)
    except ValueError:
        raise InvalidInput("Content-Length is not a number") from None


def _capped(request: Request, limit: int) -> Request:
    """The same request, whose body stream raises PayloadTooLarge once it passes `limit` bytes."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(
                    f"the request is over the maximum upload of {limit - MULTIPART_OVERHEAD} bytes"
                )
        return message

    return Request(request.scope, receive)


def _reader(item: UploadFile) -> IncomingFile:
    async def chunks() -> AsyncIterator[bytes]:
        await item.seek(0)
        while data := await item.read(CHUNK_BYTES):
            yield data

    return IncomingFile(item.filename or "upload", item.content_type, chunks)


@asynccontextmanager
async def read_upload(request: Request, max_bytes: int, field: str = "file") -> AsyncIterator[IncomingFile]:
    """The one file of field `field`, spooled; 400 for a malformed or wrong-type body, 413 when too
    big. The spooled file is removed when the context exits."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise InvalidInput(f"send the document as multipart/form-data with the file in field {field!r}")
    limit = max_bytes + MULTIPART_OVERHEAD
    declared = _declared_size(request)
    if declared is not None and declared > limit:
        raise PayloadTooLarge(f"the request is {declared} bytes; the maximum upload is {max_bytes}")
    try:
        form = await _capped(request, limit).form(max_files=1, max_fields=16)
    except HTTPException as error:
        raise InvalidInput(f"malformed multipart body: {error.detail}") from None
    except (ValueError, KeyError) as error:
        raise InvalidInput(f"malformed multipart body: {error}") from None
    try:
        item = form.get(field)
        if not isinstance(item, UploadFile):
            raise InvalidInput(f"multipart field {field!r} with a file is required")
        yield _reader(item)
    finally:
        await form.close()
