"""VectorIndex on a Qdrant server or cluster through qdrant-client's `AsyncQdrantClient`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from qdrant_client import AsyncQdrantClient, models
from qdrant_client.http.exceptions import ApiException, UnexpectedResponse

from ragloom.core.errors import ProviderUnavailable, StoreInUse
from ragloom.core.models import DocumentId, SearchHit, SearchQuery, StoredPoint, TenantId, VectorPoint

from .common import (
    DENSE,
    DOCUMENT_KEY,
    IMAGE,
    SPARSE,
    TENANT_KEY,
    SearchPlan,
    checked_page,
    plan_search,
    point_vectors,
    stamped_payload,
    storage_id,
    stored_point,
    tenant_conditions,
    to_hit,
)
from .settings import QdrantSettings

# qdrant-client's local mode raises ValueError / RuntimeError where a server answers an HTTP error.
_VENDOR_ERRORS = (ApiException, OSError, ValueError, RuntimeError)
_T = TypeVar("_T")


class QdrantIndex:
    """A tenant-scoped VectorIndex over one collection; build it with `open_vector_index`."""

    def __init__(self, client: AsyncQdrantClient, settings: QdrantSettings) -> None:
        self._client = client
        self._settings = settings
        self._collection = settings.collection

    @property
    def dense_dimension(self) -> int:
        return self._settings.dense_dimension

    @property
    def image_dimension(self) -> int | None:
        return self._settings.image_dimension

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
        """Dense, sparse or image search inside the tenant filter; several of them fused."""
        settings = self._settings
        plan = plan_search(query, settings.dense_dimension, settings.prefetch_limit, settings.image_dimension)
        if not plan.signals:
            return []
        response = await _call(
            self._client.query_points(
                self._collection,
                limit=plan.limit,
                with_payload=True if plan.payload_keys is None else list(plan.payload_keys),
                **self._query(tenant, plan),
            )
        )
        return [to_hit(point.id, point.score, point.payload) for point in response.points]

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

    async def scroll(
        self, tenant: TenantId, *, after: str | None = None, limit: int = 256
    ) -> tuple[Sequence[StoredPoint], str | None]:
        """The tenant's points in stored-id order from the cursor on, with payloads and pictures."""
        records, following = await _call(
            self._client.scroll(
                self._collection,
                scroll_filter=_tenant_filter(tenant),
                limit=checked_page(limit),
                offset=after,
                with_payload=True,
                with_vectors=[IMAGE] if self._settings.image_dimension else False,
            )
        )
        page = [stored_point(record.id, record.payload, record.vector) for record in records]
        return page, str(following) if following is not None else None

    async def _delete(self, condition: models.Filter) -> None:
        selector = models.FilterSelector(filter=condition)
        await _call(self._client.delete(self._collection, points_selector=selector, wait=True))

    def _point(self, tenant: TenantId, point: VectorPoint) -> models.PointStruct:
        vectors = point_vectors(point, self._settings.dense_dimension, self._settings.image_dimension)
        if SPARSE in vectors:
            indices, values = vectors[SPARSE]
            vectors[SPARSE] = models.SparseVector(indices=indices, values=values)
        return models.PointStruct(
            id=str(storage_id(tenant, point.id)), vector=vectors, payload=stamped_payload(tenant, point)
        )

    def _query(self, tenant: TenantId, plan: SearchPlan) -> dict[str, Any]:
        """The `query_points` arguments besides limit and payload: the search inside the tenant's
        filter, hidden documents left out; sparse IDF over all the tenant's points."""
        corpus = _tenant_filter(tenant)
        condition = corpus
        if plan.hidden_documents:
            hidden = models.FieldCondition(
                key=DOCUMENT_KEY, match=models.MatchAny(any=list(plan.hidden_documents))
            )
            condition = models.Filter(must=corpus.must, must_not=[hidden])
        idf = models.IdfCorpusParams(corpus=corpus) if self._settings.tenant_idf else None
        nearest_params = models.SearchParams(hnsw_ef=self._settings.hnsw_ef)
        searches: dict[str, tuple[Any, models.SearchParams]] = {
            DENSE: (plan.dense, nearest_params),
            SPARSE: (
                models.SparseVector(indices=plan.sparse[0], values=plan.sparse[1]) if plan.sparse else None,
                models.SearchParams(idf=idf),
            ),
            IMAGE: (plan.image, nearest_params),
        }
        signals = plan.signals
        if len(signals) == 1:
            query, params = searches[signals[0]]
            return {"query": query, "using": signals[0], "query_filter": condition, "search_params": params}
        prefetch = [
            models.Prefetch(
                query=searches[signal][0],
                using=signal,
                filter=condition,
                limit=plan.prefetch_limit,
                params=searches[signal][1],
            )
            for signal in signals
        ]
        fusion: models.RrfQuery | models.FusionQuery = (
            models.RrfQuery(rrf=models.Rrf(k=self._settings.rrf_k))
            if self._settings.fusion == "rrf"
            else models.FusionQuery(fusion=models.Fusion.DBSF)
        )
        return {"query": fusion, "prefetch": prefetch, "query_filter": condition}


@asynccontextmanager
async def open_vector_index(settings: QdrantSettings, space: str | None = None) -> AsyncIterator[QdrantIndex]:
    """Connect, create the collection (`collection`, suffixed by the embedding space `space`) and
    its payload indexes if missing, yield the index; close on exit."""
    if space is not None:
        settings = settings.model_copy(update={"collection": f"{settings.collection}-{space}"})
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
                vectors_config=_vector_params(settings),
                sparse_vectors_config={
                    SPARSE: models.SparseVectorParams(
                        modifier=models.Modifier.IDF,
                        index=models.SparseIndexParams(on_disk=True) if settings.on_disk else None,
                    )
                },
                on_disk_payload=settings.on_disk or None,
            )
        except _VENDOR_ERRORS as error:  # another process may have created it meanwhile
            if not await _call(client.collection_exists(name)):
                raise _translate(error) from error
    info = await _call(client.get_collection(name))
    vectors = info.config.params.vectors
    for vector, params in _vector_params(settings).items():
        found = vectors.get(vector) if isinstance(vectors, dict) else None
        if found is None or found.size != params.size:
            raise ProviderUnavailable(
                f"collection {name!r} has no {params.size}-d vector named {vector!r}; "
                "use another collection or recreate it",
                retryable=False,
            )
    wanted = {
        TENANT_KEY: models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True),
        DOCUMENT_KEY: models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD),
    }
    for field, schema in wanted.items():
        if field not in (info.payload_schema or {}):
            await _call(client.create_payload_index(name, field, field_schema=schema, wait=True))


def _vector_params(settings: QdrantSettings) -> dict[str, models.VectorParams]:
    """The named dense vectors of the collection: text, and pictures when image_dimension is set."""
    sizes = {DENSE: settings.dense_dimension, IMAGE: settings.image_dimension}
    quantization = (
        models.ScalarQuantization(
            scalar=models.ScalarQuantizationConfig(
                type=models.ScalarType.INT8, quantile=0.99, always_ram=True
            )
        )
        if settings.quantization == "int8"
        else None
    )
    return {
        name: models.VectorParams(
            size=size,
            distance=models.Distance.COSINE,
            on_disk=settings.on_disk or None,
            quantization_config=quantization,
        )
        for name, size in sizes.items()
        if size is not None
    }


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
    return models.Filter(
        must=[
            models.FieldCondition(key=key, match=models.MatchValue(value=value))
            for key, value in tenant_conditions(tenant, document_id)
        ]
    )
