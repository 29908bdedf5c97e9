"""GET /v1/audit: the caller's own audit chain as JSON lines (verifiable offline with the public key)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from . import schemas
from .bodies import int_param
from .openapi import Content, Param, operation
from .tenancy import tenant_of


@operation(
    "The caller's own audit chain as JSON lines",
    {
        200: Content(
            "records in seq order, one AuditRecord per line", {"application/x-ndjson": {"type": "string"}}
        ),
        400: "bad paging",
    },
    params=[
        Param("after", {"type": "integer", "minimum": 0, "default": 0}),
        Param("limit", {"type": "integer", "minimum": 1, "default": 10000}),
    ],
)
async def export(request: Request) -> Response:
    after = int_param(request, "after", 0, 0, 2**62)
    limit = int_param(request, "limit", 10_000, 1, 1_000_000)
    trail = await request.app.state.runtime.audit()
    chain = tenant_of(request)

    async def lines() -> AsyncIterator[bytes]:
        sent = 0
        async for record in trail.records(chain, after_seq=after):
            line = schemas.AuditRecord.model_validate(record).model_dump(mode="json")
            yield (json.dumps(line, ensure_ascii=False) + "\n").encode()
            sent += 1
            if sent >= limit:
                return

    return StreamingResponse(lines(), media_type="application/x-ndjson")
