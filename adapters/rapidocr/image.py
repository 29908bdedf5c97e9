"""ImageExtractor: an image's written text, read by OCR in reading order.

The image's size is read from its header and checked before any pixel is decoded, so a small file
that claims 30000 x 30000 pixels fails at once. GIFs give their first frame, TIFFs their first page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.media import base_type
from ragloom.core.models import Extraction, Segment

from .settings import IMAGE_MEDIA_TYPES, ImageSettings


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
    except Image.DecompressionBombError as error:  # Pillow's own guard, at twice its limit
        raise ExtractionFailed(
            f"the image is over {max_pixels} pixels (plugins.media_extractor.image.max_pixels)"
        ) from error
    except UnidentifiedImageError as error:
        raise ExtractionFailed("the image could not be read: not a known image format") from error
    except (OSError, ValueError, SyntaxError) as error:
        raise ExtractionFailed(f"the image is corrupt or truncated: {error}") from error


WORD_GAP = 0.3  # a gap between two characters wider than this share of the line's height is a space


def spaced(characters: Sequence[str], boxes: Sequence[Sequence[Sequence[float]]]) -> str:
    """A recognised line with the spaces the recogniser dropped put back. (PP-OCR's multilingual
    model often runs English words together; the gaps between its character boxes show where
    they end.) Lines that run down the image are measured along their length."""
    xs = [[point[0] for point in box] for box in boxes]
    ys = [[point[1] for point in box] for box in boxes]
    along, across = (
        (xs, ys)
        if max(map(max, xs)) - min(map(min, xs)) >= max(map(max, ys)) - min(map(min, ys))
        else (ys, xs)
    )
    height = max(max(a) - min(a) for a in across) or 1
    out = characters[0]
    for i in range(1, len(characters)):
        gap = min(along[i]) - max(along[i - 1])
        if gap > WORD_GAP * height and not out.endswith(" ") and characters[i] != " ":
            out += " "
        out += characters[i]
    return out


def reading_order(lines: Sequence[tuple[Sequence[Sequence[float]], str, float]]) -> list[str]:
    """OCR lines top to bottom; lines whose middles sit within half a line's height of each other
    share a band, read left to right. Lines that run up or down the image come last, each alone."""
    across, down = [], []
    for box, text, _ in lines:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        height = max(max(ys) - min(ys), 1.0)
        placed = ((min(ys) + max(ys)) / 2, height, min(xs), text)
        (down if height > max(xs) - min(xs) else across).append(placed)
    bands: list[list[tuple[float, float, float, str]]] = []
    for line in sorted(across):
        if bands and abs(line[0] - bands[-1][0][0]) < 0.5 * min(line[1], bands[-1][0][1]):
            bands[-1].append(line)
        else:
            bands.append([line])
    ordered = [" ".join(text for *_, text in sorted(band, key=lambda item: item[2])) for band in bands]
    return ordered + [text for *_, text in sorted(down, key=lambda item: item[2])]


def read_lines(engine: Any, pixels: np.ndarray, min_confidence: float) -> list[str]:
    """The text lines RapidOCR reads in `pixels`, spaced and in reading order."""
    found, _ = engine(pixels, return_word_box=True)
    lines = [
        (line[0], spaced(line[4], line[3]) if len(line) > 4 and line[4] else line[1], float(line[2]))
        for line in found or []
        if float(line[2]) >= min_confidence
    ]
    return reading_order(lines)


class ImageExtractor:
    def __init__(self, engine: Any, settings: ImageSettings) -> None:
        self._engine = engine
        self._settings = settings

    @property
    def media_types(self) -> frozenset[str]:
        return IMAGE_MEDIA_TYPES

    def _read(self, source: Path) -> list[str]:
        return read_lines(
            self._engine, decode(source, self._settings.max_pixels), self._settings.min_confidence
        )

    async def extract(self, source: Path, media_type: str, filename: str) -> Extraction:
        if base_type(media_type) not in IMAGE_MEDIA_TYPES:
            raise UnsupportedMedia(f"{media_type} is not an image format")
        lines = await asyncio.to_thread(self._read, source)
        if not lines:
            raise ExtractionFailed("no text was found in the image")
        return Extraction([Segment("\n".join(lines))])


@asynccontextmanager
async def open_image_extractor(settings: ImageSettings) -> AsyncIterator[ImageExtractor]:
    from rapidocr_onnxruntime import RapidOCR

    Image.MAX_IMAGE_PIXELS = settings.max_pixels  # Pillow's guard agrees with ours (this process's)
    engine = await asyncio.to_thread(RapidOCR)
    yield ImageExtractor(engine, settings)
