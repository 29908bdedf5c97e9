"""Contract tests every SemanticCache passes. Subclasses provide an async fixture `adapter` whose
similarity threshold admits a cosine of 0.99 and refuses one of 0.5, and a fixture `expire` that
makes the adapter's entries outlive their time to live (moves its clock, or waits)."""

from __future__ import annotations

import math
from typing import Any

from ragloom.core.models import CachedAnswer, Citation, DocumentId, Location, TenantId
from ragloom.core.ports import SemanticCache

A = TenantId("tenant-a")
B = TenantId("tenant-b")
PIPELINE = "extractive/hybrid/top5"


def _at(angle: float) -> list[float]:
    """A unit vector in the first plane, `angle` radians from the first axis (cosine = cos(angle))."""
    return [math.cos(angle), math.sin(angle), 0.0, 0.0]


CITATION = Citation(
    marker=1,
    document_id=DocumentId("doc-1"),
    title="Owls",
    source="owls.mp4",
    chunk=3,
    score=0.83,
    text="Owls hunt at night.",
    location=Location(
        start_seconds=12.5, end_seconds=18.0, track="frame", frame=4, boxes=((10, 20, 300, 60),)
    ),
    media_type="video/mp4",
)
ANSWER = CachedAnswer("Owls hunt at night. [1]", (CITATION,))
OTHER = CachedAnswer("Owls are birds. [1]", ())


async def _put(
    adapter: SemanticCache,
    tenant: TenantId,
    vector: list[float],
    answer: CachedAnswer,
    *,
    corpus_version: int = 1,
    pipeline: str = PIPELINE,
) -> None:
    await adapter.put(tenant, vector, answer, corpus_version=corpus_version, pipeline=pipeline)


async def _get(
    adapter: SemanticCache,
    tenant: TenantId,
    vector: list[float],
    *,
    corpus_version: int = 1,
    pipeline: str = PIPELINE,
) -> CachedAnswer | None:
    return await adapter.get(tenant, vector, corpus_version=corpus_version, pipeline=pipeline)


class SemanticCacheContract:
    async def test_a_close_query_of_the_same_tenant_and_corpus_hits(self, adapter: Any) -> None:
        await _put(adapter, A, _at(0.0), ANSWER)
        assert await _get(adapter, A, _at(0.0)) == ANSWER  # citations and all come back
        assert await _get(adapter, A, _at(math.acos(0.99))) == ANSWER

    async def test_a_distant_query_misses(self, adapter: Any) -> None:
        await _put(adapter, A, _at(0.0), ANSWER)
        assert await _get(adapter, A, _at(math.acos(0.5))) is None

    async def test_another_tenant_never_hits(self, adapter: Any) -> None:
        await _put(adapter, A, _at(0.0), ANSWER)
        assert await _get(adapter, B, _at(0.0)) is None

    async def test_another_corpus_version_or_pipeline_misses(self, adapter: Any) -> None:
        await _put(adapter, A, _at(0.0), ANSWER)
        assert await _get(adapter, A, _at(0.0), corpus_version=2) is None
        assert await _get(adapter, A, _at(0.0), pipeline="llama/hybrid/top5") is None

    async def test_the_closest_answer_wins(self, adapter: Any) -> None:
        await _put(adapter, A, _at(0.1), OTHER)
        await _put(adapter, A, _at(0.0), ANSWER)
        assert await _get(adapter, A, _at(0.01)) == ANSWER

    async def test_a_query_of_another_dimension_misses(self, adapter: Any) -> None:
        """After an embedder change, answers stored with the other model's vectors never match."""
        await _put(adapter, A, _at(0.0), ANSWER)
        await _put(adapter, A, [1.0, 0.0, 0.0], OTHER)
        assert await _get(adapter, A, [1.0, 0.0, 0.0, 0.0, 0.0]) is None
        assert await _get(adapter, A, [1.0, 0.0, 0.0]) == OTHER
        assert await _get(adapter, A, _at(0.0)) == ANSWER

    async def test_invalidate_forgets_that_tenant_only_and_counts(self, adapter: Any) -> None:
        await _put(adapter, A, _at(0.0), ANSWER)
        await _put(adapter, A, _at(1.0), OTHER, corpus_version=2)
        await _put(adapter, B, _at(0.0), OTHER)
        assert await adapter.invalidate(A) == 2
        assert await _get(adapter, A, _at(0.0)) is None
        assert await _get(adapter, B, _at(0.0)) == OTHER
        assert await adapter.invalidate(A) == 0

    async def test_entries_expire(self, adapter: Any, expire: Any) -> None:
        await _put(adapter, A, _at(0.0), ANSWER)
        await expire()
        assert await _get(adapter, A, _at(0.0)) is None
