"""GET /v1/audit: the caller's own audit chain as JSON lines (verifiable offline with the public key)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from .bodies import int_param
from .serialize import audit_json
from .tenancy import tenant_of


async def export(request: Request) -> Response:
    after = int_param(request, "after", 0, 0, 2**62)
    limit = int_param(request, "limit", 10_000, 1, 1_000_000)
    trail = await request.app.state.runtime.audit()
    chain = tenant_of(request)

    async def lines() -> AsyncIterator[bytes]:
        sent = 0
        async for record in trail.records(chain, after_seq=after):
            yield (json.dumps(audit_json(record), ensure_ascii=False) + "\n").encode()
            sent += 1
            if sent >= limit:
                return

    return StreamingResponse(lines(), media_type="application/x-ndjson")
