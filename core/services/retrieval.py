"""Retrieval: embed the question, search the tenant's index (dense, sparse or hybrid), rerank."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InvalidInput
from ..models import DocumentId, SearchHit, SearchQuery, SparseVector, TenantId
from ..ports import ImageEmbedder, Reranker, SparseEncoder
from .spaces import EmbeddingSpace, Spaces
from .transactions import UnitsOfWork

HOLDS_CANDIDATES = 5  # chunks read to tell whether the corpus holds a phrase


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

    async def _hidden(self, tenant: TenantId) -> frozenset[DocumentId]:
        """The tenant's documents a search must not find: those being indexed or deleted."""
        if self._units is None:
            return frozenset()
        async with self._units(tenant, read_only=True) as transaction:
            return frozenset(await transaction.documents.unsearchable(tenant))

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
        ranking_only: bool = False,
    ) -> Sequence[SearchHit]:
        """The tenant's best chunks for the question, best first.

        Hybrid (the default when a sparse encoder is configured) fuses dense and sparse search in
        the index, and with an image embedder also the question's CLIP vector against pictures;
        with a reranker, `candidates` chunks are reranked down to `top_n`.
        """
        retrieved = await self.search(
            tenant, question, top_n, mode=mode, rerank=rerank, ranking_only=ranking_only, similarity=False
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
        ranking_only: bool = False,
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
        # The embedding runs on the model's thread, the hidden documents are read from the metadata
        # store, and the sparse query is encoded here meanwhile.
        (dense, image), hidden, sparse = await asyncio.gather(
            self._embedded(space, text, chosen, known), self._hidden(tenant), self._sparse_query(text, chosen)
        )
        use_reranker = rerank and self._reranker is not None
        limit = max(n, self._policy.candidates) if use_reranker else n
        query = SearchQuery(
            dense=dense,
            sparse=sparse,
            limit=limit,
            ranking_only=ranking_only and not use_reranker,
            image=image,
            hidden_documents=hidden,
        )
        hits = await space.index.search(tenant, query)
        closest = (
            await self._closest(space, tenant, dense, hits, chosen, hidden) if similarity and dense else None
        )
        if use_reranker and hits and self._reranker is not None:
            return Retrieved(await self._reranker.rerank(text, hits, n), closest)
        return Retrieved(hits[:n], closest)

    async def holds(self, tenant: TenantId, phrase: str) -> bool:
        """Whether one of the tenant's searchable chunks holds `phrase` as written (case and spacing
        aside): the best few chunks for it, by words where a sparse encoder is configured."""
        wanted = " ".join(phrase.split()).casefold()
        if not wanted:
            return False
        mode = SearchMode.SPARSE if self._sparse is not None else SearchMode.DENSE
        hits = await self.retrieve(tenant, phrase, top_n=HOLDS_CANDIDATES, mode=mode, rerank=False)
        return any(wanted in " ".join(hit.payload.text.split()).casefold() for hit in hits)

    async def _sparse_query(self, text: str, mode: SearchMode) -> SparseVector | None:
        if self._sparse is None or mode == SearchMode.DENSE:
            return None
        return self._sparse.encode_query(text)

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
        hidden: frozenset[DocumentId],
    ) -> float | None:
        if mode == SearchMode.DENSE:
            return max((hit.score for hit in hits), default=None)
        query = SearchQuery(dense=dense, limit=1, ranking_only=True, hidden_documents=hidden)
        return max((hit.score for hit in await space.index.search(tenant, query)), default=None)
