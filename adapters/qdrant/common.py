"""What both Qdrant indexes share, with no vendor import: stored point ids, the tenant stamp and
filter, the query plan and how a stored payload becomes a hit.

Point ids are scoped by tenant: the stored id is a UUID derived from (tenant, id) and the caller's id
travels in the payload, so no tenant can overwrite another's point by reusing an id.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ragloom.core.errors import InvalidInput
from ragloom.core.models import ChunkPayload, DocumentId, SearchHit, SearchQuery, TenantId, VectorPoint
from ragloom.core.vectors import checked_dense, checked_sparse

DENSE = "dense"
SPARSE = "sparse"
TENANT_KEY = "tenant_id"
DOCUMENT_KEY = "document_id"
_ID_NAMESPACE = uuid.UUID("5d1c0a8e-6f57-4c39-9a53-2b7e1f0c9d41")


def storage_id(tenant: TenantId, point_id: str) -> uuid.UUID:
    """The id a point is stored under: unique per (tenant, id)."""
    return uuid.uuid5(_ID_NAMESPACE, f"{tenant}\x00{point_id}")


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
    """A search as both adapters run it. `kind` 'nothing' means no query can match (no terms)."""

    kind: Literal["dense", "sparse", "hybrid", "nothing"]
    limit: int
    prefetch_limit: int
    dense: list[float] | None = None
    sparse: tuple[list[int], list[float]] | None = None
    payload_keys: tuple[str, ...] | None = None  # None: the whole payload


def plan_search(query: SearchQuery, dimension: int, prefetch_limit: int) -> SearchPlan:
    """Validate the query and decide how to run it: dense, sparse only (empty dense), or hybrid."""
    if query.limit < 1:
        raise InvalidInput("the search limit must be at least 1")
    sparse = checked_sparse(query.sparse) if query.sparse is not None else None
    keys = None if query.with_text else tuple(ChunkPayload.KEYS_WITHOUT_TEXT)
    common: dict[str, Any] = {
        "limit": query.limit,
        "prefetch_limit": max(prefetch_limit, query.limit),
        "payload_keys": keys,
    }
    if len(query.dense) == 0:
        if sparse is None:
            raise InvalidInput("a search needs a dense or a sparse vector")
        if not sparse[0]:
            return SearchPlan("nothing", **common)
        return SearchPlan("sparse", sparse=sparse, **common)
    dense = checked_dense(query.dense, dimension)
    if sparse is None or not sparse[0]:
        return SearchPlan("dense", dense=dense, **common)
    return SearchPlan("hybrid", dense=dense, sparse=sparse, **common)


def to_hit(stored_id: object, score: float, payload: Mapping[str, Any] | None) -> SearchHit:
    payload = payload or {}
    return SearchHit(str(payload.get("point_id", stored_id)), float(score), ChunkPayload.from_dict(payload))
