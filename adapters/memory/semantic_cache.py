"""An in-process SemanticCache (the embedded profile, tests): answers in a dict per tenant, matched
by cosine similarity, with a time to live and a bound on entries per tenant (oldest go first)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ragloom.core.models import CachedAnswer, TenantId, Vector


def _unit(vector: Sequence[float]) -> tuple[float, ...]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return tuple(x / norm for x in vector)


@dataclass(frozen=True, slots=True)
class _Entry:
    corpus_version: int
    pipeline: str
    vector: tuple[float, ...]
    answer: CachedAnswer
    expires: float


class InMemorySemanticCache:
    def __init__(
        self,
        threshold: float = 0.95,
        *,
        ttl_seconds: float = 86_400,
        max_entries: int = 1_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = threshold
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[TenantId, list[_Entry]] = {}

    async def get(
        self, tenant: TenantId, query: Vector, *, corpus_version: int, pipeline: str
    ) -> CachedAnswer | None:
        probe, now = _unit(query), self._clock()
        best: tuple[float, CachedAnswer] | None = None
        for entry in self._entries.get(tenant, []):
            if (entry.corpus_version, entry.pipeline) != (corpus_version, pipeline) or entry.expires <= now:
                continue
            if len(entry.vector) != len(probe):
                continue
            similarity = sum(a * b for a, b in zip(entry.vector, probe, strict=True))
            if similarity >= self._threshold and (best is None or similarity > best[0]):
                best = (similarity, entry.answer)
        return None if best is None else best[1]

    async def put(
        self, tenant: TenantId, query: Vector, answer: CachedAnswer, *, corpus_version: int, pipeline: str
    ) -> None:
        now = self._clock()
        kept = [e for e in self._entries.get(tenant, []) if e.expires > now]
        kept.append(_Entry(corpus_version, pipeline, _unit(query), answer, now + self._ttl))
        self._entries[tenant] = kept[-self._max_entries :]

    async def invalidate(self, tenant: TenantId) -> int:
        return len(self._entries.pop(tenant, []))
