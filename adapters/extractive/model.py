"""Pick the sentences (or table rows) of the retrieved passages that answer the question; cite each one."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.models import ChatDelta, ChatRequest, Grounding, Usage
from ragloom.core.stopwords import ENGLISH_STOPWORDS
from ragloom.core.text import split_sentences, words

STOPWORDS = ENGLISH_STOPWORDS | {"also"}

MIN_WORDS = 4  # shorter "sentences" are headings or labels, not answers
RELATIVE_FLOOR = 0.5  # a sentence scoring under half the best one's does not answer the question


class ExtractiveSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_sentences: int = Field(
        3, ge=1, le=20, description="most sentences (or table rows) quoted in an answer"
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    passage_rank: int
    position: int
    marker: int
    text: str


def _is_heading(sentence: str) -> bool:
    """Short lines without end punctuation are headings or labels, not answers."""
    size = len(sentence.split())
    return size < MIN_WORDS or (size <= 12 and sentence.rstrip()[-1:] not in ".!?…\"')]")


def _terms(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


class ExtractiveChatModel:
    def __init__(self, settings: ExtractiveSettings) -> None:
        self._max = settings.max_sentences

    def _select(self, prompt: Grounding) -> list[_Candidate]:
        sentences = [
            (rank, position, passage.marker, sentence)
            for rank, passage in enumerate(prompt.passages)
            for position, sentence in enumerate(split_sentences(passage.text))
        ]
        if not sentences:
            return []
        document_frequency = Counter(t for *_, s in sentences for t in set(_terms(s)))
        total = len(sentences)
        question = set(_terms(prompt.question))
        candidates = []
        for rank, position, marker, sentence in sentences:
            overlap = question & set(_terms(sentence))
            weight = sum(math.log(1 + total / document_frequency[t]) for t in overlap)
            candidates.append(_Candidate(weight / (1 + 0.15 * rank), rank, position, marker, sentence))
        best = sorted(candidates, key=lambda c: (-c.score, c.passage_rank, c.position))
        substantial = [c for c in best if c.score > 0 and not _is_heading(c.text)]
        if substantial:  # the answering sentence, and those nearly as close to the question
            substantial = [c for c in substantial if c.score >= RELATIVE_FLOOR * substantial[0].score]
        chosen = substantial[: self._max] or [best[0]]
        return sorted(chosen, key=lambda c: (c.passage_rank, c.position))

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
