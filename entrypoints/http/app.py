"""The Starlette application factory; adapters open and close in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from ragloom.contracts.spec import Port

from ..bootstrap import open_runtime
from ..settings import Settings
from . import documents, health, query
from .errors import EXCEPTION_HANDLERS

ROUTES = [
    Route("/v1/documents", documents.upload_document, methods=["POST"]),
    Route("/v1/documents", documents.list_documents, methods=["GET"]),
    Route("/v1/documents/{document_id}", documents.get_document, methods=["GET"]),
    Route("/v1/documents/{document_id}", documents.delete_document, methods=["DELETE"]),
    Route("/v1/query", query.query, methods=["POST"]),
    Route("/healthz", health.healthz, methods=["GET"]),
    Route("/readyz", health.readyz, methods=["GET"]),
    Route("/openapi.json", health.openapi, methods=["GET"]),
]


def create_app(
    settings: Settings,
    *,
    overrides: dict[Port, Any] | None = None,
    on_ready: Callable[[], None] | None = None,
) -> Starlette:
    """The app; every adapter opens before the first request and closes at shutdown."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_runtime(settings, overrides=overrides) as runtime:
            await runtime.start_all()
            app.state.runtime = runtime
            if on_ready is not None:
                on_ready()
            yield

    return Starlette(routes=ROUTES, exception_handlers=EXCEPTION_HANDLERS, lifespan=lifespan)
