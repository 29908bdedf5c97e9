"""Answering: retrieve -> prompt with the dialogue -> stream deltas -> final event with citations."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Sequence

from ..models import (
    SYSTEM_CALLER,
    AnswerDelta,
    AnswerDone,
    AnswerEvent,
    Caller,
    Citation,
    Message,
    Passage,
    Prompt,
    SearchHit,
    TenantId,
)
from ..ports import ChatModel
from .audit import AuditTrail
from .retrieval import Retriever

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
        )
        for i in chosen
    ]


class AnswerService:
    def __init__(self, *, retriever: Retriever, chat_model: ChatModel, audit: AuditTrail) -> None:
        self._retriever = retriever
        self._chat = chat_model
        self._audit = audit

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

        The audit record holds the question's hash and the cited documents, never the text.
        """
        hits = await self._retriever.retrieve(tenant, question)
        if not hits:
            await self._record(tenant, caller, question, NO_CONTEXT_ANSWER, ())
            yield AnswerDelta(NO_CONTEXT_ANSWER)
            yield AnswerDone(NO_CONTEXT_ANSWER, ())
            return
        passages = [Passage(i, hit.payload.text, hit.payload.title) for i, hit in enumerate(hits, start=1)]
        prompt = Prompt(question.strip(), passages, tuple(history)[-HISTORY_MESSAGES:])
        parts: list[str] = []
        async for delta in self._chat.stream(prompt):
            if delta:
                parts.append(delta)
                yield AnswerDelta(delta)
        answer = "".join(parts)
        citations = tuple(citations_for(answer, hits))
        await self._record(tenant, caller, question, answer, citations)
        yield AnswerDone(answer, citations)

    async def record_unfinished(self, tenant: TenantId, question: str, caller: Caller, reason: str) -> None:
        """Audit a question whose answer never completed (an error, or the client went away)."""
        details = {"question_sha256": _digest(question), "reason": reason}
        await self._audit.record(tenant, caller, "query.unfinished", "query", details)

    async def _record(
        self, tenant: TenantId, caller: Caller, question: str, answer: str, citations: Sequence[Citation]
    ) -> None:
        details = {
            "question_sha256": _digest(question),
            "answer_chars": len(answer),
            "cited_documents": sorted({c.document_id for c in citations}),
        }
        await self._audit.record(tenant, caller, "query.answer", "query", details)


def _digest(question: str) -> str:
    return hashlib.sha256(question.encode()).hexdigest()
