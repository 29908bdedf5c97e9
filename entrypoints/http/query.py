"""POST /v1/query: the answer as Server-Sent Events (`delta` events, then one `done` event)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ragloom.core.errors import InvalidInput, RagloomError
from ragloom.core.models import AnswerDelta, AnswerEvent, Caller, ChatId, Message, TenantId
from ragloom.core.services.answer import AnswerService

from ..bootstrap import Runtime
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


@dataclass(frozen=True, slots=True)
class Asked:
    """A question as a route received it, checked: the tenant and caller, the dialogue (or chat)."""

    service: AnswerService
    tenant: TenantId
    caller: Caller
    question: str
    history: Sequence[Message] = ()
    chat_id: ChatId | None = None


async def asked(
    request: Request,
    question: object,
    history: Sequence[Message],
    raw_chat_id: object,
    *,
    runtime: Runtime | None = None,
) -> Asked:
    """Check what every answering route shares before its stream starts, so that a bad question or
    an unknown chat is a plain 4xx. `runtime`: the request's app's, unless the route is served by
    an app of its own (MCP)."""
    if not isinstance(question, str):
        raise InvalidInput("field 'question' must be a string")
    runtime = runtime or request.app.state.runtime
    service = await runtime.answer()
    tenant, caller = tenant_of(request), caller_of(request)
    chat_id = None
    if raw_chat_id is not None:
        if not isinstance(raw_chat_id, str):
            raise InvalidInput("field 'chat_id' must be a string (the id POST /v1/chats returned)")
        if history:
            raise InvalidInput("send either chat_id or history, not both")
        chat_id = chat_id_of(raw_chat_id)
        await (await runtime.chats()).get(tenant, chat_id)  # 404 before the stream starts
    return Asked(service, tenant, caller, service.validate(question), tuple(history), chat_id)


async def recorded_events(ask: Asked) -> AsyncIterator[AnswerEvent]:
    """The answer's events. A failure is raised (the service stored the unfinished answer); if the
    consumer stops first (the client went away), the unfinished answer is recorded here."""
    finished = False
    partial: list[str] = []
    try:
        async for event in ask.service.answer(
            ask.tenant, ask.question, ask.history, chat_id=ask.chat_id, caller=ask.caller
        ):
            if isinstance(event, AnswerDelta):
                partial.append(event.text)
            else:
                finished = True
            yield event
    except Exception:
        finished = True
        raise
    finally:
        if not finished:  # shielded: a disconnect cancels the stream, not its record
            with anyio.CancelScope(shield=True):
                try:
                    await ask.service.record_unfinished(
                        ask.tenant,
                        ask.question,
                        ask.caller,
                        "client disconnected",
                        chat_id=ask.chat_id,
                        partial="".join(partial),
                    )
                except Exception:  # the log keeps what could not be stored
                    log.exception("the record of an unfinished answer could not be written")


def event_stream(events: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def query(request: Request) -> Response:
    """POST /v1/query. Errors found before the stream starts (a bad body, an unknown chat) are
    plain 4xx answers; a failure during it ends the stream with an `error` event."""
    data = await json_object(request, '{"question": "...", "chat_id": "optional"}')
    ask = await asked(request, data.get("question"), _history(data.get("history")), data.get("chat_id"))

    async def events() -> AsyncIterator[bytes]:
        try:
            async for event in recorded_events(ask):
                if isinstance(event, AnswerDelta):
                    yield sse("delta", {"text": event.text})
                else:
                    yield sse("done", done_json(event))
        except RagloomError as error:
            yield sse("error", {"error": {"code": error.code, "message": error.message}})
        except Exception:
            log.exception("answer stream failed")
            yield sse("error", {"error": {"code": "internal_error", "message": "internal server error"}})

    return event_stream(events())
