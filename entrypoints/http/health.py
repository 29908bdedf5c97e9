"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .access import is_administrator
from .openapi import openapi_document, operation


@operation("Liveness", {200: (None, "alive")})
async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


@operation(
    "Readiness: every backing service answers", {200: (None, "ready"), 503: (None, "a dependency is down")}
)
async def readyz(request: Request) -> Response:
    """Ready or not for anyone; which backing service failed, and how, for the administrator only
    (HTTP Basic): the details name paths and hosts."""
    checks = await request.app.state.runtime.readiness()
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "unavailable"}
    if "authorization" in request.headers and await is_administrator(request):
        body["checks"] = checks
    return JSONResponse(body, 200 if ready else 503)


@operation("This document", {200: (None, "OpenAPI 3.1")})
async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document(request.app.routes))
