"""A fake ImageEmbedder (tests and demos): PNG, JPEG, GIF or WebP bytes hashed into a unit vector;
texts hashed into the same space (so nothing about content is learned)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from ragloom.core.errors import InvalidInput
from ragloom.core.models import Vector

_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


class HashingImageEmbedder:
    def __init__(self, dimension: int = 64) -> None:
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        return self._dimension

    def _vector(self, data: bytes) -> list[float]:
        digest = hashlib.shake_256(data).digest(self._dimension)
        raw = [b - 127.5 for b in digest]
        norm = math.sqrt(sum(x * x for x in raw)) or 1.0
        return [x / norm for x in raw]

    async def embed_images(self, images: Sequence[bytes]) -> Sequence[Vector]:
        for index, image in enumerate(images):
            if not image.startswith(_SIGNATURES):
                raise InvalidInput(f"image {index} is not a PNG, JPEG, GIF or WebP image")
        return [self._vector(image) for image in images]

    async def embed_text(self, text: str) -> Vector:
        return self._vector(text.encode())
