"""Read a multipart upload with a hard size cap, before anything is parsed or stored."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from ragloom.core.errors import InvalidInput, PayloadTooLarge

MULTIPART_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str | None
    data: bytes


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise InvalidInput("Content-Length is not a number") from None
        if size > limit:
            raise PayloadTooLarge(
                f"the request is {size} bytes; the maximum upload is {limit - MULTIPART_OVERHEAD}"
            )
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(
                f"the request is over the maximum upload of {limit - MULTIPART_OVERHEAD} bytes"
            )
    return bytes(body)


async def read_upload(request: Request, max_bytes: int, field: str = "file") -> Upload:
    """The one file of field `field`; 400 for a malformed or wrong-type body, 413 when too big."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise InvalidInput(f"send the document as multipart/form-data with the file in field {field!r}")
    body = await _read_capped(request, max_bytes + MULTIPART_OVERHEAD)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    parsed = Request(request.scope, replay)
    try:
        form = await parsed.form(max_files=1, max_fields=16)
    except HTTPException as error:
        raise InvalidInput(f"malformed multipart body: {error.detail}") from None
    except (ValueError, KeyError) as error:
        raise InvalidInput(f"malformed multipart body: {error}") from None
    try:
        item = form.get(field)
        if not isinstance(item, UploadFile):
            raise InvalidInput(f"multipart field {field!r} with a file is required")
        data = await item.read()
        if len(data) > max_bytes:
            raise PayloadTooLarge(f"{item.filename!r} is {len(data)} bytes; the maximum is {max_bytes}")
        return Upload(item.filename or "upload", item.content_type, data)
    finally:
        await form.close()
