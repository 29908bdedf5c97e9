"""ImageExtractor: an image's written text, read by the text_recognizer adapter (OCR), and a small
JPEG of it for the image embedder (an image without text still has its picture).

The image's size is read from its header and checked before any pixel is decoded, so a small file
that claims 30000 x 30000 pixels fails at once. GIFs give their first frame, TIFFs their first page.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.media import base_type
from ragloom.core.models import Extraction, Location, Picture, Segment
from ragloom.core.ports import TextRecognizer
from ragloom.core.text import read_lines

from .settings import IMAGE_MEDIA_TYPES, ImageSettings

PICTURE_SIDE = 448  # longer side of the JPEG kept for the image embedder (CLIP looks at 224 or so)


def decode(source: Path, max_pixels: int) -> np.ndarray:
    """The first frame as RGB pixels; ExtractionFailed naming what is wrong."""
    try:
        with Image.open(source) as image:  # reads the header only
            width, height = image.size
            if width * height > max_pixels:
                raise ExtractionFailed(
                    f"the image is {width} x {height} pixels, over the limit of {max_pixels} "
                    "(plugins.media_extractor.image.max_pixels)"
                )
            image.seek(0)
            return np.asarray(image.convert("RGB"))
    except Image.DecompressionBombError as error:  # Pillow's own guard, when set above its limit
        raise ExtractionFailed(
            f"the image is over {max_pixels} pixels (plugins.media_extractor.image.max_pixels), "
            f"or over Pillow's own limit: {error}"
        ) from error
    except UnidentifiedImageError as error:
        raise ExtractionFailed("the image could not be read: not a known image format") from error
    except (OSError, ValueError, SyntaxError) as error:
        raise ExtractionFailed(f"the image is corrupt or truncated: {error}") from error


def small_jpeg(pixels: np.ndarray) -> bytes:
    """The picture as a JPEG of at most PICTURE_SIDE pixels on its longer side."""
    image = Image.fromarray(pixels)
    image.thumbnail((PICTURE_SIDE, PICTURE_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class ImageExtractor:
    def __init__(self, recognizer: TextRecognizer, settings: ImageSettings) -> None:
        self._recognizer = recognizer
        self._settings = settings

    @property
    def media_types(self) -> frozenset[str]:
        return IMAGE_MEDIA_TYPES

    async def extract(self, source: Path, media_type: str, filename: str) -> Extraction:
        if base_type(media_type) not in IMAGE_MEDIA_TYPES:
            raise UnsupportedMedia(f"{media_type} is not an image format")
        pixels = await asyncio.to_thread(decode, source, self._settings.max_pixels)
        lines = await self._recognizer.recognize(pixels)
        picture = Picture(await asyncio.to_thread(small_jpeg, pixels))
        if not lines:
            return Extraction([], pictures=[picture])
        text = read_lines([line.text for line in lines])
        return Extraction([Segment(text, Location(boxes=[line.box for line in lines]))], pictures=[picture])


@asynccontextmanager
async def open_image_extractor(
    settings: ImageSettings, text_recognizer: Any = None
) -> AsyncIterator[ImageExtractor]:
    if text_recognizer is None:
        raise ExtractionFailed(
            "the image extractor needs a text_recognizer adapter (adapters.text_recognizer)"
        )
    yield ImageExtractor(text_recognizer, settings)
