"""Retrieval: embed the question, search the tenant's index (dense or hybrid), rerank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InvalidInput
from ..models import SearchHit, SearchQuery, TenantId
from ..ports import Reranker, SparseEncoder, TextEmbedder, VectorIndex


@dataclass(frozen=True, slots=True)
class RetrievalPolicy:
    candidates: int = 20
    top_n: int = 5
    max_question_chars: int = 4000


class Retriever:
    def __init__(
        self,
        *,
        embedder: TextEmbedder,
        index: VectorIndex,
        policy: RetrievalPolicy,
        sparse: SparseEncoder | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self._embedder = embedder
        self._index = index
        self._policy = policy
        self._sparse = sparse
        self._reranker = reranker

    def validate(self, question: str) -> str:
        text = question.strip()
        if not text:
            raise InvalidInput("the question is empty")
        if len(text) > self._policy.max_question_chars:
            raise InvalidInput(f"the question is over {self._policy.max_question_chars} characters")
        return text

    async def retrieve(
        self, tenant: TenantId, question: str, top_n: int | None = None
    ) -> Sequence[SearchHit]:
        """The tenant's best chunks for the question, best first."""
        text = self.validate(question)
        n = top_n or self._policy.top_n
        dense = await self._embedder.embed_query(text)
        sparse = self._sparse.encode_query(text) if self._sparse is not None else None
        limit = max(n, self._policy.candidates) if self._reranker is not None else n
        hits = await self._index.search(tenant, SearchQuery(dense=dense, sparse=sparse, limit=limit))
        if self._reranker is not None and hits:
            return await self._reranker.rerank(text, hits, n)
        return hits[:n]
