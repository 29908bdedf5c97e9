"""An in-process SemanticCache (the embedded profile, tests): answers in a list per tenant, matched
by cosine similarity, with a time to live and a bound on entries per tenant (oldest go first).

A lookup is one matrix product over the tenant's vectors (stacked once after each change), not a
Python loop over them: at the default 1,000 entries that loop took longer than the search itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ragloom.core.models import CachedAnswer, TenantId, Vector


def _unit(vector: Sequence[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


@dataclass(frozen=True, slots=True)
class _Entry:
    corpus_version: int
    pipeline: str
    vector: np.ndarray
    answer: CachedAnswer
    expires: float


@dataclass(slots=True)
class _Shelf:
    """One tenant's entries, oldest first, and their vectors of one dimension as the rows of a matrix
    (with each row's entry), built on the first lookup after a change."""

    entries: list[_Entry]
    stacked: dict[int, tuple[np.ndarray, list[_Entry]]] = field(default_factory=dict)

    def rows(self, dimension: int) -> tuple[np.ndarray, list[_Entry]]:
        if dimension not in self.stacked:
            chosen = [e for e in self.entries if len(e.vector) == dimension]
            matrix = np.stack([e.vector for e in chosen]) if chosen else np.empty((0, dimension), np.float32)
            self.stacked[dimension] = (matrix, chosen)
        return self.stacked[dimension]


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
        self._shelves: dict[TenantId, _Shelf] = {}

    async def get(
        self, tenant: TenantId, query: Vector, *, corpus_version: int, pipeline: str
    ) -> CachedAnswer | None:
        shelf = self._shelves.get(tenant)
        if shelf is None:
            return None
        probe, now = _unit(query), self._clock()
        matrix, entries = shelf.rows(len(probe))
        similarities = matrix @ probe
        close = np.flatnonzero(similarities >= self._threshold)
        for row in close[np.argsort(-similarities[close], kind="stable")]:
            entry = entries[row]
            if (entry.corpus_version, entry.pipeline) == (corpus_version, pipeline) and entry.expires > now:
                return entry.answer
        return None

    async def put(
        self, tenant: TenantId, query: Vector, answer: CachedAnswer, *, corpus_version: int, pipeline: str
    ) -> None:
        now = self._clock()
        shelf = self._shelves.get(tenant)
        kept = [e for e in shelf.entries if e.expires > now] if shelf else []
        kept.append(_Entry(corpus_version, pipeline, _unit(query), answer, now + self._ttl))
        self._shelves[tenant] = _Shelf(kept[-self._max_entries :])

    async def invalidate(self, tenant: TenantId) -> int:
        shelf = self._shelves.pop(tenant, None)
        return len(shelf.entries) if shelf else 0
