"""A fake SemanticCache (tests and demos): answers in a dict per tenant, matched by cosine similarity."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ragloom.core.models import CachedAnswer, TenantId, Vector


def _unit(vector: Sequence[float]) -> tuple[float, ...]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return tuple(x / norm for x in vector)


class InMemorySemanticCache:
    def __init__(self, threshold: float = 0.95) -> None:
        self._threshold = threshold
        self._entries: dict[TenantId, list[tuple[int, tuple[float, ...], CachedAnswer]]] = {}

    async def get(self, tenant: TenantId, query: Vector, *, corpus_version: int) -> CachedAnswer | None:
        probe = _unit(query)
        best: tuple[float, CachedAnswer] | None = None
        for version, vector, answer in self._entries.get(tenant, []):
            if version != corpus_version or len(vector) != len(probe):
                continue
            similarity = sum(a * b for a, b in zip(vector, probe, strict=True))
            if similarity >= self._threshold and (best is None or similarity > best[0]):
                best = (similarity, answer)
        return None if best is None else best[1]

    async def put(
        self, tenant: TenantId, query: Vector, answer: CachedAnswer, *, corpus_version: int
    ) -> None:
        self._entries.setdefault(tenant, []).append((corpus_version, _unit(query), answer))

    async def invalidate(self, tenant: TenantId) -> None:
        self._entries.pop(tenant, None)
