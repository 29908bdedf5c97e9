"""/v1/webhooks (a tenant's endpoints for its document and chat events) and /admin/webhooks (the
operator's, for tenant deletions): create, list, get, delete, rotate the secret, enable again, and
the delivery log. A secret is shown when it is made (create, rotate), never again."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from ragloom.core.errors import NotFound
from ragloom.core.models import SYSTEM_OWNER, TenantId
from ragloom.core.services.webhooks import WebhookService

from . import schemas
from .bodies import int_param, parsed
from .openapi import PAGING, ApiRoute, Operation
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


class WebhookRoutes:
    """The endpoints of one owner kind: a tenant's (the key's tenant) or the operator's, who may
    subscribe to the events `create` names."""

    def __init__(
        self, owner_of: Callable[[Request], TenantId], base: str, create: type[schemas.Request], whose: str
    ) -> None:
        self._owner_of = owner_of
        self._base = base
        self._create = create
        self._whose = whose

    def routes(self) -> list[ApiRoute]:
        one = self._base + "/{endpoint_id}"
        unknown = "unknown endpoint"
        endpoint, with_secret = schemas.WebhookEndpoint, schemas.WebhookEndpointWithSecret
        return [
            ApiRoute(
                self._base,
                self.create,
                "POST",
                Operation(
                    f"Register a webhook endpoint for {self._whose} events; its secret is shown once",
                    {
                        201: (with_secret, "the endpoint, with its secret"),
                        400: "bad body or URL",
                        429: "too many endpoints",
                    },
                    body=self._create,
                ),
            ),
            ApiRoute(
                self._base,
                self.list,
                "GET",
                Operation("List webhook endpoints", {200: (schemas.WebhookList, "endpoints")}),
            ),
            ApiRoute(
                one,
                self.get,
                "GET",
                Operation("A webhook endpoint", {200: (endpoint, "the endpoint"), 404: unknown}),
            ),
            ApiRoute(
                one,
                self.delete,
                "DELETE",
                Operation(
                    "Delete a webhook endpoint and its delivery log", {204: (None, "deleted"), 404: unknown}
                ),
            ),
            ApiRoute(
                one + "/rotate-secret",
                self.rotate_secret,
                "POST",
                Operation(
                    "A new secret (shown once); attempts from now on are signed with it",
                    {200: (with_secret, "the endpoint, with its new secret"), 404: unknown},
                ),
            ),
            ApiRoute(
                one + "/enable",
                self.enable,
                "POST",
                Operation(
                    "Deliver to an endpoint disabled after repeated failures again",
                    {200: (endpoint, "the endpoint"), 404: unknown},
                ),
            ),
            ApiRoute(
                one + "/deliveries",
                self.deliveries,
                "GET",
                Operation(
                    "The endpoint's delivery log, newest first",
                    {200: (schemas.WebhookDeliveries, "deliveries"), 400: "bad paging", 404: unknown},
                    params=PAGING,
                ),
            ),
        ]

    async def create(self, request: Request) -> Response:
        body = await parsed(request, self._create, _EXAMPLE)
        service = await _service(request)
        url, event_types = body.url, body.event_types  # type: ignore[attr-defined]
        endpoint = await service.create(self._owner_of(request), url, event_types, caller=caller_of(request))
        location = f"{self._base}/{endpoint.id}"
        return schemas.shown(schemas.WebhookEndpointWithSecret, endpoint, 201, Location=location)

    async def list(self, request: Request) -> Response:
        endpoints = await (await _service(request)).list(self._owner_of(request))
        return schemas.shown(schemas.WebhookList, {"webhooks": endpoints})

    async def get(self, request: Request) -> Response:
        endpoint = await (await _service(request)).get(self._owner_of(request), _endpoint_id(request))
        return schemas.shown(schemas.WebhookEndpoint, endpoint)

    async def delete(self, request: Request) -> Response:
        service = await _service(request)
        await service.delete(self._owner_of(request), _endpoint_id(request), caller=caller_of(request))
        return Response(status_code=204)

    async def rotate_secret(self, request: Request) -> Response:
        service = await _service(request)
        owner, endpoint_id = self._owner_of(request), _endpoint_id(request)
        endpoint = await service.rotate_secret(owner, endpoint_id, caller=caller_of(request))
        return schemas.shown(schemas.WebhookEndpointWithSecret, endpoint)

    async def enable(self, request: Request) -> Response:
        service = await _service(request)
        owner, endpoint_id = self._owner_of(request), _endpoint_id(request)
        endpoint = await service.enable(owner, endpoint_id, caller=caller_of(request))
        return schemas.shown(schemas.WebhookEndpoint, endpoint)

    async def deliveries(self, request: Request) -> Response:
        limit = int_param(request, "limit", 100, 1, 1000)
        offset = int_param(request, "offset", 0, 0, 10**9)
        service = await _service(request)
        owner, endpoint_id = self._owner_of(request), _endpoint_id(request)
        found = await service.deliveries(owner, endpoint_id, limit=limit, offset=offset)
        return schemas.shown(
            schemas.WebhookDeliveries, {"deliveries": found, "limit": limit, "offset": offset}
        )


TENANT = WebhookRoutes(tenant_of, "/v1/webhooks", schemas.TenantWebhookCreate, "the tenant's")
OPERATOR = WebhookRoutes(_operator, "/admin/webhooks", schemas.OperatorWebhookCreate, "tenant")
