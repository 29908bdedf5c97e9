"""/v1/documents: upload, list, read, delete."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ragloom.core.errors import NotFound
from ragloom.core.models import DocumentId

from .bodies import int_param
from .serialize import document_json, usage_json
from .tenancy import caller_of, tenant_of
from .uploads import read_upload


def _document_id(request: Request) -> DocumentId:
    raw = request.path_params["document_id"]
    try:
        return DocumentId(str(uuid.UUID(raw)))
    except ValueError:
        raise NotFound(f"document {raw!r} not found") from None


async def upload_document(request: Request) -> Response:
    runtime = request.app.state.runtime
    upload = await read_upload(request, runtime.settings.http.max_upload_bytes)
    service = await runtime.documents()
    result = await service.upload(
        tenant_of(request), upload.filename, upload.data, upload.content_type, caller=caller_of(request)
    )
    body = document_json(result.document)
    if not result.created:
        return JSONResponse(body, status_code=200)
    return JSONResponse(body, status_code=201, headers={"Location": f"/v1/documents/{result.document.id}"})


async def list_documents(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    service = await request.app.state.runtime.documents()
    documents = await service.list(tenant_of(request), limit=limit, offset=offset)
    return JSONResponse(
        {"documents": [document_json(d) for d in documents], "limit": limit, "offset": offset}
    )


async def get_document(request: Request) -> Response:
    service = await request.app.state.runtime.documents()
    document = await service.get(tenant_of(request), _document_id(request))
    return JSONResponse(document_json(document))


async def delete_document(request: Request) -> Response:
    service = await request.app.state.runtime.documents()
    await service.delete(tenant_of(request), _document_id(request), caller=caller_of(request))
    return Response(status_code=204)


async def current_tenant(request: Request) -> Response:
    """GET /v1/tenant: who the key belongs to, its usage and the limits that apply to it."""
    runtime = request.app.state.runtime
    tenant_id = tenant_of(request)
    tenants = await runtime.tenants()
    tenant = await tenants.get(tenant_id)
    limits = await (await runtime.documents()).limits(tenant_id)
    body = {
        "id": tenant.id,
        "name": tenant.name,
        "status": tenant.status.value,
        "usage": usage_json(await tenants.usage(tenant_id)),
        "limits": {"max_documents": limits.max_documents, "max_bytes": limits.max_bytes},
    }
    return JSONResponse(body)
