"""Contract tests every ImageEmbedder passes. Subclasses provide an async fixture `adapter` and a
fixture `images`: two different valid encoded images (bytes)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from ragloom.core.errors import InvalidInput


def _norm(vector: Any) -> float:
    return math.sqrt(sum(x * x for x in vector))


class ImageEmbedderContract:
    async def test_one_normalised_vector_per_image_in_order(self, adapter: Any, images: Any) -> None:
        first, second = images
        vectors = await adapter.embed_images([first, second, first])
        assert len(vectors) == 3 and all(len(v) == adapter.dimension for v in vectors)
        assert all(abs(_norm(v) - 1) < 1e-3 for v in vectors)
        assert list(vectors[0]) == pytest.approx(list(vectors[2]), abs=1e-5)
        assert list(vectors[0]) != pytest.approx(list(vectors[1]), abs=1e-5)

    async def test_text_lands_in_the_same_space(self, adapter: Any) -> None:
        vector = await adapter.embed_text("a lighthouse at dusk")
        assert len(vector) == adapter.dimension and abs(_norm(vector) - 1) < 1e-3

    async def test_bytes_that_are_no_image_are_invalid_input(self, adapter: Any) -> None:
        with pytest.raises(InvalidInput):
            await adapter.embed_images([b"definitely not an image"])

    async def test_no_images_give_no_vectors(self, adapter: Any) -> None:
        assert list(await adapter.embed_images([])) == []
