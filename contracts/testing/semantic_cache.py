"""Contract tests every SemanticCache passes. Subclasses provide an async fixture `adapter` whose
similarity threshold admits a cosine of 0.99 and refuses one of 0.5."""

from __future__ import annotations

import math
from typing import Any

from ragloom.core.models import CachedAnswer, TenantId

A = TenantId("tenant-a")
B = TenantId("tenant-b")


def _at(angle: float) -> list[float]:
    """A unit vector in the first plane, `angle` radians from the first axis (cosine = cos(angle))."""
    return [math.cos(angle), math.sin(angle), 0.0, 0.0]


ANSWER = CachedAnswer("Owls hunt at night. [1]", ())
OTHER = CachedAnswer("Owls are birds. [1]", ())


class SemanticCacheContract:
    async def test_a_close_query_of_the_same_tenant_and_corpus_hits(self, adapter: Any) -> None:
        await adapter.put(A, _at(0.0), ANSWER, corpus_version=1)
        assert await adapter.get(A, _at(0.0), corpus_version=1) == ANSWER
        assert await adapter.get(A, _at(math.acos(0.99)), corpus_version=1) == ANSWER

    async def test_a_distant_query_misses(self, adapter: Any) -> None:
        await adapter.put(A, _at(0.0), ANSWER, corpus_version=1)
        assert await adapter.get(A, _at(math.acos(0.5)), corpus_version=1) is None

    async def test_another_tenant_never_hits(self, adapter: Any) -> None:
        await adapter.put(A, _at(0.0), ANSWER, corpus_version=1)
        assert await adapter.get(B, _at(0.0), corpus_version=1) is None

    async def test_another_corpus_version_misses(self, adapter: Any) -> None:
        await adapter.put(A, _at(0.0), ANSWER, corpus_version=1)
        assert await adapter.get(A, _at(0.0), corpus_version=2) is None

    async def test_the_closest_answer_wins(self, adapter: Any) -> None:
        await adapter.put(A, _at(0.1), OTHER, corpus_version=1)
        await adapter.put(A, _at(0.0), ANSWER, corpus_version=1)
        assert await adapter.get(A, _at(0.01), corpus_version=1) == ANSWER

    async def test_invalidate_forgets_that_tenant_only(self, adapter: Any) -> None:
        await adapter.put(A, _at(0.0), ANSWER, corpus_version=1)
        await adapter.put(B, _at(0.0), OTHER, corpus_version=1)
        await adapter.invalidate(A)
        assert await adapter.get(A, _at(0.0), corpus_version=1) is None
        assert await adapter.get(B, _at(0.0), corpus_version=1) == OTHER
