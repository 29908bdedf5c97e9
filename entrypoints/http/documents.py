"""/v1/documents: upload, list, read, delete."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ragloom.core.errors import InvalidInput, NotFound
from ragloom.core.media import base_type
from ragloom.core.models import DocumentId

from . import schemas
from .bodies import int_param
from .links import SignedFile
from .openapi import PAGING, Content, Param, operation
from .tenancy import caller_of, tenant_of
from .uploads import Pace, UploadSlots, read_upload

# What a browser may show inline: it runs none of it in this origin (never HTML or SVG).
_INLINE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def _viewable(media_type: str) -> bool:
    kind = base_type(media_type)
    return kind in _INLINE or kind.startswith(("audio/", "video/"))


def _document_id(request: Request) -> DocumentId:
    return _as_document_id(request.path_params["document_id"])


def _as_document_id(raw: str) -> DocumentId:
    try:
        return DocumentId(str(uuid.UUID(raw)))
    except ValueError:
        raise NotFound(f"document {raw[:80]!r} not found") from None


@operation(
    "Upload a document; ingestion is queued",
    {
        200: (schemas.Document, "the same bytes were uploaded before: the existing document"),
        201: (schemas.Document, "created and queued"),
        400: "empty file or malformed multipart body",
        408: "the body arrived too slowly",
        413: "over the maximum upload size",
        415: "unsupported media type",
        429: "the tenant's document or storage quota would be exceeded, or too many of its uploads run",
        503: "a backing service is unavailable, or too many uploads run",
    },
    body=schemas.Upload,
    media="multipart/form-data",
)
async def upload_document(request: Request) -> Response:
    """POST /v1/documents. At most `http.max_concurrent_uploads` bodies are received at once, and
    `http.max_concurrent_uploads_per_tenant` for one tenant; past those the server answers 503 or 429
    with Retry-After rather than queue more spooled files. A body that arrives too slowly is cut off
    with 408."""
    runtime = request.app.state.runtime
    slots: UploadSlots = request.app.state.upload_slots
    tenant = tenant_of(request)
    http = runtime.settings.http
    with slots.taken(tenant):
        service = await runtime.documents()
        async with read_upload(request, http.max_upload_bytes, Pace.of(http)) as upload:
            result = await service.upload(tenant, upload, caller=caller_of(request))
    body = schemas.Document.model_validate(result.document).model_dump(mode="json")
    if not result.created:
        return JSONResponse(body, status_code=200)
    return JSONResponse(body, status_code=201, headers={"Location": f"/v1/documents/{result.document.id}"})


@operation(
    "List documents, newest first",
    {200: (schemas.DocumentList, "documents"), 400: "bad paging", 404: "unknown parent document"},
    params=[
        *PAGING,
        Param(
            "parent_id",
            {"type": "string", "format": "uuid"},
            description="only the attachments of this e-mail",
        ),
    ],
)
async def list_documents(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    parent = request.query_params.get("parent_id")
    parent_id = None if parent is None else _as_document_id(parent)
    service = await request.app.state.runtime.documents()
    documents = await service.list(tenant_of(request), limit=limit, offset=offset, parent_id=parent_id)
    page = schemas.DocumentList(documents=documents, limit=limit, offset=offset)
    return JSONResponse(page.model_dump(mode="json"))


@operation(
    "A document and its ingestion status",
    {200: (schemas.Document, "the document"), 404: "unknown document"},
)
async def get_document(request: Request) -> Response:
    service = await request.app.state.runtime.documents()
    document = await service.get(tenant_of(request), _document_id(request))
    return schemas.shown(schemas.Document, document)


@operation(
    "Delete a document with its vectors and original",
    {204: (None, "deleted"), 404: "unknown document"},
)
async def delete_document(request: Request) -> Response:
    service = await request.app.state.runtime.documents()
    await service.delete(tenant_of(request), _document_id(request), caller=caller_of(request))
    return Response(status_code=204)


@operation(
    "A time-limited link to the uploaded bytes (307 to it; the body repeats it)",
    {
        200: (schemas.SignedLink, "with redirect=false: the link, shown inline where a browser can"),
        307: (schemas.SignedLink, "the link; Location carries it too"),
        400: "redirect is neither true nor false",
        404: "unknown document",
    },
    params=[
        Param(
            "redirect",
            {"type": "boolean", "default": True},
            description="false: answer 200 with the link (for a browser's fetch, which cannot read a "
            "redirect); a PDF, picture, recording or video is then served inline",
        )
    ],
)
async def original(request: Request) -> Response:
    """GET /v1/documents/{id}/original: a 307 to a time-limited link to the uploaded bytes; with
    `?redirect=false`, 200 and the link (the browser console's viewer uses it)."""
    redirect = request.query_params.get("redirect", "true")
    if redirect not in ("true", "false"):
        raise InvalidInput("redirect must be 'true' or 'false'")
    runtime = request.app.state.runtime
    expires_in = runtime.settings.http.link_expiry_seconds
    service = await runtime.documents()
    document, url = await service.original_link(tenant_of(request), _document_id(request), expires_in)
    expires_at = int(time.time()) + expires_in
    if url is None or redirect == "false":  # a browser's viewer gets a link of this origin, CDN or not
        inline = redirect == "false" and _viewable(document.media_type)
        file = SignedFile(
            document.tenant_id, document.blob_key, document.media_type, document.filename, inline
        )
        url, expires_at = request.app.state.links.url(file, expires_in)
    body = schemas.SignedLink(url=url, expires_at=expires_at).model_dump(mode="json")
    if redirect == "false":
        return JSONResponse(body, headers={"Cache-Control": "no-store"})
    return JSONResponse(body, status_code=307, headers={"Location": url, "Cache-Control": "no-store"})


async def _streamed(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """A blob's bytes with the first chunk read now, so a missing blob is a NotFound (a 404)
    before any byte is sent."""
    first = await anext(chunks, b"")

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    return body()


@operation(
    "The JPEG thumbnail of a video's keyframe (a citation's `frame`)",
    {
        200: Content("the thumbnail", {"image/jpeg": {"type": "string"}}),
        404: "unknown document, or a frame it does not have",
    },
)
async def frame(request: Request) -> Response:
    """GET /v1/documents/{id}/frames/{n}: the JPEG thumbnail of a video's keyframe n (from 1), which
    a citation names in `frame`; to the document's own tenant only."""
    raw = request.path_params["frame"]
    if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise NotFound(f"frame {raw[:80]!r} not found")
    service = await request.app.state.runtime.documents()
    chunks = await service.frame(tenant_of(request), _document_id(request), int(raw))
    try:
        body = await _streamed(chunks)
    except NotFound:
        raise NotFound(f"frame {raw} not found") from None
    return StreamingResponse(
        body, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )


@operation(
    "The bytes a signed link names (no key needed; the signature is the credential)",
    {
        200: Content("the bytes", {"application/octet-stream": {"type": "string"}}),
        403: "the signature is wrong or the link expired",
        404: "no such file, or not a link",
    },
    params=[
        Param("expires", {"type": "integer"}, required=True),
        Param("type", {"type": "string"}, required=True),
        Param("name", {"type": "string"}, required=True),
        Param("signature", {"type": "string"}, required=True),
    ],
)
async def signed_file(request: Request) -> Response:
    """GET /files/{tenant}/{key}: the bytes a signed link names, to whoever holds the link."""
    file = request.app.state.links.verify(
        request.path_params["tenant"], request.path_params["key"], dict(request.query_params)
    )
    service = await request.app.state.runtime.documents()
    body = await _streamed(service.read_blob(file.tenant, file.key))
    disposition = f"{'inline' if file.inline else 'attachment'}; filename*=UTF-8''{quote(file.filename)}"
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(body, media_type=file.media_type, headers=headers)


@operation(
    "The caller's tenant: status, usage and the limits that apply",
    {200: (schemas.CurrentTenant, "the tenant")},
)
async def current_tenant(request: Request) -> Response:
    """GET /v1/tenant: who the key belongs to, its usage and the limits that apply to it."""
    runtime = request.app.state.runtime
    tenant_id = tenant_of(request)
    tenants = await runtime.tenants()
    tenant = await tenants.get(tenant_id)
    limits = await (await runtime.documents()).limits(tenant_id)
    current = schemas.CurrentTenant(
        id=tenant.id,
        name=tenant.name,
        status=tenant.status,
        corpus_version=tenant.corpus_version,
        usage=await tenants.usage(tenant_id),
        limits=limits,
    )
    return JSONResponse(current.model_dump(mode="json"))
