"""VectorIndex on Qdrant Edge: Qdrant's engine in-process, one shard folder per process.

The shard's calls hold the GIL: writes run in a worker thread batch by batch, so the event loop
gets a turn between batches; searches (about a millisecond) run inline.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import qdrant_edge as qe

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
from .settings import QdrantEdgeSettings

_T = TypeVar("_T")


class QdrantEdgeIndex:
    """A tenant-scoped VectorIndex over an open `EdgeShard`; build it with `open_vector_index`."""

    def __init__(self, shard: qe.EdgeShard, settings: QdrantEdgeSettings) -> None:
        self._shard: qe.EdgeShard | None = shard
        self._settings = settings
        self._write_lock = asyncio.Lock()
        self._upserted_since_optimize = 0

    @property
    def dense_dimension(self) -> int:
        return self._settings.dense_dimension

    @property
    def image_dimension(self) -> int | None:
        return self._settings.image_dimension

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
        """Dense, sparse or image search inside the tenant filter; several of them fused."""
        settings = self._settings
        plan = plan_search(query, settings.dense_dimension, settings.prefetch_limit, settings.image_dimension)
        if not plan.signals:
            return []
        found = self._call(self._open().query, self._request(tenant, plan))
        return [to_hit(point.id, point.score, point.payload) for point in found]

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

    async def scroll(
        self, tenant: TenantId, *, after: str | None = None, limit: int = 256
    ) -> tuple[Sequence[StoredPoint], str | None]:
        """The tenant's points in stored-id order from the cursor on, with payloads and pictures."""
        request = qe.ScrollRequest(
            offset=uuid.UUID(after) if after else None,
            limit=checked_page(limit),
            filter=_tenant_filter(tenant),
            with_payload=True,
            with_vector=[IMAGE] if self._settings.image_dimension else False,
        )
        records, following = self._call(self._open().scroll, request)
        page = [stored_point(record.id, record.payload, record.vector) for record in records]
        return page, str(following) if following is not None else None

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
        vectors = point_vectors(point, self._settings.dense_dimension, self._settings.image_dimension)
        if SPARSE in vectors:
            vectors[SPARSE] = qe.SparseVector(*vectors[SPARSE])
        return qe.Point(storage_id(tenant, point.id), vectors, stamped_payload(tenant, point))

    def _request(self, tenant: TenantId, plan: SearchPlan) -> qe.QueryRequest:
        """The search inside the tenant's filter, hidden documents left out; sparse IDF over all the
        tenant's points."""
        corpus = _tenant_filter(tenant)
        condition = corpus
        if plan.hidden_documents:
            hidden = qe.FieldCondition(key=DOCUMENT_KEY, match=qe.MatchAny(list(plan.hidden_documents)))
            condition = qe.Filter(must=corpus.must, must_not=[hidden])
        selection = True if plan.payload_keys is None else qe.PayloadSelector.Include(list(plan.payload_keys))
        common: dict[str, Any] = {"limit": plan.limit, "filter": condition, "with_payload": selection}
        nearest_params = qe.SearchParams(hnsw_ef=self._settings.hnsw_ef)
        searches: dict[str, tuple[Any, qe.SearchParams]] = {
            DENSE: (
                qe.Query.Nearest(plan.dense, using=DENSE) if plan.dense is not None else None,
                nearest_params,
            ),
            SPARSE: (
                qe.Query.Nearest(qe.SparseVector(*plan.sparse), using=SPARSE)
                if plan.sparse is not None
                else None,
                qe.SearchParams(idf=qe.IdfParams(corpus=corpus)),
            ),
            IMAGE: (
                qe.Query.Nearest(plan.image, using=IMAGE) if plan.image is not None else None,
                nearest_params,
            ),
        }
        signals = plan.signals
        if len(signals) == 1:
            query, params = searches[signals[0]]
            return qe.QueryRequest(query=query, params=params, **common)
        prefetches = [
            qe.Prefetch(limit=plan.prefetch_limit, query=query, filter=condition, params=params)
            for query, params in (searches[signal] for signal in signals)
        ]
        # the variants subclass Fusion at run time; the bindings' stub declares them as nested classes
        fusion = cast(
            qe.Fusion,
            qe.Fusion.Rrf(k=self._settings.rrf_k) if self._settings.fusion == "rrf" else qe.Fusion.Dbsf(),
        )
        return qe.QueryRequest(query=fusion, prefetches=prefetches, **common)

    def _call(self, function: Callable[..., _T], *args: Any) -> _T:
        try:
            return function(*args)
        except Exception as error:  # the bindings raise bare Exception
            raise ProviderUnavailable(f"Qdrant Edge failed: {error}") from error

    async def _write(self, function: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.to_thread(self._call, function, *args)


@asynccontextmanager
async def open_vector_index(
    settings: QdrantEdgeSettings, space: str | None = None
) -> AsyncIterator[QdrantEdgeIndex]:
    """Create or load the shard (of the embedding space `space`: a folder of that name inside
    `path`), ensure its payload indexes, yield the index; flush and close on exit."""
    if space is not None:
        _refuse_unspaced_shard(Path(settings.path), space)
        settings = settings.model_copy(update={"path": str(Path(settings.path) / space)})
    shard = await asyncio.to_thread(_open_shard, settings)
    index = QdrantEdgeIndex(shard, settings)
    try:
        await index._write(_ensure_payload_indexes, shard)
        yield index
    finally:
        await index.aclose()


def _refuse_unspaced_shard(folder: Path, space: str) -> None:
    """A shard from before embedding spaces sits in `path` itself: say how to keep it."""
    if _holds_shard(folder):
        raise ProviderUnavailable(
            f"the vector index at {folder} holds a shard made before ragloom kept one folder per "
            f"embedding model; move its contents into {folder / space} (the folder of the configured "
            "model) to keep it, or point `path` at a new folder",
            retryable=False,
        )


def _holds_shard(folder: Path) -> bool:
    return (folder / "edge_config.json").exists() or (folder / "segments").exists()


def _config(settings: QdrantEdgeSettings) -> qe.EdgeConfig:
    """The shard's layout; `on_disk` and `quantization` are only passed when set, so a shard made
    without them opens as it was made."""
    storage: dict[str, Any] = {"on_disk": True} if settings.on_disk else {}
    dense: dict[str, Any] = dict(storage)
    if settings.quantization == "int8":
        dense["quantization_config"] = qe.ScalarQuantizationConfig(
            type=qe.ScalarType.Int8, quantile=0.99, always_ram=True
        )
    vectors = {
        DENSE: qe.EdgeVectorParams(size=settings.dense_dimension, distance=qe.Distance.Cosine, **dense)
    }
    if settings.image_dimension is not None:
        vectors[IMAGE] = qe.EdgeVectorParams(
            size=settings.image_dimension, distance=qe.Distance.Cosine, **dense
        )
    return qe.EdgeConfig(
        vectors=vectors,
        sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf, **storage)},
        on_disk_payload=True if settings.on_disk else None,  # None: not specified
    )


def _open_shard(settings: QdrantEdgeSettings) -> qe.EdgeShard:
    folder = Path(settings.path)
    exists = _holds_shard(folder)
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
        hint = (
            "; it was created with other vectors (dense_dimension, image_dimension): use a new path"
            if "incompatible" in message
            else ""
        )
        raise ProviderUnavailable(
            f"cannot open the Qdrant Edge shard at {folder}: {message}{hint}", retryable=False
        ) from error


def _ensure_payload_indexes(shard: qe.EdgeShard) -> None:
    schema = shard.info().payload_schema
    if TENANT_KEY not in schema:
        shard.update(qe.UpdateOperation.create_field_index(TENANT_KEY, qe.KeywordIndexParams(is_tenant=True)))
    if DOCUMENT_KEY not in schema:
        shard.update(qe.UpdateOperation.create_field_index(DOCUMENT_KEY, qe.KeywordIndexParams()))


def _tenant_filter(tenant: TenantId, document_id: DocumentId | None = None) -> qe.Filter:
    return qe.Filter(
        must=[
            qe.FieldCondition(key=k, match=qe.MatchValue(v))
            for k, v in tenant_conditions(tenant, document_id)
        ]
    )
