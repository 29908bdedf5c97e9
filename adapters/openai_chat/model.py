"""OpenAIChatModel: streams answers from an OpenAI-compatible chat completions endpoint through the
official `openai` client, which retries refused and failed requests with backoff. Its errors, those
of a stream that breaks off included (the client wraps its transport's), become ProviderUnavailable,
retryable where the server says so (timeouts, 429, 5xx)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import openai

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import ChatDelta, ChatRequest, Usage

from .settings import OpenAIChatSettings

_RETRYABLE = (
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.RateLimitError,
    openai.InternalServerError,
)


def translated(error: openai.OpenAIError) -> ProviderUnavailable:
    """The core's error for the client's: retryable for timeouts, lost connections, 429 and 5xx."""
    if isinstance(error, openai.APIStatusError):
        detail = f"HTTP {error.status_code}: {error.message}"
    else:
        detail = str(error) or type(error).__name__
    return ProviderUnavailable(f"the chat model failed: {detail}", retryable=isinstance(error, _RETRYABLE))


class OpenAIChatModel:
    generative = True  # it writes free text, so it can also rewrite follow-up questions

    def __init__(self, client: openai.AsyncOpenAI, settings: OpenAIChatSettings) -> None:
        self._client = client
        self._settings = settings

    @property
    def name(self) -> str:
        return f"openai:{self._settings.model}"

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        options = request.options
        arguments: dict[str, Any] = {
            "model": self._settings.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": options.max_tokens or self._settings.max_tokens,
            "temperature": self._settings.temperature if options.temperature is None else options.temperature,
        }
        if options.stop:
            arguments["stop"] = list(options.stop)
        try:
            stream = await self._client.chat.completions.create(**arguments)
        except openai.OpenAIError as error:
            raise translated(error) from error
        finish: str | None = None
        usage: Usage | None = None
        try:
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices[:1]:
                    if choice.delta.content:
                        yield ChatDelta(choice.delta.content)
                    if choice.finish_reason:
                        finish = "length" if choice.finish_reason == "length" else "stop"
        except openai.OpenAIError as error:
            raise translated(error) from error
        finally:
            await stream.close()
        yield ChatDelta(finish_reason=finish or "stop", usage=usage)


@asynccontextmanager
async def open_openai_chat(settings: OpenAIChatSettings) -> AsyncIterator[OpenAIChatModel]:
    client = openai.AsyncOpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key.get_secret_value(),
        timeout=openai.Timeout(settings.timeout_seconds, connect=settings.connect_timeout_seconds),
        max_retries=settings.max_retries,
    )
    try:
        yield OpenAIChatModel(client, settings)
    finally:
        await client.close()
