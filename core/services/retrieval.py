"""Retrieval: embed the question, search the tenant's index (dense, sparse or hybrid), rerank."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InvalidInput
from ..models import SearchHit, SearchQuery, TenantId
from ..ports import ImageEmbedder, Reranker, SparseEncoder
from .spaces import EmbeddingSpace, Spaces
from .transactions import UnitsOfWork


class SearchMode(enum.StrEnum):
    DENSE = "dense"
    SPARSE = "sparse"
    HYBRID = "hybrid"


@dataclass(frozen=True, slots=True)
class Retrieved:
    """The best chunks for a question, and how close the closest ready chunk is in meaning (the
    cosine similarity of the dense embeddings; None without a dense search)."""

    hits: Sequence[SearchHit]
    similarity: float | None


@dataclass(frozen=True, slots=True)
class QueryVector:
    """A question's dense vector and the embedding space it was made in."""

    space: str
    vector: Sequence[float]


@dataclass(frozen=True, slots=True)
class RetrievalPolicy:
    candidates: int = 20
    top_n: int = 5
    max_question_chars: int = 4000
    mode: SearchMode = SearchMode.HYBRID


class Retriever:
    def __init__(
        self,
        *,
        spaces: Spaces,
        policy: RetrievalPolicy,
        sparse: SparseEncoder | None = None,
        reranker: Reranker | None = None,
        units: UnitsOfWork | None = None,
        images: ImageEmbedder | None = None,
    ) -> None:
        self._units = units
        self._images = images
        self._spaces = spaces
        self._policy = policy
        self._sparse = sparse
        self._reranker = reranker

    async def _searchable(self, tenant: TenantId, hits: Sequence[SearchHit]) -> Sequence[SearchHit]:
        """The hits of documents that are ready: not those being deleted or indexed again."""
        if self._units is None or not hits:
            return hits
        async with self._units(tenant, read_only=True) as transaction:
            ready = await transaction.documents.ready(tenant, {hit.payload.document_id for hit in hits})
        return [hit for hit in hits if hit.payload.document_id in ready]

    def validate(self, question: str) -> str:
        text = question.strip()
        if not text:
            raise InvalidInput("the question is empty")
        if len(text) > self._policy.max_question_chars:
            raise InvalidInput(f"the question is over {self._policy.max_question_chars} characters")
        return text

    @property
    def max_question_chars(self) -> int:
        return self._policy.max_question_chars

    def modes(self) -> list[SearchMode]:
        """The search modes the configured adapters allow."""
        if self._sparse is None:
            return [SearchMode.DENSE]
        return list(SearchMode)

    @property
    def reranks(self) -> bool:
        return self._reranker is not None

    @property
    def fingerprint(self) -> str:
        """What decides the results besides the question, the corpus and its embedding space: the
        other adapters and the policy."""
        policy, mode = self._policy, self._policy.mode if self._sparse is not None else SearchMode.DENSE
        parts = [
            mode.value,
            f"top{policy.top_n}",
            f"candidates{policy.candidates}" if self._reranker is not None else "no-rerank",
            f"images:{self._images.dimension}" if self._images is not None else "no-images",
        ]
        return "/".join(parts)

    async def query_vector(self, tenant: TenantId, question: str) -> QueryVector:
        """The dense vector a search of the tenant for this question uses (pass it back to `search`)."""
        space = await self._spaces.searched(tenant)
        return QueryVector(space.name, await space.embedder.embed_query(self.validate(question)))

    async def retrieve(
        self,
        tenant: TenantId,
        question: str,
        top_n: int | None = None,
        *,
        mode: SearchMode | None = None,
        rerank: bool = True,
        with_text: bool = True,
    ) -> Sequence[SearchHit]:
        """The tenant's best chunks for the question, best first.

        Hybrid (the default when a sparse encoder is configured) fuses dense and sparse search in
        the index, and with an image embedder also the question's CLIP vector against pictures;
        with a reranker, `candidates` chunks are reranked down to `top_n`.
        """
        retrieved = await self.search(
            tenant, question, top_n, mode=mode, rerank=rerank, with_text=with_text, similarity=False
        )
        return retrieved.hits

    async def search(
        self,
        tenant: TenantId,
        question: str,
        top_n: int | None = None,
        *,
        mode: SearchMode | None = None,
        rerank: bool = True,
        with_text: bool = True,
        similarity: bool = True,
        query_vector: QueryVector | None = None,
    ) -> Retrieved:
        """As `retrieve`, with the similarity of the closest ready chunk: the dense search's own
        best score, or in hybrid mode one more dense-only search (a millisecond in the index)."""
        text = self.validate(question)
        n = top_n or self._policy.top_n
        chosen = mode or (self._policy.mode if self._sparse is not None else SearchMode.DENSE)
        if chosen != SearchMode.DENSE and self._sparse is None:
            raise InvalidInput(
                f"search mode {chosen.value!r} needs a sparse encoder (adapters.sparse_encoder)"
            )
        space = await self._spaces.searched(tenant)
        known = query_vector.vector if query_vector is not None and query_vector.space == space.name else None
        dense, image = await self._embedded(space, text, chosen, known)
        wants_sparse = self._sparse is not None and chosen != SearchMode.DENSE
        sparse = self._sparse.encode_query(text) if wants_sparse and self._sparse is not None else None
        use_reranker = rerank and self._reranker is not None
        limit = max(n, self._policy.candidates) if use_reranker else n
        query = SearchQuery(
            dense=dense, sparse=sparse, limit=limit, with_text=with_text or use_reranker, image=image
        )
        hits = await self._searchable(tenant, await space.index.search(tenant, query))
        closest = await self._closest(space, tenant, dense, hits, chosen) if similarity and dense else None
        if use_reranker and hits and self._reranker is not None:
            return Retrieved(await self._reranker.rerank(text, hits, n), closest)
        return Retrieved(hits[:n], closest)

    async def _embedded(
        self, space: EmbeddingSpace, text: str, mode: SearchMode, known: Sequence[float] | None
    ) -> tuple[Sequence[float], Sequence[float] | None]:
        """The question's dense vector (empty in sparse mode; `known` if given) and, in hybrid mode
        with an image embedder, its vector in the picture space; both computed at once."""
        if mode == SearchMode.SPARSE:
            return [], None

        async def dense() -> Sequence[float]:
            return known if known is not None else await space.embedder.embed_query(text)

        if mode != SearchMode.HYBRID or self._images is None:
            return await dense(), None
        vector, image = await asyncio.gather(dense(), self._images.embed_text(text))
        return vector, image

    async def _closest(
        self,
        space: EmbeddingSpace,
        tenant: TenantId,
        dense: Sequence[float],
        hits: Sequence[SearchHit],
        mode: SearchMode,
    ) -> float | None:
        if mode == SearchMode.DENSE:
            return max((hit.score for hit in hits), default=None)
        nearest = await space.index.search(tenant, SearchQuery(dense=dense, limit=3, with_text=False))
        return max((hit.score for hit in await self._searchable(tenant, nearest)), default=None)
