"""Contract tests every ChatModel passes. Subclasses provide an async fixture `adapter`."""

from __future__ import annotations

import re
from typing import Any

from ragloom.core.models import ChatRequest, GenerationOptions, Grounding, Passage
from ragloom.core.prompting import render_messages

PASSAGES = [
    Passage(1, "Barn owls hunt at night. They swallow their prey whole.", "Owls"),
    Passage(2, "Owls have silent feathers. Their hearing is very sharp.", "Owls"),
    Passage(3, "Owl pellets hold the bones of the prey. Scientists study them.", "Pellets"),
]


def request(question: str = "How do owls hunt?", **options: Any) -> ChatRequest:
    grounding = Grounding(question, PASSAGES)
    return ChatRequest(render_messages(grounding), grounding, GenerationOptions(**options))


async def collect(adapter: Any, chat_request: ChatRequest) -> list[Any]:
    return [delta async for delta in adapter.stream(chat_request)]


class ChatModelContract:
    async def test_has_a_name(self, adapter: Any) -> None:
        assert isinstance(adapter.name, str) and adapter.name

    async def test_the_answer_streams_then_ends_with_one_finish_reason(self, adapter: Any) -> None:
        deltas = await collect(adapter, request())
        assert "".join(d.text for d in deltas).strip()
        assert deltas[-1].finish_reason in ("stop", "length")
        assert all(d.finish_reason is None for d in deltas[:-1])

    async def test_it_cites_only_passages_it_was_given(self, adapter: Any) -> None:
        """A marker it writes names a given passage. (A small model may write none: the answering
        service then cites every passage, and drops a marker that points nowhere.)"""
        answer = "".join(d.text for d in await collect(adapter, request()))
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer)}
        assert markers <= {p.marker for p in PASSAGES}

    async def test_max_tokens_stops_the_answer_with_length(self, adapter: Any) -> None:
        full = await collect(adapter, request())
        short = await collect(adapter, request(max_tokens=1))
        assert short[-1].finish_reason == "length"
        assert len("".join(d.text for d in short)) < len("".join(d.text for d in full))

    async def test_usage_when_reported_counts_both_sides(self, adapter: Any) -> None:
        usage = (await collect(adapter, request()))[-1].usage
        if usage is not None:
            assert usage.prompt_tokens > 0 and usage.completion_tokens > 0

    async def test_closing_the_stream_early_is_clean(self, adapter: Any) -> None:
        stream = adapter.stream(request())
        first = await anext(stream)
        assert first.text or first.finish_reason
        await stream.aclose()
