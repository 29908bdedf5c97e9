"""Per-request telemetry: a span and a latency observation per request, labelled by route template
(`/v1/documents/{document_id}`, never the ids themselves), and GET /metrics."""

from __future__ import annotations

import time

from opentelemetry import trace
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ragloom.core.errors import NotFound

from ..observability import HTTP_SECONDS, metrics_text
from .errors import ragloom_error
from .openapi import Content, operation


def route_of(scope: Scope) -> str:
    """The matched route's template, or 'unmatched' (so a scan of random paths adds no series)."""
    if "endpoint" not in scope:
        return "unmatched"
    path: str = scope.get("root_path", "") + scope["path"]
    for name, value in (scope.get("path_params") or {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path


class ObservedMiddleware:
    """Outermost: times every HTTP request to the end of its response, in a span of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._tracer = trace.get_tracer("ragloom.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        status = 500
        began = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        method = scope["method"]
        with self._tracer.start_as_current_span(f"HTTP {method}", kind=trace.SpanKind.SERVER) as span:
            try:
                await self.app(scope, receive, sending)
            finally:
                route = route_of(scope)
                span.update_name(f"{method} {route}")
                span.set_attributes(
                    {"http.request.method": method, "http.route": route, "http.response.status_code": status}
                )
                HTTP_SECONDS.labels(route=route, method=method, status=str(status)).observe(
                    time.perf_counter() - began
                )


@operation(
    "Prometheus metrics of this process (not routed by the gateway)",
    {
        200: Content("Prometheus text format", {"text/plain": {"type": "string"}}),
        404: (None, "metrics are turned off (telemetry.metrics: false)"),
    },
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics of this process (off with telemetry.metrics: false)."""
    runtime = request.app.state.runtime
    if not runtime.settings.telemetry.metrics:
        return await ragloom_error(request, NotFound("metrics are turned off (telemetry.metrics)"))
    body, content_type = await metrics_text(await runtime.job_queue())
    return Response(body, media_type=content_type)
