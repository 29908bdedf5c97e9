"""POST /v1/query: the answer as Server-Sent Events (`delta` events, then one `done` event)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ragloom.core.errors import InvalidInput, RagloomError
from ragloom.core.models import AnswerDelta, AnswerDone, Message

from .bodies import json_object
from .serialize import citation_json
from .tenancy import caller_of, tenant_of

log = logging.getLogger(__name__)


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _history(raw: Any) -> list[Message]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
        for m in raw
    ):
        raise InvalidInput("history must be a list of {role: user|assistant, content: string}")
    return [Message(m["role"], m["content"]) for m in raw]


async def query(request: Request) -> Response:
    data = await json_object(request, '{"question": "..."}')
    question = data.get("question")
    if not isinstance(question, str):
        raise InvalidInput("field 'question' must be a string")
    history = _history(data.get("history"))
    service = await request.app.state.runtime.answer()
    question = service.validate(question)
    tenant, caller = tenant_of(request), caller_of(request)

    async def events() -> AsyncIterator[bytes]:
        unfinished = "client disconnected"
        try:
            async for event in service.answer(tenant, question, history, caller=caller):
                if isinstance(event, AnswerDelta):
                    yield sse("delta", {"text": event.text})
                elif isinstance(event, AnswerDone):
                    unfinished = ""
                    yield sse(
                        "done",
                        {"answer": event.answer, "citations": [citation_json(c) for c in event.citations]},
                    )
        except RagloomError as error:
            unfinished = error.code
            yield sse("error", {"error": {"code": error.code, "message": error.message}})
        except Exception:
            unfinished = "internal_error"
            log.exception("answer stream failed")
            yield sse("error", {"error": {"code": "internal_error", "message": "internal server error"}})
        finally:
            if unfinished:  # shielded: a disconnect cancels the stream, not its audit record
                with anyio.CancelScope(shield=True):
                    try:
                        await service.record_unfinished(tenant, question, caller, unfinished)
                    except Exception:  # the client has its error event; the log keeps the rest
                        log.exception("the audit record of an unfinished answer could not be written")

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
