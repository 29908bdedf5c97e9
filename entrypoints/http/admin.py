"""/admin: onboard, suspend, resume and retire tenants; issue and revoke their API keys.

The access middleware has checked the administrator's credentials before any of these run.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ragloom.core.models import TenantId
from ragloom.core.services.tenants import TenantService, valid_tenant_id

from .bodies import int_param, json_object
from .serialize import key_json, tenant_json, usage_json
from .tenancy import caller_of


async def _tenants(request: Request) -> TenantService:
    return await request.app.state.runtime.tenants()


def _tenant_id(request: Request) -> TenantId:
    return valid_tenant_id(request.path_params["tenant_id"])


async def create_tenant(request: Request) -> Response:
    data = await json_object(request, '{"name": "Acme"}')
    service = await _tenants(request)
    onboarded = await service.create(
        data.get("name"),
        max_documents=data.get("max_documents"),
        max_bytes=data.get("max_bytes"),
        caller=caller_of(request),
    )
    body = {**tenant_json(onboarded.tenant), "api_key": onboarded.token, "key_id": onboarded.key.id}
    return JSONResponse(body, 201, headers={"Location": f"/admin/tenants/{onboarded.tenant.id}"})


async def list_tenants(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    tenants = await (await _tenants(request)).list(limit=limit, offset=offset)
    return JSONResponse({"tenants": [tenant_json(t) for t in tenants], "limit": limit, "offset": offset})


async def get_tenant(request: Request) -> Response:
    service = await _tenants(request)
    tenant_id = _tenant_id(request)
    tenant = await service.get(tenant_id)
    keys = await service.keys(tenant_id)
    body = {
        **tenant_json(tenant),
        "keys": [key_json(k) for k in keys],
        "usage": usage_json(await service.usage(tenant_id)),
    }
    return JSONResponse(body)


async def update_tenant(request: Request) -> Response:
    changes = await json_object(request, '{"max_documents": 1000, "max_bytes": null}')
    service = await _tenants(request)
    tenant = await service.set_limits(_tenant_id(request), changes, caller=caller_of(request))
    return JSONResponse(tenant_json(tenant))


async def suspend_tenant(request: Request) -> Response:
    tenant = await (await _tenants(request)).suspend(_tenant_id(request), caller=caller_of(request))
    return JSONResponse(tenant_json(tenant))


async def resume_tenant(request: Request) -> Response:
    tenant = await (await _tenants(request)).resume(_tenant_id(request), caller=caller_of(request))
    return JSONResponse(tenant_json(tenant))


async def delete_tenant(request: Request) -> Response:
    tenant_id = _tenant_id(request)
    receipt = await (await _tenants(request)).delete(tenant_id, caller=caller_of(request))
    return JSONResponse({"tenant_id": tenant_id, "status": "deleted", "removed": receipt})


async def issue_key(request: Request) -> Response:
    key, token = await (await _tenants(request)).issue_key(_tenant_id(request), caller=caller_of(request))
    return JSONResponse({**key_json(key), "api_key": token}, 201)


async def revoke_key(request: Request) -> Response:
    service = await _tenants(request)
    key = await service.revoke_key(
        _tenant_id(request), request.path_params["key_id"], caller=caller_of(request)
    )
    return JSONResponse(key_json(key))


async def reindex_tenant(request: Request) -> Response:
    """Queue the tenant's move into the configured embedding space (a job a worker runs)."""
    tenant_id = _tenant_id(request)
    reindexer = await request.app.state.runtime.reindexer()
    queued = await reindexer.queue(tenant_id)
    return JSONResponse({"tenant_id": tenant_id, "queued": queued}, status_code=202 if queued else 200)
