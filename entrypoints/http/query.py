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
from . import schemas
from .bodies import parsed
from .chats import chat_id_of
from .openapi import Content, EventStream, operation
from .tenancy import caller_of, tenant_of

log = logging.getLogger(__name__)


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


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


@operation(
    "Ask a question; the answer streams as Server-Sent Events",
    {
        200: Content(
            "the answer stream",
            {
                "text/event-stream": EventStream(
                    {"delta": schemas.Delta, "done": schemas.Done, "error": schemas.Error}
                )
            },
        ),
        400: "missing, empty or too long question, malformed JSON, or chat_id with history",
        404: "unknown chat_id",
    },
    body=schemas.Query,
    description="Events: `delta` (schema Delta), then `done` (schema Done); `error` (schema Error) if "
    "it fails midway, after which the partial answer is stored as unfinished.",
)
async def query(request: Request) -> Response:
    """POST /v1/query. Errors found before the stream starts (a bad body, an unknown chat) are
    plain 4xx answers; a failure during it ends the stream with an `error` event."""
    body = await parsed(request, schemas.Query, '{"question": "...", "chat_id": "optional"}')
    history = [Message(turn.role, turn.content) for turn in body.history or ()]
    ask = await asked(request, body.question, history, body.chat_id)

    async def events() -> AsyncIterator[bytes]:
        try:
            async for event in recorded_events(ask):
                if isinstance(event, AnswerDelta):
                    yield sse("delta", schemas.Delta(text=event.text).model_dump(mode="json"))
                else:
                    yield sse("done", schemas.Done.model_validate(event).model_dump(mode="json"))
        except RagloomError as error:
            yield sse("error", {"error": {"code": error.code, "message": error.message}})
        except Exception:
            log.exception("answer stream failed")
            yield sse("error", {"error": {"code": "internal_error", "message": "internal server error"}})

    return event_stream(events())
