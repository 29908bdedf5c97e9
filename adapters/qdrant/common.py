"""What both Qdrant indexes share, with no vendor import: stored point ids, the tenant stamp and
filter, the query plan and how a stored payload becomes a hit.

Point ids are scoped by tenant: the stored id is a UUID derived from (tenant, id) and the caller's id
travels in the payload, so no tenant can overwrite another's point by reusing an id.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ragloom.core.errors import InvalidInput
from ragloom.core.models import (
    ChunkPayload,
    DocumentId,
    SearchHit,
    SearchQuery,
    StoredPoint,
    TenantId,
    VectorPoint,
)
from ragloom.core.vectors import checked_dense, checked_sparse

DENSE = "dense"
SPARSE = "sparse"
IMAGE = "image"
TENANT_KEY = "tenant_id"
DOCUMENT_KEY = "document_id"
_ID_NAMESPACE = uuid.UUID("5d1c0a8e-6f57-4c39-9a53-2b7e1f0c9d41")


def storage_id(tenant: TenantId, point_id: str) -> uuid.UUID:
    """The id a point is stored under: unique per (tenant, id)."""
    return uuid.uuid5(_ID_NAMESPACE, f"{tenant}\x00{point_id}")


def point_vectors(point: VectorPoint, dimension: int, image_dimension: int | None) -> dict[str, Any]:
    """The point's named vectors, checked: dense and sparse for a text chunk, image for a picture
    (as plain lists; sparse as (indices, values)). InvalidInput on a wrong size, a picture for an
    index without an image vector, or a point with neither."""
    vectors: dict[str, Any] = {}
    if len(point.dense):
        vectors[DENSE] = checked_dense(point.dense, dimension)
    if point.sparse is not None:
        vectors[SPARSE] = checked_sparse(point.sparse)
    if point.image is not None:
        if image_dimension is None:
            raise InvalidInput("this vector index stores no pictures (its image_dimension is not set)")
        vectors[IMAGE] = checked_dense(point.image, image_dimension)
    if DENSE not in vectors and IMAGE not in vectors:
        raise InvalidInput(f"point {point.id!r} has neither a dense nor an image vector")
    return vectors


def stamped_payload(tenant: TenantId, point: VectorPoint) -> dict[str, Any]:
    """The payload as stored: the chunk's fields, the tenant stamp and the caller's point id."""
    return {**point.payload.to_dict(), TENANT_KEY: tenant, "point_id": point.id}


def tenant_conditions(tenant: TenantId, document_id: DocumentId | None = None) -> list[tuple[str, str]]:
    """(payload key, exact value) pairs every read and delete must match: the tenant, and optionally
    one of its documents."""
    conditions = [(TENANT_KEY, str(tenant))]
    if document_id is not None:
        conditions.append((DOCUMENT_KEY, str(document_id)))
    return conditions


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """A search as both adapters run it: one ranking per signal given (dense, sparse, image), fused
    when there are several. No signal means no point can match (a sparse query of unknown terms)."""

    limit: int
    prefetch_limit: int
    dense: list[float] | None = None
    sparse: tuple[list[int], list[float]] | None = None
    image: list[float] | None = None
    payload_keys: tuple[str, ...] | None = None  # None: the whole payload
    hidden_documents: tuple[str, ...] = ()

    @property
    def signals(self) -> list[str]:
        """The named vectors searched, in a fixed order."""
        given = ((DENSE, self.dense), (SPARSE, self.sparse), (IMAGE, self.image))
        return [name for name, vector in given if vector is not None]


def plan_search(
    query: SearchQuery, dimension: int, prefetch_limit: int, image_dimension: int | None = None
) -> SearchPlan:
    """Validate the query and decide which signals to search: an empty dense vector or a sparse one
    with no terms is left out; an image vector needs an index that stores pictures."""
    if query.limit < 1:
        raise InvalidInput("the search limit must be at least 1")
    if len(query.dense) == 0 and query.sparse is None and query.image is None:
        raise InvalidInput("a search needs a dense, a sparse or an image vector")
    sparse = checked_sparse(query.sparse) if query.sparse is not None else None
    image = None
    if query.image is not None:
        if image_dimension is None:
            raise InvalidInput("this vector index stores no pictures (its image_dimension is not set)")
        image = checked_dense(query.image, image_dimension)
    return SearchPlan(
        limit=query.limit,
        prefetch_limit=max(prefetch_limit, query.limit),
        dense=checked_dense(query.dense, dimension) if len(query.dense) else None,
        sparse=sparse if sparse is not None and sparse[0] else None,
        image=image,
        payload_keys=ChunkPayload.KEYS_OF_A_RANKING if query.ranking_only else None,
        hidden_documents=tuple(sorted(query.hidden_documents)),
    )


def to_hit(stored_id: object, score: float, payload: Mapping[str, Any] | None) -> SearchHit:
    payload = payload or {}
    return SearchHit(str(payload.get("point_id", stored_id)), float(score), ChunkPayload.from_dict(payload))


def checked_page(limit: int) -> int:
    if limit < 1:
        raise InvalidInput("the page size must be at least 1")
    return limit


def stored_point(stored_id: object, payload: Mapping[str, Any] | None, vectors: object) -> StoredPoint:
    """A scrolled record as the core reads it: the caller's id, the payload and the picture vector."""
    payload = payload or {}
    image = vectors.get(IMAGE) if isinstance(vectors, Mapping) else None
    return StoredPoint(
        str(payload.get("point_id", stored_id)),
        ChunkPayload.from_dict(payload),
        list(image) if image is not None else None,
    )
