"""GET /auth/verify: the gateway's ForwardAuth check (200 with X-Tenant-Id, or 401/403)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ragloom.core.models import Caller

from .access import authenticate_tenant
from .openapi import operation


@operation(
    "ForwardAuth: 200 with X-Tenant-Id for a valid API key",
    {200: (None, "valid key; the tenant is in X-Tenant-Id")},
)
async def verify(request: Request) -> Response:
    tenant, key = await authenticate_tenant(request, Caller("gateway", request.state.request_id))
    return JSONResponse(
        {"tenant_id": tenant.id, "key_id": key.id}, headers={"X-Tenant-Id": tenant.id, "X-Key-Id": key.id}
    )
