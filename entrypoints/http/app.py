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
from .console.routes import CONSOLE_ROUTES
from .errors import EXCEPTION_HANDLERS
from .links import LinkSigner
from .mcp_server import build_mcp_server, mcp_app, serving_mcp
from .observed import ObservedMiddleware
from .openapi import ApiRoute
from .uploads import UploadSlots

ROUTES = [
    ApiRoute("/v1/documents", documents.upload_document, "POST"),
    ApiRoute("/v1/documents", documents.list_documents, "GET"),
    ApiRoute("/v1/documents/{document_id}", documents.get_document, "GET"),
    ApiRoute("/v1/documents/{document_id}", documents.delete_document, "DELETE"),
    ApiRoute("/v1/documents/{document_id}/original", documents.original, "GET"),
    ApiRoute("/v1/documents/{document_id}/frames/{frame}", documents.frame, "GET"),
    ApiRoute("/files/{tenant}/{key:path}", documents.signed_file, "GET"),
    ApiRoute("/v1/query", query.query, "POST"),
    ApiRoute("/v1/chat/completions", openai_compat.chat_completions, "POST"),
    ApiRoute("/v1/models", openai_compat.list_models, "GET"),
    ApiRoute("/v1/chats", chats.create_chat, "POST"),
    ApiRoute("/v1/chats", chats.list_chats, "GET"),
    ApiRoute("/v1/chats/{chat_id}", chats.delete_chat, "DELETE"),
    ApiRoute("/v1/chats/{chat_id}/messages", chats.chat_messages, "GET"),
    ApiRoute("/v1/audit", audit.export, "GET"),
    ApiRoute("/v1/events", events.events, "GET"),
    ApiRoute("/v1/tenant", documents.current_tenant, "GET"),
    ApiRoute("/auth/verify", auth.verify, "GET"),
    ApiRoute("/admin/tenants", admin.create_tenant, "POST"),
    ApiRoute("/admin/tenants", admin.list_tenants, "GET"),
    ApiRoute("/admin/tenants/{tenant_id}", admin.get_tenant, "GET"),
    ApiRoute("/admin/tenants/{tenant_id}", admin.delete_tenant, "DELETE"),
    ApiRoute("/admin/tenants/{tenant_id}", admin.update_tenant, "PATCH"),
    ApiRoute("/admin/tenants/{tenant_id}/suspend", admin.suspend_tenant, "POST"),
    ApiRoute("/admin/tenants/{tenant_id}/resume", admin.resume_tenant, "POST"),
    ApiRoute("/admin/tenants/{tenant_id}/reindex", admin.reindex_tenant, "POST"),
    ApiRoute("/admin/tenants/{tenant_id}/keys", admin.issue_key, "POST"),
    ApiRoute("/admin/tenants/{tenant_id}/keys/{key_id}", admin.revoke_key, "DELETE"),
    ApiRoute("/admin/audit/verify", admin.verify_audit, "POST"),
    *webhooks.TENANT.routes(),
    *webhooks.OPERATOR.routes(),
    ApiRoute("/healthz", health.healthz, "GET"),
    ApiRoute("/readyz", health.readyz, "GET"),
    ApiRoute("/openapi.json", health.openapi, "GET"),
    ApiRoute("/metrics", observed.metrics, "GET"),
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
        routes=[*ROUTES, *mcp_routes, *CONSOLE_ROUTES],  # the consoles: not in the OpenAPI document
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        middleware=[Middleware(ObservedMiddleware), Middleware(AccessMiddleware, local_admin=local_admin)],
    )
