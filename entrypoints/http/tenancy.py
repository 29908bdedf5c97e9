"""Which tenant and caller a request acts for: set by the access middleware from the API key only."""

from __future__ import annotations

from starlette.requests import Request

from ragloom.core.errors import Unauthenticated
from ragloom.core.models import Caller, TenantId


def tenant_of(request: Request) -> TenantId:
    """The authenticated tenant; never read from the body or the query string."""
    tenant = getattr(request.state, "tenant", None)
    if tenant is None:  # a route outside the authenticated prefixes asked: fail closed
        raise Unauthenticated("a valid API key is required: send 'Authorization: Bearer <key>'")
    return tenant


def caller_of(request: Request) -> Caller:
    caller = getattr(request.state, "caller", None)
    return caller if caller is not None else Caller("anonymous", getattr(request.state, "request_id", None))
