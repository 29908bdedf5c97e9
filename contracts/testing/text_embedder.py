"""Contract tests every TextEmbedder passes. Subclasses provide an async fixture `adapter`."""

from __future__ import annotations

import asyncio
import math

from ragloom.core.models import Vector
from ragloom.core.ports import TextEmbedder


def _cosine(a: Vector, b: Vector) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


class TextEmbedderContract:
    async def test_one_vector_per_text_of_the_stated_dimension(self, adapter: TextEmbedder) -> None:
        vectors = await adapter.embed_documents(["first text", "second text", "third"])
        assert len(vectors) == 3
        assert all(len(v) == adapter.dimension for v in vectors)
        assert len(await adapter.embed_query("a query")) == adapter.dimension

    async def test_empty_input_gives_no_vectors(self, adapter: TextEmbedder) -> None:
        assert list(await adapter.embed_documents([])) == []

    async def test_order_is_kept_and_results_are_deterministic(self, adapter: TextEmbedder) -> None:
        texts = ["owls hunt at night", "bread needs yeast", "the sea is salty"]
        forward = await adapter.embed_documents(texts)
        backward = await adapter.embed_documents(list(reversed(texts)))
        for a, b in zip(forward, reversed(backward), strict=True):
            assert _cosine(a, b) > 0.999

    async def test_related_texts_are_closer_than_unrelated_ones(self, adapter: TextEmbedder) -> None:
        query = await adapter.embed_query("owls hunting mice at night")
        near, far = await adapter.embed_documents(["owls hunt mice at night", "tax forms are due in april"])
        assert _cosine(query, near) > _cosine(query, far)

    async def test_concurrent_calls_are_safe(self, adapter: TextEmbedder) -> None:
        texts = [f"text number {i}" for i in range(8)]
        together = await asyncio.gather(*(adapter.embed_documents([t]) for t in texts))
        alone = await adapter.embed_documents(texts)
        for a, b in zip(together, alone, strict=True):
            assert _cosine(a[0], b) > 0.999
