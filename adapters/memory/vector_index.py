"""In-memory VectorIndex: brute-force cosine, IDF-weighted sparse dot product, hybrid by RRF.

A fake for tests and tiny corpora that mirrors the Qdrant adapters' semantics: point ids are
scoped by tenant, sparse IDF statistics are computed over the tenant's own points, and RRF scores
are `sum(1 / (k + rank))` with 0-based ranks, as Qdrant computes them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ragloom.core.errors import InvalidInput
from ragloom.core.models import (
    ChunkPayload,
    DocumentId,
    SearchHit,
    SearchQuery,
    SparseVector,
    TenantId,
    Vector,
    VectorPoint,
)
from ragloom.core.vectors import checked_dense, checked_sparse


@dataclass(frozen=True, slots=True)
class _Stored:
    unit: tuple[float, ...]
    sparse: dict[int, float] | None
    payload: ChunkPayload


_Ranking = list[tuple[str, float]]


class InMemoryVectorIndex:
    """A tenant-scoped VectorIndex held in a dict; stdlib only."""

    def __init__(self, dimension: int, *, rrf_k: int = 60, prefetch_limit: int = 100) -> None:
        if dimension < 1:
            raise InvalidInput("the dense dimension must be at least 1")
        self.dense_dimension = dimension
        self._rrf_k = rrf_k
        self._prefetch_limit = prefetch_limit
        self._points: dict[TenantId, dict[str, _Stored]] = {}

    async def health(self) -> None:
        """Always answers."""

    async def upsert(self, tenant: TenantId, points: Sequence[VectorPoint]) -> None:
        """Insert or replace points by (tenant, id); all are validated before any is stored."""
        staged = {
            p.id: _Stored(_unit(self._dense(p.dense)), _sparse_dict(p.sparse), p.payload) for p in points
        }
        if staged:
            self._points.setdefault(tenant, {}).update(staged)

    async def search(self, tenant: TenantId, query: SearchQuery) -> Sequence[SearchHit]:
        """Dense, sparse-only (empty dense) or hybrid (both) search over the tenant's points."""
        if query.limit < 1:
            raise InvalidInput("the search limit must be at least 1")
        points = self._points.get(tenant, {})
        if len(query.dense) == 0:
            if query.sparse is None:
                raise InvalidInput("a search needs a dense or a sparse vector")
            ranking = _sparse_ranking(points, _sparse_dict(query.sparse) or {})
        else:
            dense = _dense_ranking(points, _unit(self._dense(query.dense)))
            sparse = _sparse_dict(query.sparse)
            if sparse:
                prefetch = max(self._prefetch_limit, query.limit)
                sparse_ranking = _sparse_ranking(points, sparse)[:prefetch]
                ranking = _rrf([dense[:prefetch], sparse_ranking], self._rrf_k)
            else:
                ranking = dense
        return [
            SearchHit(
                pid, score, points[pid].payload if query.with_text else replace(points[pid].payload, text="")
            )
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

    def _dense(self, vector: Vector) -> list[float]:
        return checked_dense(vector, self.dense_dimension)


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


def _dense_ranking(points: dict[str, _Stored], unit: tuple[float, ...]) -> _Ranking:
    return _sorted({pid: sum(a * b for a, b in zip(unit, p.unit, strict=True)) for pid, p in points.items()})


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
