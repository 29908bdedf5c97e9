"""VectorIndex on a Qdrant server or cluster through qdrant-client's `AsyncQdrantClient`.

Point ids are scoped by tenant: the stored id is a UUID derived from (tenant, id), and the
caller's id travels in the payload, so no tenant can overwrite another's point by reusing an id.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from qdrant_client import AsyncQdrantClient, models
from qdrant_client.http.exceptions import ApiException, UnexpectedResponse

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

from .settings import QdrantSettings

DENSE = "dense"
SPARSE = "sparse"
_ID_NAMESPACE = uuid.UUID("5d1c0a8e-6f57-4c39-9a53-2b7e1f0c9d41")
# qdrant-client's local mode raises ValueError / RuntimeError where a server answers an HTTP error.
_VENDOR_ERRORS = (ApiException, OSError, ValueError, RuntimeError)
_T = TypeVar("_T")


def storage_id(tenant: TenantId, point_id: str) -> str:
    """The id a point is stored under: unique per (tenant, id)."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{tenant}\x00{point_id}"))


class QdrantIndex:
    """A tenant-scoped VectorIndex over one collection; build it with `open_vector_index`."""

    def __init__(self, client: AsyncQdrantClient, settings: QdrantSettings) -> None:
        self._client = client
        self._settings = settings
        self._collection = settings.collection

    async def health(self) -> None:
        """Return when the server answers and the collection exists."""
        await _call(self._client.get_collection(self._collection))

    async def upsert(self, tenant: TenantId, points: Sequence[VectorPoint]) -> None:
        """Insert or replace points by id, in batches; all are validated before any is sent."""
        converted = [self._point(tenant, p) for p in points]
        size = self._settings.batch_size
        for start in range(0, len(converted), size):
            batch = converted[start : start + size]
            await _call(self._client.upsert(self._collection, points=batch, wait=True))

    async def search(self, tenant: TenantId, query: SearchQuery) -> Sequence[SearchHit]:
        """Dense, sparse-only (empty dense) or hybrid (both, fused) search inside the tenant filter."""
        arguments = self._query(_tenant_filter(tenant), query)
        if arguments is None:
            return []
        response = await _call(
            self._client.query_points(
                self._collection,
                limit=query.limit,
                with_payload=True if query.with_text else list(ChunkPayload.KEYS_WITHOUT_TEXT),
                **arguments,
            )
        )
        return [_hit(point) for point in response.points]

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        """Remove the tenant's points of this document."""
        await self._delete(_tenant_filter(tenant, document_id))

    async def delete_tenant(self, tenant: TenantId) -> None:
        """Remove every point of the tenant."""
        await self._delete(_tenant_filter(tenant))

    async def count(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """Exact count of the tenant's (or one document's) points."""
        condition = _tenant_filter(tenant, document_id)
        result = await _call(self._client.count(self._collection, count_filter=condition, exact=True))
        return result.count

    async def _delete(self, condition: models.Filter) -> None:
        selector = models.FilterSelector(filter=condition)
        await _call(self._client.delete(self._collection, points_selector=selector, wait=True))

    def _point(self, tenant: TenantId, point: VectorPoint) -> models.PointStruct:
        vectors: dict[str, Any] = {DENSE: _dense(point.dense, self._settings.dense_dimension)}
        if point.sparse is not None:
            vectors[SPARSE] = _sparse(point.sparse)
        payload = {**point.payload.to_dict(), "tenant_id": tenant, "point_id": point.id}
        return models.PointStruct(id=storage_id(tenant, point.id), vector=vectors, payload=payload)

    def _query(self, condition: models.Filter, query: SearchQuery) -> dict[str, Any] | None:
        """The `query_points` arguments besides limit and payload; None when nothing can match."""
        if query.limit < 1:
            raise InvalidInput("the search limit must be at least 1")
        sparse = _sparse(query.sparse) if query.sparse is not None else None
        idf = models.IdfCorpusParams(corpus=condition) if self._settings.tenant_idf else None
        sparse_params = models.SearchParams(idf=idf)
        dense_params = models.SearchParams(hnsw_ef=self._settings.hnsw_ef)
        if len(query.dense) == 0:
            if sparse is None:
                raise InvalidInput("a search needs a dense or a sparse vector")
            if not sparse.indices:
                return None
            return {
                "query": sparse,
                "using": SPARSE,
                "query_filter": condition,
                "search_params": sparse_params,
            }
        dense = _dense(query.dense, self._settings.dense_dimension)
        if sparse is None or not sparse.indices:
            return {"query": dense, "using": DENSE, "query_filter": condition, "search_params": dense_params}
        limit = max(self._settings.prefetch_limit, query.limit)
        prefetch = [
            models.Prefetch(query=dense, using=DENSE, filter=condition, limit=limit, params=dense_params),
            models.Prefetch(query=sparse, using=SPARSE, filter=condition, limit=limit, params=sparse_params),
        ]
        fusion: models.RrfQuery | models.FusionQuery = (
            models.RrfQuery(rrf=models.Rrf(k=self._settings.rrf_k))
            if self._settings.fusion == "rrf"
            else models.FusionQuery(fusion=models.Fusion.DBSF)
        )
        return {"query": fusion, "prefetch": prefetch, "query_filter": condition}


@asynccontextmanager
async def open_vector_index(settings: QdrantSettings) -> AsyncIterator[QdrantIndex]:
    """Connect, create the collection and payload indexes if missing, yield the index; close on exit."""
    client = _client(settings)
    try:
        await _ensure_collection(client, settings)
        yield QdrantIndex(client, settings)
    finally:
        await client.close()


def _client(settings: QdrantSettings) -> AsyncQdrantClient:
    api_key = settings.api_key.get_secret_value() if settings.api_key else None
    try:
        return AsyncQdrantClient(
            url=settings.url,
            api_key=api_key,
            path=settings.path,
            location=settings.location,
            timeout=settings.timeout,  # type: ignore[arg-type]  # httpx takes float seconds
            check_compatibility=False,
        )
    except RuntimeError as error:  # local mode: the folder is locked by another client
        raise StoreInUse(f"the Qdrant local store at {settings.path} is in use: {error}") from error


async def _ensure_collection(client: AsyncQdrantClient, settings: QdrantSettings) -> None:
    name = settings.collection
    if not await _call(client.collection_exists(name)):
        try:
            await client.create_collection(
                name,
                vectors_config={
                    DENSE: models.VectorParams(size=settings.dense_dimension, distance=models.Distance.COSINE)
                },
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            )
        except _VENDOR_ERRORS as error:  # another process may have created it meanwhile
            if not await _call(client.collection_exists(name)):
                raise _translate(error) from error
    info = await _call(client.get_collection(name))
    vectors = info.config.params.vectors
    dense = vectors.get(DENSE) if isinstance(vectors, dict) else None
    if dense is None or dense.size != settings.dense_dimension:
        raise ProviderUnavailable(
            f"collection {name!r} has no {settings.dense_dimension}-d vector named {DENSE!r}; "
            "use another collection or recreate it",
            retryable=False,
        )
    wanted = {
        "tenant_id": models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True),
        "document_id": models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD),
    }
    for field, schema in wanted.items():
        if field not in (info.payload_schema or {}):
            await _call(client.create_payload_index(name, field, field_schema=schema, wait=True))


async def _call(awaitable: Awaitable[_T]) -> _T:
    try:
        return await awaitable
    except _VENDOR_ERRORS as error:
        raise _translate(error) from error


def _translate(error: Exception) -> ProviderUnavailable:
    if isinstance(error, UnexpectedResponse):
        status = error.status_code or 0
        retryable = status >= 500 or status in (408, 429)
        return ProviderUnavailable(f"Qdrant answered {status}: {error}", retryable=retryable)
    return ProviderUnavailable(f"Qdrant is unavailable: {error}")


def _tenant_filter(tenant: TenantId, document_id: DocumentId | None = None) -> models.Filter:
    must = [models.FieldCondition(key="tenant_id", match=models.MatchValue(value=str(tenant)))]
    if document_id is not None:
        must.append(models.FieldCondition(key="document_id", match=models.MatchValue(value=str(document_id))))
    return models.Filter(must=must)


def _dense(vector: Vector, dimension: int) -> list[float]:
    return checked_dense(vector, dimension)


def _sparse(vector: SparseVector) -> models.SparseVector:
    indices, values = checked_sparse(vector)
    return models.SparseVector(indices=indices, values=values)


def _hit(point: models.ScoredPoint) -> SearchHit:
    payload = point.payload or {}
    return SearchHit(
        str(payload.get("point_id", point.id)), float(point.score), ChunkPayload.from_dict(payload)
    )
