"""VectorIndex on Qdrant Edge: Qdrant's engine in-process, one shard folder per process.

Point ids are scoped by tenant: the stored id is a UUID derived from (tenant, id), and the
caller's id travels in the payload, so no tenant can overwrite another's point by reusing an id.
The shard's calls hold the GIL: writes run in a worker thread batch by batch, so the event loop
gets a turn between batches; searches (about a millisecond) run inline.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import qdrant_edge as qe

from ragloom.core.errors import InvalidInput, ProviderUnavailable, StoreInUse
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

from .settings import QdrantEdgeSettings

DENSE = "dense"
SPARSE = "sparse"
_ID_NAMESPACE = uuid.UUID("5d1c0a8e-6f57-4c39-9a53-2b7e1f0c9d41")
_T = TypeVar("_T")


def storage_id(tenant: TenantId, point_id: str) -> uuid.UUID:
    """The id a point is stored under: unique per (tenant, id)."""
    return uuid.uuid5(_ID_NAMESPACE, f"{tenant}\x00{point_id}")


class QdrantEdgeIndex:
    """A tenant-scoped VectorIndex over an open `EdgeShard`; build it with `open_vector_index`."""

    def __init__(self, shard: qe.EdgeShard, settings: QdrantEdgeSettings) -> None:
        self._shard: qe.EdgeShard | None = shard
        self._settings = settings
        self._write_lock = asyncio.Lock()
        self._upserted_since_optimize = 0

    async def health(self) -> None:
        """Return when the shard answers."""
        self._call(self._open().info)

    async def upsert(self, tenant: TenantId, points: Sequence[VectorPoint]) -> None:
        """Insert or replace points by id, in batches; all are validated before any is written."""
        converted = [self._point(tenant, p) for p in points]
        if not converted:
            return
        size = self._settings.batch_size
        async with self._write_lock:
            for start in range(0, len(converted), size):
                operation = qe.UpdateOperation.upsert_points(converted[start : start + size])
                await self._write(self._open().update, operation)
            self._upserted_since_optimize += len(converted)
            every = self._settings.optimize_after_upserts
            if every and self._upserted_since_optimize >= every:
                await self._optimize()

    async def search(self, tenant: TenantId, query: SearchQuery) -> Sequence[SearchHit]:
        """Dense, sparse-only (empty dense) or hybrid (both, fused) search inside the tenant filter."""
        request = self._request(_tenant_filter(tenant), query)
        found = self._call(self._open().query, request)
        return [_hit(point) for point in found]

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Remove the tenant's points of this document."""
        await self._delete(_tenant_filter(tenant, document_id))

    async def delete_tenant(self, tenant: TenantId) -> None:
        """Remove every point of the tenant."""
        await self._delete(_tenant_filter(tenant))

    async def count(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """Exact count of the tenant's (or one document's) points."""
        request = qe.CountRequest(exact=True, filter=_tenant_filter(tenant, document_id))
        return self._call(self._open().count, request)

    async def optimize(self) -> bool:
        """Merge segments and build the HNSW index; blocks the process while it runs."""
        async with self._write_lock:
            return await self._optimize()

    async def aclose(self) -> None:
        """Flush and close the shard, releasing its folder lock."""
        async with self._write_lock:
            shard, self._shard = self._shard, None
            if shard is not None:
                await self._write(shard.flush)
                await self._write(shard.close)

    async def _optimize(self) -> bool:
        self._upserted_since_optimize = 0
        return await self._write(self._open().optimize)

    async def _delete(self, condition: qe.Filter) -> None:
        async with self._write_lock:
            await self._write(self._open().update, qe.UpdateOperation.delete_points_by_filter(condition))

    def _open(self) -> qe.EdgeShard:
        if self._shard is None:
            raise ProviderUnavailable("the Qdrant Edge index is closed", retryable=False)
        return self._shard

    def _point(self, tenant: TenantId, point: VectorPoint) -> qe.Point:
        vectors: dict[str, Any] = {DENSE: _dense(point.dense, self._settings.dense_dimension)}
        if point.sparse is not None:
            vectors[SPARSE] = _sparse(point.sparse)
        payload = {**point.payload.to_dict(), "tenant_id": tenant, "point_id": point.id}
        return qe.Point(storage_id(tenant, point.id), vectors, payload)

    def _request(self, condition: qe.Filter, query: SearchQuery) -> qe.QueryRequest:
        if query.limit < 1:
            raise InvalidInput("the search limit must be at least 1")
        sparse = _sparse(query.sparse) if query.sparse is not None else None
        sparse_params = qe.SearchParams(idf=qe.IdfParams(corpus=condition))
        selection = (
            True if query.with_text else qe.PayloadSelector.Include(list(ChunkPayload.KEYS_WITHOUT_TEXT))
        )
        common: dict[str, Any] = {"limit": query.limit, "filter": condition, "with_payload": selection}
        if len(query.dense) == 0:
            if sparse is None:
                raise InvalidInput("a search needs a dense or a sparse vector")
            return qe.QueryRequest(
                query=qe.Query.Nearest(sparse, using=SPARSE), params=sparse_params, **common
            )
        dense = qe.Query.Nearest(_dense(query.dense, self._settings.dense_dimension), using=DENSE)
        dense_params = qe.SearchParams(hnsw_ef=self._settings.hnsw_ef)
        if sparse is None or not sparse.indices:
            return qe.QueryRequest(query=dense, params=dense_params, **common)
        limit = max(self._settings.prefetch_limit, query.limit)
        prefetches = [
            qe.Prefetch(limit=limit, query=dense, filter=condition, params=dense_params),
            qe.Prefetch(
                limit=limit,
                query=qe.Query.Nearest(sparse, using=SPARSE),
                filter=condition,
                params=sparse_params,
            ),
        ]
        fusion = qe.Fusion.Rrf(k=self._settings.rrf_k) if self._settings.fusion == "rrf" else qe.Fusion.Dbsf()
        return qe.QueryRequest(query=fusion, prefetches=prefetches, **common)

    def _call(self, function: Callable[..., _T], *args: Any) -> _T:
        try:
            return function(*args)
        except Exception as error:  # the bindings raise bare Exception
            raise ProviderUnavailable(f"Qdrant Edge failed: {error}") from error

    async def _write(self, function: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.to_thread(self._call, function, *args)


@asynccontextmanager
async def open_vector_index(settings: QdrantEdgeSettings) -> AsyncIterator[QdrantEdgeIndex]:
    """Create or load the shard, ensure its payload indexes, yield the index; flush and close on exit."""
    shard = await asyncio.to_thread(_open_shard, settings)
    index = QdrantEdgeIndex(shard, settings)
    try:
        await index._write(_ensure_payload_indexes, shard)
        yield index
    finally:
        await index.aclose()


def _config(settings: QdrantEdgeSettings) -> qe.EdgeConfig:
    return qe.EdgeConfig(
        vectors={DENSE: qe.EdgeVectorParams(size=settings.dense_dimension, distance=qe.Distance.Cosine)},
        sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
    )


def _open_shard(settings: QdrantEdgeSettings) -> qe.EdgeShard:
    folder = Path(settings.path)
    exists = (folder / "edge_config.json").exists() or (folder / "segments").exists()
    try:
        if exists:
            return qe.EdgeShard.load(str(folder), _config(settings))
        return qe.EdgeShard.create(str(folder), _config(settings))
    except Exception as error:  # the bindings raise bare Exception
        message = str(error)
        if "WouldBlock" in message or "temporarily unavailable" in message:
            raise StoreInUse(
                f"the vector index at {folder} is open in another process or instance (its WAL is locked); "
                "a running `ragloom serve` probably holds it: stop it, or use it over HTTP"
            ) from error
        raise ProviderUnavailable(
            f"cannot open the Qdrant Edge shard at {folder}: {message}", retryable=False
        ) from error


def _ensure_payload_indexes(shard: qe.EdgeShard) -> None:
    schema = shard.info().payload_schema
    if "tenant_id" not in schema:
        shard.update(
            qe.UpdateOperation.create_field_index("tenant_id", qe.KeywordIndexParams(is_tenant=True))
        )
    if "document_id" not in schema:
        shard.update(qe.UpdateOperation.create_field_index("document_id", qe.KeywordIndexParams()))


def _tenant_filter(tenant: TenantId, document_id: DocumentId | None = None) -> qe.Filter:
    must = [qe.FieldCondition(key="tenant_id", match=qe.MatchValue(str(tenant)))]
    if document_id is not None:
        must.append(qe.FieldCondition(key="document_id", match=qe.MatchValue(str(document_id))))
    return qe.Filter(must=must)


def _dense(vector: Vector, dimension: int) -> list[float]:
    return checked_dense(vector, dimension)


def _sparse(vector: SparseVector) -> qe.SparseVector:
    indices, values = checked_sparse(vector)
    return qe.SparseVector(indices, values)


def _hit(point: qe.ScoredPoint) -> SearchHit:
    payload = point.payload or {}
    return SearchHit(
        str(payload.get("point_id", point.id)), float(point.score), ChunkPayload.from_dict(payload)
    )
