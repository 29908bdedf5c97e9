"""The Starlette application factory; adapters open and close in its lifespan."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from ragloom.contracts.spec import Port
from ragloom.core.services.tenants import Onboarded

from ..bootstrap import Runtime, open_runtime
from ..observability import install_observability
from ..settings import Settings
from . import admin, audit, auth, chats, documents, events, health, observed, openai_compat, query, webhooks
from .access import AccessMiddleware
from .errors import EXCEPTION_HANDLERS
from .links import LinkSigner
from .mcp_server import build_mcp_server, mcp_app, serving_mcp
from .observed import ObservedMiddleware
from .uploads import UploadSlots

ROUTES = [
    Route("/v1/documents", documents.upload_document, methods=["POST"]),
    Route("/v1/documents", documents.list_documents, methods=["GET"]),
    Route("/v1/documents/{document_id}", documents.get_document, methods=["GET"]),
    Route("/v1/documents/{document_id}", documents.delete_document, methods=["DELETE"]),
    Route("/v1/documents/{document_id}/original", documents.original, methods=["GET"]),
    Route("/v1/documents/{document_id}/frames/{frame}", documents.frame, methods=["GET"]),
    Route("/files/{tenant}/{key:path}", documents.signed_file, methods=["GET"]),
    Route("/v1/query", query.query, methods=["POST"]),
    Route("/v1/chat/completions", openai_compat.chat_completions, methods=["POST"]),
    Route("/v1/models", openai_compat.list_models, methods=["GET"]),
    Route("/v1/chats", chats.create_chat, methods=["POST"]),
    Route("/v1/chats", chats.list_chats, methods=["GET"]),
    Route("/v1/chats/{chat_id}", chats.delete_chat, methods=["DELETE"]),
    Route("/v1/chats/{chat_id}/messages", chats.chat_messages, methods=["GET"]),
    Route("/v1/audit", audit.export, methods=["GET"]),
    Route("/v1/events", events.events, methods=["GET"]),
    Route("/v1/tenant", documents.current_tenant, methods=["GET"]),
    Route("/auth/verify", auth.verify, methods=["GET"]),
    Route("/admin/tenants", admin.create_tenant, methods=["POST"]),
    Route("/admin/tenants", admin.list_tenants, methods=["GET"]),
    Route("/admin/tenants/{tenant_id}", admin.get_tenant, methods=["GET"]),
    Route("/admin/tenants/{tenant_id}", admin.delete_tenant, methods=["DELETE"]),
    Route("/admin/tenants/{tenant_id}", admin.update_tenant, methods=["PATCH"]),
    Route("/admin/tenants/{tenant_id}/suspend", admin.suspend_tenant, methods=["POST"]),
    Route("/admin/tenants/{tenant_id}/resume", admin.resume_tenant, methods=["POST"]),
    Route("/admin/tenants/{tenant_id}/reindex", admin.reindex_tenant, methods=["POST"]),
    Route("/admin/tenants/{tenant_id}/keys", admin.issue_key, methods=["POST"]),
    Route("/admin/tenants/{tenant_id}/keys/{key_id}", admin.revoke_key, methods=["DELETE"]),
    *webhooks.TENANT.routes(),
    *webhooks.OPERATOR.routes(),
    Route("/healthz", health.healthz, methods=["GET"]),
    Route("/readyz", health.readyz, methods=["GET"]),
    Route("/openapi.json", health.openapi, methods=["GET"]),
    Route("/metrics", observed.metrics, methods=["GET"]),
]


def create_app(
    settings: Settings,
    *,
    overrides: dict[Port, Any] | None = None,
    on_ready: Callable[[], None] | None = None,
    local_admin: bool = False,
    on_new_key: Callable[[Onboarded], None] | None = None,
) -> Starlette:
    """The app; every adapter opens before the first request and closes at shutdown.

    `local_admin` lets /admin requests without credentials through as the local CLI: only for an
    app run in-process by `ragloom admin`, never one that listens on a socket; such an app runs no
    ingestion. `on_new_key` is handed the default tenant's onboarding when this start created it,
    to show its key once on the terminal (never in a log).
    """

    install_observability(settings.telemetry)
    opened: list[Runtime] = []  # the runtime, once the lifespan opened it
    mcp = build_mcp_server(lambda: opened[0])
    mcp_routes = [Route("/mcp", endpoint=mcp_app(mcp), methods=["POST"])]  # stateless: no GET stream

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        http = settings.http
        app.state.upload_slots = UploadSlots(
            http.max_concurrent_uploads, http.max_concurrent_uploads_per_tenant
        )
        secret = settings.http.link_signing_key
        app.state.links = LinkSigner(
            secret.get_secret_value().encode() if secret is not None else secrets.token_bytes(32)
        )
        async with open_runtime(settings, overrides=overrides) as runtime:
            onboarded = await runtime.lifecycle.start_all(ingestion=not local_admin)
            if onboarded is not None and on_new_key is not None:
                on_new_key(onboarded)
            app.state.runtime = runtime
            opened.append(runtime)
            async with serving_mcp(mcp):
                if on_ready is not None:
                    on_ready()
                yield

    return Starlette(
        routes=[*ROUTES, *mcp_routes],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        middleware=[Middleware(ObservedMiddleware), Middleware(AccessMiddleware, local_admin=local_admin)],
    )
