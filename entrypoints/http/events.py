"""GET /v1/events: what happens to the caller's documents and chats, as Server-Sent Events.

The durable events are read from the tenant's own audit chain (uploads, documents ready, failed
and deleted, chats created and deleted), each sent with its sequence number as the event id: a
client that reconnects with `Last-Event-ID` (or `?after=`) misses none and sees none twice. The
progress of documents being ingested comes between them as `document.progress` events, which have
no id (they are not replayed). A comment every `http.events_keepalive_seconds` keeps proxies from
closing a quiet stream; the stream ends after `http.events_max_seconds`, and a client (a browser's
EventSource does it by itself) reconnects with the last id it saw."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ragloom.core.errors import InvalidInput
from ragloom.core.models import AuditRecord, TenantId

from .bodies import int_param
from .openapi import Content, EventStream, Param, operation
from .tenancy import tenant_of

EVENTS = frozenset(
    {"document.upload", "document.ready", "document.failed", "document.delete", "chat.create", "chat.delete"}
)
RETRY_MS = 2000


def event(name: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _record_json(record: AuditRecord) -> dict[str, Any]:
    subject = "chat_id" if record.action.startswith("chat.") else "document_id"
    return {subject: record.target, "time": record.time.isoformat(), **dict(record.details)}


async def _resumed_after(request: Request, trail: Any, tenant: TenantId) -> int:
    """The last event the client saw: the Last-Event-ID header; else, with `?since=now`, the newest
    event so far; else `?after=` (0 by default: every event of the tenant's history)."""
    header = request.headers.get("last-event-id")
    since = request.query_params.get("since")
    if since not in (None, "now"):
        raise InvalidInput("since must be 'now' (or left out, for every event)")
    if header is None and since == "now":
        return int(await trail.last_seq(tenant))
    if header is None:
        return int_param(request, "after", 0, 0, 2**62)
    if not header.strip().isdigit():
        raise InvalidInput("Last-Event-ID must be the id of an event of this stream (a whole number)")
    return int(header)


@operation(
    "What happens to the caller's documents and chats, as Server-Sent Events",
    {200: Content("an event stream", {"text/event-stream": EventStream()}), 400: "a bad event id"},
    description="Durable events (document.upload, document.ready, document.failed, document.delete, "
    "chat.create, chat.delete) carry their audit sequence number as the event id; reconnect with "
    "Last-Event-ID to resume. document.progress events (no id) report ingestion as it runs. The "
    "stream ends after http.events_max_seconds.",
    params=[
        Param(
            "after",
            {"type": "integer", "minimum": 0, "default": 0},
            description="resume after this event id (the Last-Event-ID header wins)",
        ),
        Param("since", {"type": "string", "enum": ["now"]}, description="now: only events from now on"),
        Param("Last-Event-ID", {"type": "string", "pattern": "^[0-9]+$"}, where="header"),
    ],
)
async def events(request: Request) -> Response:
    """GET /v1/events."""
    tenant = tenant_of(request)
    runtime = request.app.state.runtime
    trail, documents = await runtime.audit(), await runtime.documents()
    after = await _resumed_after(request, trail, tenant)
    return StreamingResponse(
        _stream(tenant, after, trail, documents, runtime.settings.http),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(
    tenant: TenantId, after: int, trail: Any, documents: Any, http: Any
) -> AsyncIterator[bytes]:
    yield f"retry: {RETRY_MS}\nid: {after}\n\n".encode()  # where it starts: since=now made visible
    shown: dict[str, float] = {}
    quiet_since = started = time.monotonic()
    while True:
        async for record in trail.records(tenant, after_seq=after):
            after = record.seq
            if record.action in EVENTS:
                yield event(record.action, _record_json(record), record.seq)
                quiet_since = time.monotonic()
        for document in await documents.in_progress(tenant):
            share = round(document.progress, 2)
            if shown.get(document.id) != share:
                shown[document.id] = share
                yield event("document.progress", {"document_id": document.id, "progress": share})
                quiet_since = time.monotonic()
        now = time.monotonic()
        if now - started >= http.events_max_seconds:
            return
        if now - quiet_since >= http.events_keepalive_seconds:
            yield b": keep-alive\n\n"
            quiet_since = now
        await asyncio.sleep(http.events_poll_seconds)
