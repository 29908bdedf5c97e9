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
from .bodies import json_object
from .errors import openai_error_body, status_of
from .query import Asked, asked, event_stream, recorded_events
from .serialize import citation_json

log = logging.getLogger(__name__)
PIPELINES = ("ragloom",)
_EXAMPLE = '{"model": "ragloom", "messages": [{"role": "user", "content": "..."}]}'


async def list_models(request: Request) -> Response:
    """GET /v1/models: one entry per configured pipeline."""
    data = [{"id": name, "object": "model", "created": 0, "owned_by": "ragloom"} for name in PIPELINES]
    return JSONResponse({"object": "list", "data": data})


async def chat_completions(request: Request) -> Response:
    """POST /v1/chat/completions."""
    data = await json_object(request, _EXAMPLE)
    model = data.get("model", PIPELINES[0])
    if model not in PIPELINES:
        raise NotFound(f"model {str(model)[:80]!r} does not exist; GET /v1/models lists them")
    question, history = _question_and_history(data.get("messages"))
    raw_chat_id = _chat_id(data)
    ask = await asked(request, question, () if raw_chat_id is not None else history, raw_chat_id)
    completion = f"chatcmpl-{uuid.uuid4().hex}"
    if data.get("stream") is True:
        options = data.get("stream_options")
        with_usage = isinstance(options, dict) and options.get("include_usage") is True
        return event_stream(_chunks(ask, completion, str(model), with_usage))
    if data.get("stream") not in (None, False):
        raise InvalidInput("field 'stream' must be a boolean")
    done = None
    async for event in recorded_events(ask):
        if isinstance(event, AnswerDone):
            done = event
    assert done is not None  # the service always ends with AnswerDone or raises
    message = {
        "role": "assistant",
        "content": done.answer + sources(done.citations),
        **_extension(done),
    }
    body = {
        **_envelope(completion, str(model), "chat.completion"),
        "choices": [{"index": 0, "message": message, "finish_reason": done.finish_reason}],
        "usage": _usage(ask.question, done),
        "ragloom": {**_extension(done), "chat_id": done.chat_id, "cached": done.cached},
    }
    return JSONResponse(body)


async def _chunks(ask: Asked, completion: str, model: str, with_usage: bool) -> AsyncIterator[bytes]:
    envelope = _envelope(completion, model, "chat.completion.chunk")

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return _data({**envelope, "choices": [choice], **extra})

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
                    ragloom={**_extension(event), "chat_id": event.chat_id, "cached": event.cached},
                )
                if with_usage:
                    yield _data({**envelope, "choices": [], "usage": _usage(ask.question, event)})
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
    lines = [f"[{c.marker}] {c.title or c.source} ({citation_place(citation_json(c))})" for c in citations]
    return "\n\nSources:\n" + "\n".join(lines)


def _question_and_history(raw: object) -> tuple[str, list[Message]]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(f"field 'messages' must be a non-empty list, like {_EXAMPLE}")
    messages = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or item.get("role") not in ("system", "developer", "user", "assistant"):
            raise InvalidInput(f"messages[{i}] needs a role of system, developer, user or assistant")
        messages.append(Message(item["role"], _text(item.get("content"), i)))
    if messages[-1].role != "user":
        raise InvalidInput("the last message must be the user's question")
    dialogue = [m for m in messages[:-1] if m.role in ("user", "assistant")]
    return messages[-1].content, dialogue


def _text(content: object, index: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        texts = [p.get("text") for p in content if p.get("type") == "text"]
        if texts and all(isinstance(t, str) for t in texts):
            return "\n".join(texts)
    raise InvalidInput(f"messages[{index}].content must be a string or a list of text parts")


def _chat_id(data: dict[str, Any]) -> object:
    if data.get("chat_id") is not None:
        return data["chat_id"]
    user = data.get("user")
    if isinstance(user, str) and user.startswith("chat:"):
        return user.removeprefix("chat:")
    return None


def _extension(done: AnswerDone) -> dict[str, Any]:
    return {"citations": [citation_json(c) for c in done.citations], "no_answer": done.no_answer}


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


def _data(payload: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()
