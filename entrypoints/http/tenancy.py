"""Which tenant a request acts for. Until API keys land, every request is the `default` tenant."""

from __future__ import annotations

from starlette.requests import Request

from ragloom.core.models import DEFAULT_TENANT, TenantId


def tenant_of(request: Request) -> TenantId:
    return DEFAULT_TENANT
