"""/admin: onboard, suspend, resume and retire tenants; issue and revoke their API keys.

The access middleware has checked the administrator's credentials before any of these run.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ragloom.core.models import TenantId
from ragloom.core.services.tenants import TenantService, valid_tenant_id

from . import schemas
from .bodies import int_param, parsed
from .openapi import PAGING, operation
from .tenancy import caller_of

_UNKNOWN = "unknown tenant"
_DELETED = "the tenant is deleted (or being deleted)"


async def _tenants(request: Request) -> TenantService:
    return await request.app.state.runtime.tenants()


def _tenant_id(request: Request) -> TenantId:
    return valid_tenant_id(request.path_params["tenant_id"])


@operation(
    "Onboard a tenant; its first API key is shown once",
    {201: (schemas.TenantCreated, "created"), 400: "bad name or limits"},
    body=schemas.TenantCreate,
)
async def create_tenant(request: Request) -> Response:
    data = await parsed(request, schemas.TenantCreate, '{"name": "Acme"}')
    service = await _tenants(request)
    onboarded = await service.create(
        data.name, max_documents=data.max_documents, max_bytes=data.max_bytes, caller=caller_of(request)
    )
    created = schemas.TenantCreated.model_validate(
        {
            **schemas.Tenant.model_validate(onboarded.tenant).model_dump(),
            "api_key": onboarded.token,
            "key_id": onboarded.key.id,
        }
    )
    return JSONResponse(
        created.model_dump(mode="json"), 201, headers={"Location": f"/admin/tenants/{onboarded.tenant.id}"}
    )


@operation(
    "List tenants, oldest first", {200: (schemas.TenantList, "tenants"), 400: "bad paging"}, params=PAGING
)
async def list_tenants(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    tenants = await (await _tenants(request)).list(limit=limit, offset=offset)
    page = schemas.TenantList(tenants=tenants, limit=limit, offset=offset)
    return JSONResponse(page.model_dump(mode="json"))


@operation("A tenant, its keys and usage", {200: (schemas.TenantDetail, "the tenant"), 404: _UNKNOWN})
async def get_tenant(request: Request) -> Response:
    service = await _tenants(request)
    tenant_id = _tenant_id(request)
    tenant = await service.get(tenant_id)
    detail = schemas.TenantDetail.model_validate(
        {
            **schemas.Tenant.model_validate(tenant).model_dump(),
            "keys": await service.keys(tenant_id),
            "usage": await service.usage(tenant_id),
        }
    )
    return JSONResponse(detail.model_dump(mode="json"))


@operation(
    "Change the tenant's own quotas (null: the configured default)",
    {200: (schemas.Tenant, "the tenant"), 400: "bad limits", 404: _UNKNOWN, 409: _DELETED},
    body=schemas.TenantLimits,
)
async def update_tenant(request: Request) -> Response:
    limits = await parsed(request, schemas.TenantLimits, '{"max_documents": 1000, "max_bytes": null}')
    changes = limits.model_dump(include=limits.model_fields_set)
    service = await _tenants(request)
    return schemas.shown(
        schemas.Tenant, await service.set_limits(_tenant_id(request), changes, caller=caller_of(request))
    )


@operation(
    "Suspend: the tenant's keys answer 403",
    {200: (schemas.Tenant, "suspended"), 404: _UNKNOWN, 409: _DELETED},
)
async def suspend_tenant(request: Request) -> Response:
    return schemas.shown(
        schemas.Tenant,
        await (await _tenants(request)).suspend(_tenant_id(request), caller=caller_of(request)),
    )


@operation("Resume a suspended tenant", {200: (schemas.Tenant, "active"), 404: _UNKNOWN, 409: _DELETED})
async def resume_tenant(request: Request) -> Response:
    return schemas.shown(
        schemas.Tenant, await (await _tenants(request)).resume(_tenant_id(request), caller=caller_of(request))
    )


@operation(
    "Retire a tenant: purge vectors, originals, rows and cache (the audit trail stays)",
    {200: (schemas.DeletionReceipt, "the receipt"), 404: _UNKNOWN},
)
async def delete_tenant(request: Request) -> Response:
    tenant_id = _tenant_id(request)
    removed = await (await _tenants(request)).delete(tenant_id, caller=caller_of(request))
    receipt = schemas.DeletionReceipt(tenant_id=tenant_id, status="deleted", removed=dict(removed))
    return JSONResponse(receipt.model_dump(mode="json"))


@operation(
    "Issue an API key (shown once)", {201: (schemas.IssuedKey, "issued"), 404: _UNKNOWN, 409: _DELETED}
)
async def issue_key(request: Request) -> Response:
    key, token = await (await _tenants(request)).issue_key(_tenant_id(request), caller=caller_of(request))
    issued = schemas.IssuedKey.model_validate(
        {**schemas.ApiKey.model_validate(key).model_dump(), "api_key": token}
    )
    return JSONResponse(issued.model_dump(mode="json"), 201)


@operation("Revoke an API key", {200: (schemas.ApiKey, "revoked"), 404: "unknown tenant or key"})
async def revoke_key(request: Request) -> Response:
    service = await _tenants(request)
    key = await service.revoke_key(
        _tenant_id(request), request.path_params["key_id"], caller=caller_of(request)
    )
    return schemas.shown(schemas.ApiKey, key)


@operation(
    "Queue the tenant's move into the configured embedding space (a job a worker runs)",
    {
        200: (schemas.ReindexQueued, "nothing to do: the tenant already searches the configured space"),
        202: (schemas.ReindexQueued, "queued"),
        404: _UNKNOWN,
    },
)
async def reindex_tenant(request: Request) -> Response:
    """Queue the tenant's move into the configured embedding space (a job a worker runs)."""
    tenant_id = _tenant_id(request)
    reindexer = await request.app.state.runtime.reindexer()
    queued = await reindexer.queue(tenant_id)
    body = schemas.ReindexQueued(tenant_id=tenant_id, queued=queued).model_dump(mode="json")
    return JSONResponse(body, status_code=202 if queued else 200)


@operation(
    "Verify every audit chain (hashes, links, signatures)", {200: (schemas.AuditVerification, "the verdict")}
)
async def verify_audit(request: Request) -> Response:
    """POST /admin/audit/verify: what `ragloom audit verify` checks, without its anchor file."""
    trail = await request.app.state.runtime.audit()
    verdicts = [await trail.verify(chain) for chain in await trail.chains()]
    problems = [
        f"{v.chain}: record seq {v.broken_seq}: {v.reason} ({v.checked} records before it are intact)"
        for v in verdicts
        if not v.ok
    ]
    result = schemas.AuditVerification(
        ok=not problems, chains=len(verdicts), records=sum(v.checked for v in verdicts), problems=problems
    )
    return JSONResponse(result.model_dump(mode="json"))
