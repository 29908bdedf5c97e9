"""OpenAI-compatible routes: POST /v1/chat/completions (streamed or not) and GET /v1/models.

The messages map to a question: the last message is the question (it must be the user's), the
earlier user and assistant messages are the dialogue, system messages are ignored (ragloom writes
its own instructions). A stored chat is continued with `chat_id` (as `extra_body={"chat_id": ...}`
in the SDKs) or with `user` set to `chat:<id>`; its stored messages are then the dialogue and the
earlier messages sent are ignored. `model` names a pipeline: `ragloom`, the only one today.

The answer's text carries numbered markers ([1]) and ends with a "Sources" list, so a client that
knows nothing of ragloom still shows where the answer comes from. The message (and, streamed, the
last chunk's delta) also carries the extension fields `citations` and `no_answer`, and the response
a `ragloom` object with both and the `chat_id`. Usage counts are the chat model's where it counts
tokens, else words. Errors on these routes take OpenAI's shape (see errors.py).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ragloom.core.errors import InvalidInput, NotFound, RagloomError
from ragloom.core.models import AnswerDelta, AnswerDone, Citation, Message, Usage

from ..console import citation_place
from . import schemas
from .bodies import parsed
from .errors import openai_error_body, status_of
from .openapi import Content, EventStream, operation
from .query import Asked, asked, event_stream, recorded_events

log = logging.getLogger(__name__)
PIPELINES = ("ragloom",)
_EXAMPLE = '{"model": "ragloom", "messages": [{"role": "user", "content": "..."}]}'


@operation(
    "OpenAI-compatible list of pipelines, usable as `model`", {200: (schemas.ModelList, "the pipelines")}
)
async def list_models(request: Request) -> Response:
    """GET /v1/models: one entry per configured pipeline."""
    models = schemas.ModelList(data=[schemas.ModelCard(id=name) for name in PIPELINES])
    return JSONResponse(models.model_dump(mode="json"))


@operation(
    "OpenAI-compatible chat completion over the tenant's documents, cited",
    {
        200: Content(
            "the completion, or its stream",
            {
                "application/json": schemas.ChatCompletion,
                "text/event-stream": EventStream({"message": schemas.ChatCompletionChunk}),
            },
        ),
        400: "malformed messages or body",
        404: "unknown model or chat",
    },
    body=schemas.ChatCompletionRequest,
    description="Streamed (`stream: true`) as OpenAI's chunks ending with `data: [DONE]`; the last "
    "chunk's delta carries `citations` and `no_answer`, and an error midway comes as an OpenAIError.",
)
async def chat_completions(request: Request) -> Response:
    """POST /v1/chat/completions."""
    data = await parsed(request, schemas.ChatCompletionRequest, _EXAMPLE)
    if data.model not in PIPELINES:
        raise NotFound(f"model {data.model[:80]!r} does not exist; GET /v1/models lists them")
    question, history = _question_and_history(data.messages)
    raw_chat_id = _chat_id(data)
    ask = await asked(request, question, () if raw_chat_id is not None else history, raw_chat_id)
    completion = f"chatcmpl-{uuid.uuid4().hex}"
    if data.stream:
        with_usage = data.stream_options is not None and data.stream_options.include_usage
        return event_stream(_chunks(ask, completion, data.model, with_usage))
    done = None
    async for event in recorded_events(ask):
        if isinstance(event, AnswerDone):
            done = event
    assert done is not None  # the service always ends with AnswerDone or raises
    message = {"content": done.answer + sources(done.citations), **_extension(done)}
    body = schemas.ChatCompletion.model_validate(
        {
            **_envelope(completion, data.model, "chat.completion"),
            "choices": [{"index": 0, "message": message, "finish_reason": done.finish_reason}],
            "usage": _usage(ask.question, done),
            "ragloom": _reply(done),
        }
    )
    return JSONResponse(body.model_dump(mode="json"))


async def _chunks(ask: Asked, completion: str, model: str, with_usage: bool) -> AsyncIterator[bytes]:
    envelope = _envelope(completion, model, "chat.completion.chunk")

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return _chunk({**envelope, "choices": [choice], **extra})

    yield chunk({"role": "assistant", "content": ""})
    try:
        async for event in recorded_events(ask):
            if isinstance(event, AnswerDelta):
                yield chunk({"content": event.text})
            else:
                last = {"content": sources(event.citations), **_extension(event)}
                yield chunk(
                    last,
                    event.finish_reason,
                    ragloom=_reply(event),
                )
                if with_usage:
                    yield _chunk({**envelope, "choices": [], "usage": _usage(ask.question, event)})
    except RagloomError as error:  # the stream has begun: the error goes in it, as OpenAI's do
        yield _data(openai_error_body(error.code, error.message, status_of(error)))
    except Exception:
        log.exception("answer stream failed")
        yield _data(openai_error_body("internal_error", "internal server error", 500))
    yield b"data: [DONE]\n\n"


def sources(citations: Sequence[Citation]) -> str:
    """The citations as text after the answer, one numbered line each with where to look, as
    `ragloom ask` prints them."""
    if not citations:
        return ""
    lines = [f"[{c.marker}] {c.title or c.source} ({citation_place(_citation(c))})" for c in citations]
    return "\n\nSources:\n" + "\n".join(lines)


def _question_and_history(sent: Sequence[schemas.OpenAIMessage]) -> tuple[str, list[Message]]:
    messages = [Message(item.role, _text(item.content, i)) for i, item in enumerate(sent)]
    if messages[-1].role != "user":
        raise InvalidInput("the last message must be the user's question")
    dialogue = [m for m in messages[:-1] if m.role in ("user", "assistant")]
    return messages[-1].content, dialogue


def _text(content: str | Sequence[schemas.ContentPart], index: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    texts = [part.text for part in content if part.type == "text"]
    if texts and all(isinstance(text, str) for text in texts):
        return "\n".join(text for text in texts if text is not None)
    raise InvalidInput(f"messages[{index}].content must be a string or a list of text parts")


def _chat_id(data: schemas.ChatCompletionRequest) -> str | None:
    if data.chat_id is not None:
        return data.chat_id
    if data.user is not None and data.user.startswith("chat:"):
        return data.user.removeprefix("chat:")
    return None


def _citation(citation: Citation) -> dict[str, Any]:
    return schemas.Citation.model_validate(citation).model_dump(mode="json")


def _extension(done: AnswerDone) -> dict[str, Any]:
    return {"citations": [_citation(c) for c in done.citations], "no_answer": done.no_answer}


def _reply(done: AnswerDone) -> dict[str, Any]:
    return schemas.RagloomReply.model_validate(
        {**_extension(done), "chat_id": done.chat_id, "cached": done.cached}
    ).model_dump(mode="json")


def _envelope(completion: str, model: str, kind: str) -> dict[str, Any]:
    return {"id": completion, "object": kind, "created": int(time.time()), "model": model}


def _usage(question: str, done: AnswerDone) -> dict[str, int]:
    usage = done.usage or Usage(len(question.split()), len(done.answer.split()))
    total = usage.prompt_tokens + usage.completion_tokens
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": total,
    }


def _chunk(fields: dict[str, Any]) -> bytes:
    return _data(
        schemas.ChatCompletionChunk.model_validate(fields).model_dump(mode="json", exclude_unset=True)
    )


def _data(payload: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()
