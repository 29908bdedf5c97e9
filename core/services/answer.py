"""Answering: retrieve -> prompt with the dialogue -> stream deltas -> final event with citations."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import InvalidInput, NotFound, RagloomError
from ..events import QuestionAnswered, QuestionUnfinished
from ..evidence import read
from ..models import (
    SYSTEM_CALLER,
    AnswerDelta,
    AnswerDone,
    AnswerEvent,
    CachedAnswer,
    Caller,
    ChatDelta,
    ChatId,
    ChatMessage,
    ChatRequest,
    Citation,
    Document,
    DocumentId,
    Grounding,
    Message,
    Passage,
    Reference,
    Scrubbed,
    SearchHit,
    TenantId,
)
from ..ports import ChatModel, PiiScrubber, QueryRewriter, SemanticCache
from ..prompting import render_messages
from ..telemetry import CACHE_LOOKUP, LLM_SECONDS, LLM_TOKENS, detached_span, record, span
from .chats import ChatService
from .disagreement import answered_by, disagreements, note
from .exchanges import Exchange, ExchangeWriter
from .retrieval import QueryVector, Retriever
from .transactions import UnitsOfWork

NO_CONTEXT_ANSWER = "I could not find anything about that in your documents."
# What the scrubber masks as names; such a mask is lifted in a question when the tenant's documents
# hold the same words unmasked (AnswerService._as_indexed).
NAME_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "ORGANIZATION"})
HISTORY_MESSAGES = 10
_MARKER = re.compile(r"\[(\d+)\]")
_SPACED_MARKER = re.compile(r" ?\[(\d+)\]")


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
            location=hits[i - 1].payload.location,
        )
        for i in chosen
    ]


def without_dangling_markers(answer: str, passages: int) -> str:
    """The answer without the markers that point to no passage (a model may invent [7] of five)."""
    return _SPACED_MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= passages else "", answer)


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    """When the documents are taken not to hold the answer, so that the answer says so
    (`no_answer`) whatever the chat model would have written:

    - `min_support`: no sentence of the retrieved passages that holds an answer of the asked kind
      (a price for "how much does it cost") holds this share of the question's terms
      (core.evidence; 0 turns this off);
    - `min_similarity`: the cosine similarity of the question and the closest ready chunk is
      below it (0 turns this off), unless a sentence's support reaches `sure_support`."""

    min_similarity: float = 0.0
    min_support: float = 0.0
    sure_support: float = 1.0
    history_messages: int = HISTORY_MESSAGES

    def answers(self, similarity: float | None, support: float) -> bool:
        if support < self.min_support:
            return False
        if similarity is None or self.min_similarity <= 0 or support >= self.sure_support:
            return True
        return similarity >= self.min_similarity


class AnswerService:
    def __init__(
        self,
        *,
        retriever: Retriever,
        chat_model: ChatModel,
        units: UnitsOfWork,
        digest: Callable[[str], str] = lambda text: hashlib.sha256(text.encode()).hexdigest(),
        scrubber: PiiScrubber | None = None,
        rewriter: QueryRewriter | None = None,
        chats: ChatService | None = None,
        policy: AnswerPolicy = AnswerPolicy(),
        clock: Callable[[], float] = time.monotonic,
        cache: SemanticCache | None = None,
    ) -> None:
        """`digest` names a question in the audit trail: a keyed hash (the audit signer's), so a short
        question cannot be found by hashing guesses. `scrubber` masks personal data in the question
        and the dialogue as ingestion masks documents, before anything sees them. `rewriter` turns a
        follow-up into a standalone search query using the dialogue. `cache` answers a question
        whose standalone form means the same as one answered before, for the same tenant, corpus
        version and pipeline, without retrieval or generation."""
        self._cache = cache
        self._digest = digest
        self._scrubber = scrubber
        self._retriever = retriever
        self._chat = chat_model
        self._units = units
        self._exchanges = ExchangeWriter(units)
        self._rewriter = rewriter
        self._chats = chats
        self._policy = policy
        self._clock = clock

    def validate(self, question: str) -> str:
        """The stripped question; InvalidInput if empty or too long (check before streaming)."""
        return self._retriever.validate(question)

    @property
    def policy(self) -> AnswerPolicy:
        return self._policy

    async def answer(
        self,
        tenant: TenantId,
        question: str,
        history: Sequence[Message] = (),
        *,
        chat_id: ChatId | None = None,
        caller: Caller = SYSTEM_CALLER,
    ) -> AsyncIterator[AnswerEvent]:
        """Stream the answer; the last event is AnswerDone with the full text, citations and
        whether the documents hold no answer.

        With `chat_id`, the chat's last messages are the dialogue and the question and answer are
        appended to it; `history` is for clients that keep the dialogue themselves (not both).
        The audit record holds the question's keyed digest and the cited documents, never the text.
        With a scrubber, the question and dialogue are masked first: they reach the retriever, the
        chat model, the chat and the record masked, and a pseudonym in the question finds the same
        pseudonym in the index. If the chat model fails mid-stream, the partial answer is stored as
        unfinished and the error raised.
        """
        if chat_id is not None and history:
            raise InvalidInput("send either chat_id or history, not both")
        if chat_id is not None:
            if self._chats is None:
                raise InvalidInput("chats are not available here")
            history = await self._chats.context(tenant, chat_id)
        started = self._clock()
        question, history = await self._masked(tenant, question, history)
        history = tuple(history)[-self._policy.history_messages :]
        search = await self._search_query(question, history)
        with span("answer.cache", tenant_id=tenant):
            key = await self._cache_key(tenant, search)
            cached = await self._cache.get(tenant, key[0].vector, **key[1]) if self._cache and key else None
        if self._cache is not None:
            record(CACHE_LOOKUP, result="miss" if cached is None else "hit")
        if cached is not None:
            await self._record(
                tenant, caller, question, cached.answer, cached.citations, chat_id, started, False
            )
            yield AnswerDelta(cached.answer)
            yield AnswerDone(cached.answer, cached.citations, chat_id=chat_id, cached=True)
            return
        with span("answer.retrieve", tenant_id=tenant):
            retrieved = await self._retriever.search(tenant, search, query_vector=key[0] if key else None)
        hits = retrieved.hits
        conflicts = await disagreements(hits, lambda ids: self._created(tenant, ids))
        superseded = {d.older for d in conflicts}
        passages = [
            Passage(i, hit.payload.text, hit.payload.title)
            for i, hit in enumerate(hits, start=1)
            if i not in superseded
        ]
        reading = read(search, passages)
        if not passages or not self._policy.answers(retrieved.similarity, reading.support):
            await self._record(tenant, caller, question, NO_CONTEXT_ANSWER, (), chat_id, started, True)
            yield AnswerDelta(NO_CONTEXT_ANSWER)
            yield AnswerDone(NO_CONTEXT_ANSWER, (), no_answer=True, chat_id=chat_id)
            return
        grounding = Grounding(
            question.strip(), passages, history, search if search != question else "", reading=reading
        )
        parts: list[str] = []
        last = ChatDelta()
        began = time.perf_counter()
        try:
            with detached_span("answer.generate", model=self._chat.name, passages=len(passages)):
                async for delta in self._chat.stream(ChatRequest(render_messages(grounding), grounding)):
                    last = delta
                    if delta.text:
                        parts.append(delta.text)
                        yield AnswerDelta(delta.text)
            self._measure(last, time.perf_counter() - began)
        except Exception as error:
            reason = error.code if isinstance(error, RagloomError) else "internal_error"
            await self.record_unfinished(
                tenant, question, caller, reason, chat_id=chat_id, partial="".join(parts)
            )
            raise
        answering = answered_by(conflicts, "".join(parts))
        if answering:
            parts.append(note(answering))
            yield AnswerDelta(parts[-1])
        answer = without_dangling_markers("".join(parts), len(hits))
        citations = await self._with_media_types(tenant, citations_for(answer, hits))
        await self._record(tenant, caller, question, answer, citations, chat_id, started, False)
        if self._cache is not None and key is not None and last.finish_reason in (None, "stop"):
            await self._cache.put(tenant, key[0].vector, CachedAnswer(answer, citations), **key[1])
        finish = last.finish_reason or "stop"
        yield AnswerDone(answer, citations, chat_id=chat_id, usage=last.usage, finish_reason=finish)

    def _measure(self, last: ChatDelta, seconds: float) -> None:
        """The chat model's latency, and its tokens where it counts them."""
        model = self._chat.name
        record(LLM_SECONDS, seconds, model=model)
        if last.usage is not None:
            record(LLM_TOKENS, last.usage.prompt_tokens, model=model, kind="prompt")
            record(LLM_TOKENS, last.usage.completion_tokens, model=model, kind="completion")

    async def _documents(self, tenant: TenantId, ids: set[DocumentId]) -> dict[DocumentId, Document]:
        """The documents of these ids (one deleted meanwhile is left out)."""
        found = {}
        async with self._units(tenant, read_only=True) as transaction:
            for document_id in ids:
                try:
                    found[document_id] = await transaction.documents.get(tenant, document_id)
                except NotFound:
                    continue
        return found

    async def _created(self, tenant: TenantId, ids: set[DocumentId]) -> dict[DocumentId, datetime]:
        return {i: document.created_at for i, document in (await self._documents(tenant, ids)).items()}

    async def _with_media_types(
        self, tenant: TenantId, citations: Sequence[Citation]
    ) -> tuple[Citation, ...]:
        documents = await self._documents(tenant, {c.document_id for c in citations})
        return tuple(
            dataclasses.replace(c, media_type=documents[c.document_id].media_type)
            if c.document_id in documents
            else c
            for c in citations
        )

    async def _cache_key(self, tenant: TenantId, search: str) -> tuple[QueryVector, dict[str, Any]] | None:
        """The standalone question's vector and the rest of the cache key: the tenant's corpus
        version and the pipeline (chat model, retrieval, abstention). None without a cache."""
        if self._cache is None:
            return None
        version, query = await asyncio.gather(
            self._corpus_version(tenant), self._retriever.query_vector(tenant, search)
        )
        if version is None:  # no such tenant (a service caller's mistake): nothing to cache
            return None
        retrieval = f"{self._retriever.fingerprint}|{query.space}"
        policy = self._policy
        abstention = f"{policy.min_similarity}|{policy.min_support}|{policy.sure_support}"
        pipeline = f"{self._chat.name}|{retrieval}|{abstention}"
        return query, {"corpus_version": version, "pipeline": pipeline}

    async def _corpus_version(self, tenant: TenantId) -> int | None:
        async with self._units(tenant, read_only=True) as transaction:
            try:
                return (await transaction.tenants.get(tenant)).corpus_version
            except NotFound:
                return None

    async def _search_query(self, question: str, history: Sequence[Message]) -> str:
        if self._rewriter is None or not history:
            return question
        try:
            rewritten = (await self._rewriter.rewrite(question, history)).strip()
        except RagloomError:  # a rewriter that cannot help leaves the question as it is
            return question
        return rewritten[: self._retriever.max_question_chars] or question

    async def _masked(
        self, tenant: TenantId, question: str, history: Sequence[Message]
    ) -> tuple[str, Sequence[Message]]:
        if self._scrubber is None:
            return question, history
        history = tuple(history)[-self._policy.history_messages :]
        texts = [question, *(m.content for m in history)]
        masked = await self._scrubber.scrub(tenant, texts)
        kept = [
            await self._as_indexed(tenant, text, result) for text, result in zip(texts, masked, strict=True)
        ]
        return kept[0], [
            dataclasses.replace(message, content=text)
            for message, text in zip(history, kept[1:], strict=True)
        ]

    async def _as_indexed(self, tenant: TenantId, original: str, scrubbed: Scrubbed) -> str:
        """The text masked as the tenant's documents were: a name the scrubber masked here (a ship, a
        place or a product the model took for a person in a short question) that the documents hold
        as written is kept, so the question finds what the documents say of it. A name the documents
        masked stays masked, and so does every other kind of personal data."""
        text = scrubbed.text
        for mask in reversed(scrubbed.masks):
            value = original[mask.start : mask.end]
            if mask.entity in NAME_ENTITIES and await self._retriever.holds(tenant, value):
                text = text[: mask.masked_start] + value + text[mask.masked_end :]
        return text

    async def record_unfinished(
        self,
        tenant: TenantId,
        question: str,
        caller: Caller,
        reason: str,
        *,
        chat_id: ChatId | None = None,
        partial: str = "",
    ) -> None:
        """Audit a question whose answer never completed (an error, or the client went away); in a
        chat, store the question and the partial answer, marked unfinished with the reason."""
        event = QuestionUnfinished(
            tenant_id=tenant, caller=caller, question_digest=self._digest(question), reason=reason
        )
        await self._store(tenant, event, chat_id, question, partial, finished=False, error=reason)

    async def _record(
        self,
        tenant: TenantId,
        caller: Caller,
        question: str,
        answer: str,
        citations: Sequence[Citation],
        chat_id: ChatId | None,
        started: float,
        no_answer: bool,
    ) -> None:
        event = QuestionAnswered(
            tenant_id=tenant,
            caller=caller,
            question_digest=self._digest(question),
            answer_chars=len(answer),
            cited_documents=tuple(c.document_id for c in citations),
            no_answer=no_answer,
            chat_id=chat_id,
        )
        await self._store(
            tenant,
            event,
            chat_id,
            question,
            answer,
            references=tuple(_reference(c) for c in citations),
            latency_ms=round((self._clock() - started) * 1000),
            no_answer=no_answer,
        )

    async def _store(
        self,
        tenant: TenantId,
        event: QuestionAnswered | QuestionUnfinished,
        chat_id: ChatId | None,
        question: str,
        reply: str,
        **details: Any,
    ) -> None:
        """Store the exchange's audit event and, in a chat, the question and the reply (with
        `details`, the assistant message's fields) appended to it."""
        messages: tuple[ChatMessage, ...] = ()
        if chat_id is not None:
            messages = (
                _message(tenant, chat_id, "user", question),
                _message(tenant, chat_id, "assistant", reply, model=self._chat.name, **details),
            )
        await self._exchanges.store(Exchange(tenant, event, chat_id, messages))


def _message(tenant: TenantId, chat_id: ChatId, role: str, content: str, **details: Any) -> ChatMessage:
    return ChatMessage(
        tenant_id=tenant, chat_id=chat_id, role=role, content=content, created_at=datetime.now(UTC), **details
    )


def _reference(citation: Citation) -> Reference:
    return Reference(
        marker=citation.marker,
        document_id=citation.document_id,
        chunk=citation.chunk,
        score=citation.score,
        location=citation.location.without_boxes(),
        media_type=citation.media_type,
    )
