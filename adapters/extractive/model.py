"""Pick the sentences (or table rows) of the retrieved passages that answer the question; cite each one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.evidence import Evidence, read
from ragloom.core.models import ChatDelta, ChatRequest, Grounding, Usage

RELATIVE_FLOOR = 0.85  # a further sentence is quoted only when it answers nearly as well as the best


class ExtractiveSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_sentences: int = Field(
        3, ge=1, le=20, description="most sentences (or table rows) quoted in an answer"
    )


class ExtractiveChatModel:
    def __init__(self, settings: ExtractiveSettings) -> None:
        self._max = settings.max_sentences

    def _select(self, prompt: Grounding) -> list[Evidence]:
        """The best evidence for the standalone question (core.evidence: the question's terms,
        weighted by rarity, an answer of the asked kind, the passage's rank), and the sentences
        nearly as good, in the order the passages give them."""
        evidence = (prompt.reading or read(prompt.standalone, prompt.passages)).evidence
        if not evidence:
            return []
        best = evidence[0]
        chosen = [e for e in evidence if e.score >= RELATIVE_FLOOR * best.score and e.score > 0][: self._max]
        return sorted(chosen or [best], key=lambda e: (e.rank, e.position))

    @property
    def name(self) -> str:
        return "extractive"

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        """The best sentences of the grounding's passages, one delta each; tokens are counted as words."""
        budget = request.options.max_tokens
        prompt_words = sum(len(message.content.split()) for message in request.messages)
        used = 0
        for i, candidate in enumerate(self._select(request.grounding)):
            words_in = candidate.text.split()
            if budget is not None and used + len(words_in) > budget:
                if i == 0:  # even the first sentence is over the budget: its first words, cited
                    yield ChatDelta(f"{' '.join(words_in[:budget])} [{candidate.marker}]")
                    used = budget
                yield ChatDelta(finish_reason="length", usage=Usage(prompt_words, used))
                return
            used += len(words_in)
            yield ChatDelta(("" if i == 0 else " ") + f"{candidate.text} [{candidate.marker}]")
        yield ChatDelta(finish_reason="stop", usage=Usage(prompt_words, used))


@asynccontextmanager
async def open_chat_model(settings: ExtractiveSettings) -> AsyncIterator[ExtractiveChatModel]:
    yield ExtractiveChatModel(settings)
