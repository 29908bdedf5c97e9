"""Contract tests every Reranker passes. Subclasses provide an async fixture `adapter`."""

from __future__ import annotations

from ragloom.core.models import ChunkPayload, DocumentId, SearchHit
from ragloom.core.ports import Reranker


def hits(*texts: str) -> list[SearchHit]:
    return [
        SearchHit(f"p{i}", 1.0 - i / 100, ChunkPayload(DocumentId(f"d{i}"), f"t{i}", f"s{i}", 0, text))
        for i, text in enumerate(texts)
    ]


class RerankerContract:
    async def test_returns_at_most_top_n_of_the_given_hits_best_first(self, adapter: Reranker) -> None:
        given = hits("owls hunt mice", "bread rises", "lava flows", "bees dance", "tides turn")
        ranked = await adapter.rerank("owls", given, 3)
        assert len(ranked) == 3
        assert {h.point_id for h in ranked} <= {h.point_id for h in given}
        assert len({h.point_id for h in ranked}) == 3
        assert [h.score for h in ranked] == sorted((h.score for h in ranked), reverse=True)

    async def test_payloads_are_kept(self, adapter: Reranker) -> None:
        given = hits("alpha text", "beta text")
        ranked = await adapter.rerank("alpha", given, 2)
        by_id = {h.point_id: h for h in given}
        assert all(h.payload == by_id[h.point_id].payload for h in ranked)

    async def test_empty_input_and_zero_top_n(self, adapter: Reranker) -> None:
        assert list(await adapter.rerank("q", [], 5)) == []
        assert list(await adapter.rerank("q", hits("a"), 0)) == []

    async def test_top_n_above_the_candidates_returns_them_all(self, adapter: Reranker) -> None:
        assert len(await adapter.rerank("q", hits("a", "b"), 10)) == 2
