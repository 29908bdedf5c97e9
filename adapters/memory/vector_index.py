"""In-memory VectorIndex: brute-force cosine (text and pictures), IDF-weighted sparse dot product,
several signals fused by RRF.

A fake for tests and tiny corpora that mirrors the Qdrant adapters' semantics: point ids are
scoped by tenant, sparse IDF statistics are computed over the tenant's own points, and RRF scores
are `sum(1 / (k + rank))` with 0-based ranks, as Qdrant computes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ragloom.core.errors import InvalidInput
from ragloom.core.models import (
    ChunkPayload,
    DocumentId,
    SearchHit,
    SearchQuery,
    SparseVector,
    StoredPoint,
    TenantId,
    Vector,
    VectorPoint,
)
from ragloom.core.vectors import checked_dense, checked_sparse


@dataclass(frozen=True, slots=True)
class _Stored:
    unit: tuple[float, ...] | None
    sparse: dict[int, float] | None
    image: tuple[float, ...] | None
    payload: ChunkPayload


_Ranking = list[tuple[str, float]]


class InMemoryVectorIndex:
    """A tenant-scoped VectorIndex held in a dict; stdlib only."""

    def __init__(
        self,
        dimension: int,
        *,
        image_dimension: int | None = None,
        rrf_k: int = 60,
        prefetch_limit: int = 100,
    ) -> None:
        if dimension < 1 or (image_dimension is not None and image_dimension < 1):
            raise InvalidInput("vector dimensions must be at least 1")
        self.dense_dimension = dimension
        self.image_dimension = image_dimension
        self._rrf_k = rrf_k
        self._prefetch_limit = prefetch_limit
        self._points: dict[TenantId, dict[str, _Stored]] = {}

    async def health(self) -> None:
        """Always answers."""

    async def upsert(self, tenant: TenantId, points: Sequence[VectorPoint]) -> None:
        """Insert or replace points by (tenant, id); all are validated before any is stored."""
        staged = {p.id: self._stored(p) for p in points}
        if staged:
            self._points.setdefault(tenant, {}).update(staged)

    async def search(self, tenant: TenantId, query: SearchQuery) -> Sequence[SearchHit]:
        """Dense, sparse or image search over the tenant's points; several of them fused by RRF."""
        if query.limit < 1:
            raise InvalidInput("the search limit must be at least 1")
        if len(query.dense) == 0 and query.sparse is None and query.image is None:
            raise InvalidInput("a search needs a dense, a sparse or an image vector")
        points = self._points.get(tenant, {})
        if query.hidden_documents:
            points = {k: p for k, p in points.items() if p.payload.document_id not in query.hidden_documents}
        rankings = []
        if len(query.dense):
            rankings.append(_cosine_ranking(points, _unit(self._dense(query.dense)), lambda p: p.unit))
        sparse = _sparse_dict(query.sparse)
        if sparse:
            rankings.append(_sparse_ranking(points, sparse))
        if query.image is not None:
            rankings.append(_cosine_ranking(points, _unit(self._image(query.image)), lambda p: p.image))
        prefetch = max(self._prefetch_limit, query.limit)
        if not rankings:
            ranking: _Ranking = []
        elif len(rankings) == 1:
            ranking = rankings[0]
        else:
            ranking = _rrf([r[:prefetch] for r in rankings], self._rrf_k)
        return [
            SearchHit(pid, score, _ranked(points[pid].payload) if query.ranking_only else points[pid].payload)
            for pid, score in ranking[: query.limit]
        ]

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Remove the tenant's points of this document."""
        points = self._points.get(tenant, {})
        for pid in [pid for pid, p in points.items() if p.payload.document_id == document_id]:
            del points[pid]

    async def delete_tenant(self, tenant: TenantId) -> None:
        """Remove every point of the tenant."""
        self._points.pop(tenant, None)

    async def count(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """How many points the tenant (or one of its documents) has."""
        points = self._points.get(tenant, {}).values()
        return sum(1 for p in points if document_id is None or p.payload.document_id == document_id)

    async def scroll(
        self, tenant: TenantId, *, after: str | None = None, limit: int = 256
    ) -> tuple[Sequence[StoredPoint], str | None]:
        """The tenant's points in id order, from the id `after` on (inclusive)."""
        if limit < 1:
            raise InvalidInput("the page size must be at least 1")
        points = self._points.get(tenant, {})
        ids = sorted(pid for pid in points if after is None or pid >= after)
        page = [StoredPoint(pid, points[pid].payload, _image_list(points[pid].image)) for pid in ids[:limit]]
        return page, ids[limit] if len(ids) > limit else None

    def _dense(self, vector: Vector) -> list[float]:
        return checked_dense(vector, self.dense_dimension)

    def _image(self, vector: Vector) -> list[float]:
        if self.image_dimension is None:
            raise InvalidInput("this vector index stores no pictures (its image_dimension is not set)")
        return checked_dense(vector, self.image_dimension)

    def _stored(self, point: VectorPoint) -> _Stored:
        unit = _unit(self._dense(point.dense)) if len(point.dense) else None
        image = _unit(self._image(point.image)) if point.image is not None else None
        if unit is None and image is None:
            raise InvalidInput(f"point {point.id!r} has neither a dense nor an image vector")
        return _Stored(unit, _sparse_dict(point.sparse), image, point.payload)


def _image_list(image: tuple[float, ...] | None) -> list[float] | None:
    return list(image) if image is not None else None


def _unit(values: list[float]) -> tuple[float, ...]:
    norm = math.sqrt(sum(x * x for x in values))
    return tuple(x / norm for x in values) if norm else tuple(0.0 for _ in values)


def _sparse_dict(vector: SparseVector | None) -> dict[int, float] | None:
    if vector is None:
        return None
    indices, values = checked_sparse(vector)
    return dict(zip(indices, values, strict=True))


def _sorted(scores: dict[str, float]) -> _Ranking:
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _cosine_ranking(
    points: dict[str, _Stored],
    unit: tuple[float, ...],
    vector_of: Callable[[_Stored], tuple[float, ...] | None],
) -> _Ranking:
    """The points that have the vector, by cosine similarity to `unit`."""
    scores = {}
    for pid, point in points.items():
        stored = vector_of(point)
        if stored is not None:
            scores[pid] = sum(a * b for a, b in zip(unit, stored, strict=True))
    return _sorted(scores)


def _sparse_ranking(points: dict[str, _Stored], query: dict[int, float]) -> _Ranking:
    """Qdrant's IDF modifier: each query weight times ln((n - df + 0.5) / (df + 0.5) + 1)."""
    corpus = [(pid, p.sparse) for pid, p in points.items() if p.sparse is not None]
    n = len(corpus)
    idf = {}
    for term in query:
        df = sum(1 for _, sparse in corpus if term in sparse)
        idf[term] = math.log((n - df + 0.5) / (df + 0.5) + 1)
    scores = {
        pid: sum(w * idf[t] * sparse[t] for t, w in query.items() if t in sparse)
        for pid, sparse in corpus
        if not query.keys().isdisjoint(sparse)
    }
    return _sorted(scores)


def _rrf(rankings: list[_Ranking], k: int) -> _Ranking:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, (pid, _) in enumerate(ranking):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return _sorted(scores)


def _ranked(payload: ChunkPayload) -> ChunkPayload:
    """What a ranking-only search returns of a payload: its document id and ordinal."""
    return ChunkPayload(
        document_id=payload.document_id, title="", source="", ordinal=payload.ordinal, text=""
    )
