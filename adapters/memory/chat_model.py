"""A fake ChatModel (tests and demos): the first sentence of each passage, cited, one delta each."""

from __future__ import annotations

from collections.abc import AsyncIterator

from ragloom.core.models import ChatDelta, ChatRequest, Usage
from ragloom.core.text import split_sentences


class EchoChatModel:
    """Tokens are words; `max_tokens` cuts the answer between sentences with finish reason 'length'."""

    @property
    def name(self) -> str:
        return "echo"

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        prompt_tokens = sum(len(message.content.split()) for message in request.messages)
        budget = request.options.max_tokens
        used = 0
        for passage in request.grounding.passages:
            sentences = split_sentences(passage.text)
            if not sentences:
                continue
            piece = ("" if used == 0 else " ") + f"{sentences[0]} [{passage.marker}]"
            size = len(piece.split()) - 1
            if budget is not None and used + size > budget:
                yield ChatDelta(finish_reason="length", usage=Usage(prompt_tokens, used))
                return
            used += size
            yield ChatDelta(piece)
        yield ChatDelta(finish_reason="stop", usage=Usage(prompt_tokens, used))
