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
from .chats import chat_id_of
from .serialize import done_json
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
    """POST /v1/query. Errors found before the stream starts (a bad body, an unknown chat) are
    plain 4xx answers; a failure during it ends the stream with an `error` event."""
    data = await json_object(request, '{"question": "...", "chat_id": "optional"}')
    question = data.get("question")
    if not isinstance(question, str):
        raise InvalidInput("field 'question' must be a string")
    history = _history(data.get("history"))
    runtime = request.app.state.runtime
    service = await runtime.answer()
    question = service.validate(question)
    tenant, caller = tenant_of(request), caller_of(request)
    chat_id = None
    if data.get("chat_id") is not None:
        if not isinstance(data["chat_id"], str):
            raise InvalidInput("field 'chat_id' must be a string (the id POST /v1/chats returned)")
        if history:
            raise InvalidInput("send either chat_id or history, not both")
        chat_id = chat_id_of(data["chat_id"])
        await (await runtime.chats()).get(tenant, chat_id)  # 404 before the stream starts

    async def events() -> AsyncIterator[bytes]:
        disconnected = True
        partial: list[str] = []
        try:
            async for event in service.answer(tenant, question, history, chat_id=chat_id, caller=caller):
                if isinstance(event, AnswerDelta):
                    partial.append(event.text)
                    yield sse("delta", {"text": event.text})
                elif isinstance(event, AnswerDone):
                    disconnected = False
                    yield sse("done", done_json(event))
        except RagloomError as error:  # the service stored the unfinished answer
            disconnected = False
            yield sse("error", {"error": {"code": error.code, "message": error.message}})
        except Exception:
            disconnected = False
            log.exception("answer stream failed")
            yield sse("error", {"error": {"code": "internal_error", "message": "internal server error"}})
        finally:
            if disconnected:  # shielded: a disconnect cancels the stream, not its record
                with anyio.CancelScope(shield=True):
                    try:
                        await service.record_unfinished(
                            tenant,
                            question,
                            caller,
                            "client disconnected",
                            chat_id=chat_id,
                            partial="".join(partial),
                        )
                    except Exception:  # the log keeps what could not be stored
                        log.exception("the record of an unfinished answer could not be written")

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
