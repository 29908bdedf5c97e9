"""/v1/webhooks (a tenant's endpoints for its document and chat events) and /admin/webhooks (the
operator's, for tenant deletions): create, list, get, delete, rotate the secret, enable again, and
the delivery log. A secret is shown when it is made (create, rotate), never again."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ragloom.core.errors import InvalidInput, NotFound
from ragloom.core.models import SYSTEM_OWNER, TenantId, WebhookDelivery, WebhookEndpoint
from ragloom.core.services.webhooks import WebhookService

from .bodies import int_param, json_object
from .tenancy import caller_of, tenant_of

_ENDPOINT_ID = re.compile(r"^wh_[0-9a-f]{32}$")
_EXAMPLE = '{"url": "https://example.com/hooks", "event_types": ["document.ready"]}'


def _operator(request: Request) -> TenantId:
    return SYSTEM_OWNER


def _endpoint_id(request: Request) -> str:
    raw = str(request.path_params["endpoint_id"])
    if not _ENDPOINT_ID.match(raw):
        raise NotFound(f"webhook endpoint {raw[:80]!r} not found")
    return raw


async def _service(request: Request) -> WebhookService:
    return await request.app.state.runtime.webhooks()


def endpoint_json(endpoint: WebhookEndpoint, *, secret: bool = False) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": endpoint.id,
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "enabled": endpoint.enabled,
        "failures": endpoint.failures,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at.isoformat(),
    }
    if secret:
        shown["secret"] = endpoint.secret
    return shown


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": delivery.id,
        "event_type": delivery.event_type,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "created_at": when(delivery.created_at),
        "last_attempt_at": when(delivery.last_attempt_at),
        "next_attempt_at": when(delivery.next_attempt_at),
        "response_status": delivery.response_status,
        "error": delivery.error,
    }


class WebhookRoutes:
    """The endpoints of one owner kind: a tenant's (the key's tenant) or the operator's."""

    def __init__(self, owner_of: Callable[[Request], TenantId], base: str) -> None:
        self._owner_of = owner_of
        self._base = base

    def routes(self) -> list[Route]:
        one = self._base + "/{endpoint_id}"
        return [
            Route(self._base, self.create, methods=["POST"]),
            Route(self._base, self.list, methods=["GET"]),
            Route(one, self.get, methods=["GET"]),
            Route(one, self.delete, methods=["DELETE"]),
            Route(one + "/rotate-secret", self.rotate_secret, methods=["POST"]),
            Route(one + "/enable", self.enable, methods=["POST"]),
            Route(one + "/deliveries", self.deliveries, methods=["GET"]),
        ]

    async def create(self, request: Request) -> Response:
        body = await json_object(request, _EXAMPLE)
        unknown = sorted(set(body) - {"url", "event_types"})
        if unknown:
            raise InvalidInput(f"unknown fields {unknown[:5]}; send JSON like {_EXAMPLE}")
        url, event_types = body.get("url"), body.get("event_types")
        if not isinstance(url, str):
            raise InvalidInput(f"url must be a string; send JSON like {_EXAMPLE}")
        if not isinstance(event_types, list) or not all(isinstance(e, str) for e in event_types):
            raise InvalidInput(f"event_types must be a list of strings; send JSON like {_EXAMPLE}")
        service = await _service(request)
        endpoint = await service.create(self._owner_of(request), url, event_types, caller=caller_of(request))
        location = {"Location": f"{self._base}/{endpoint.id}"}
        return JSONResponse(endpoint_json(endpoint, secret=True), status_code=201, headers=location)

    async def list(self, request: Request) -> Response:
        endpoints = await (await _service(request)).list(self._owner_of(request))
        return JSONResponse({"webhooks": [endpoint_json(e) for e in endpoints]})

    async def get(self, request: Request) -> Response:
        endpoint = await (await _service(request)).get(self._owner_of(request), _endpoint_id(request))
        return JSONResponse(endpoint_json(endpoint))

    async def delete(self, request: Request) -> Response:
        service = await _service(request)
        await service.delete(self._owner_of(request), _endpoint_id(request), caller=caller_of(request))
        return Response(status_code=204)

    async def rotate_secret(self, request: Request) -> Response:
        service = await _service(request)
        owner, endpoint_id = self._owner_of(request), _endpoint_id(request)
        endpoint = await service.rotate_secret(owner, endpoint_id, caller=caller_of(request))
        return JSONResponse(endpoint_json(endpoint, secret=True))

    async def enable(self, request: Request) -> Response:
        service = await _service(request)
        owner, endpoint_id = self._owner_of(request), _endpoint_id(request)
        endpoint = await service.enable(owner, endpoint_id, caller=caller_of(request))
        return JSONResponse(endpoint_json(endpoint))

    async def deliveries(self, request: Request) -> Response:
        limit = int_param(request, "limit", 100, 1, 1000)
        offset = int_param(request, "offset", 0, 0, 10**9)
        service = await _service(request)
        owner, endpoint_id = self._owner_of(request), _endpoint_id(request)
        found = await service.deliveries(owner, endpoint_id, limit=limit, offset=offset)
        page = {"deliveries": [delivery_json(d) for d in found], "limit": limit, "offset": offset}
        return JSONResponse(page)


TENANT = WebhookRoutes(tenant_of, "/v1/webhooks")
OPERATOR = WebhookRoutes(_operator, "/admin/webhooks")
