"""Answering: retrieve -> prompt with the dialogue -> stream deltas -> final event with citations."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import AsyncIterator, Callable, Sequence

from ..events import QuestionAnswered, QuestionUnfinished
from ..models import (
    SYSTEM_CALLER,
    AnswerDelta,
    AnswerDone,
    AnswerEvent,
    Caller,
    ChatRequest,
    Citation,
    Grounding,
    Message,
    Passage,
    SearchHit,
    TenantId,
)
from ..ports import ChatModel, PiiScrubber
from ..prompting import render_messages
from .retrieval import Retriever
from .transactions import UnitsOfWork

NO_CONTEXT_ANSWER = "I could not find anything about that in your documents."
HISTORY_MESSAGES = 10
_MARKER = re.compile(r"\[(\d+)\]")


def citations_for(answer: str, hits: Sequence[SearchHit]) -> list[Citation]:
    """The passages the answer cites as [n]; all of them if it cites none."""
    cited = {int(m) for m in _MARKER.findall(answer)}
    chosen = [i for i in range(1, len(hits) + 1) if i in cited] or list(range(1, len(hits) + 1))
    return [
        Citation(
            marker=i,
            document_id=hits[i - 1].payload.document_id,
            title=hits[i - 1].payload.title,
            source=hits[i - 1].payload.source,
            chunk=hits[i - 1].payload.ordinal,
            score=hits[i - 1].score,
            text=hits[i - 1].payload.text,
            page=hits[i - 1].payload.page,
            start_seconds=hits[i - 1].payload.start_seconds,
            end_seconds=hits[i - 1].payload.end_seconds,
        )
        for i in chosen
    ]


class AnswerService:
    def __init__(
        self,
        *,
        retriever: Retriever,
        chat_model: ChatModel,
        units: UnitsOfWork,
        digest: Callable[[str], str] = lambda text: hashlib.sha256(text.encode()).hexdigest(),
        scrubber: PiiScrubber | None = None,
    ) -> None:
        """`digest` names a question in the audit trail: a keyed hash (the audit signer's), so a short
        question cannot be found by hashing guesses. `scrubber` masks personal data in the question
        and the dialogue as ingestion masks documents, before anything sees them."""
        self._digest = digest
        self._scrubber = scrubber
        self._retriever = retriever
        self._chat = chat_model
        self._units = units

    def validate(self, question: str) -> str:
        """The stripped question; InvalidInput if empty or too long (check before streaming)."""
        return self._retriever.validate(question)

    async def answer(
        self,
        tenant: TenantId,
        question: str,
        history: Sequence[Message] = (),
        *,
        caller: Caller = SYSTEM_CALLER,
    ) -> AsyncIterator[AnswerEvent]:
        """Stream the answer; the last event is AnswerDone with the full text and citations.

        The audit record holds the question's keyed digest and the cited documents, never the text.
        With a scrubber, the question and dialogue are masked first: they reach the retriever, the
        chat model and the record masked, and a pseudonym in the question finds the same pseudonym
        in the index.
        """
        question, history = await self._masked(tenant, question, history)
        hits = await self._retriever.retrieve(tenant, question)
        if not hits:
            await self._record(tenant, caller, question, NO_CONTEXT_ANSWER, ())
            yield AnswerDelta(NO_CONTEXT_ANSWER)
            yield AnswerDone(NO_CONTEXT_ANSWER, ())
            return
        passages = [Passage(i, hit.payload.text, hit.payload.title) for i, hit in enumerate(hits, start=1)]
        grounding = Grounding(question.strip(), passages, tuple(history)[-HISTORY_MESSAGES:])
        parts: list[str] = []
        async for delta in self._chat.stream(ChatRequest(render_messages(grounding), grounding)):
            if delta.text:
                parts.append(delta.text)
                yield AnswerDelta(delta.text)
        answer = "".join(parts)
        citations = tuple(citations_for(answer, hits))
        await self._record(tenant, caller, question, answer, citations)
        yield AnswerDone(answer, citations)

    async def _masked(
        self, tenant: TenantId, question: str, history: Sequence[Message]
    ) -> tuple[str, Sequence[Message]]:
        if self._scrubber is None:
            return question, history
        history = tuple(history)[-HISTORY_MESSAGES:]
        masked = await self._scrubber.scrub(tenant, [question, *(m.content for m in history)])
        return masked[0].text, [
            dataclasses.replace(message, content=result.text)
            for message, result in zip(history, masked[1:], strict=True)
        ]

    async def record_unfinished(self, tenant: TenantId, question: str, caller: Caller, reason: str) -> None:
        """Audit a question whose answer never completed (an error, or the client went away)."""
        await self._units.publish(
            QuestionUnfinished(
                tenant_id=tenant, caller=caller, question_digest=self._digest(question), reason=reason
            )
        )

    async def _record(
        self, tenant: TenantId, caller: Caller, question: str, answer: str, citations: Sequence[Citation]
    ) -> None:
        event = QuestionAnswered(
            tenant_id=tenant,
            caller=caller,
            question_digest=self._digest(question),
            answer_chars=len(answer),
            cited_documents=tuple(c.document_id for c in citations),
        )
        await self._units.publish(event)
