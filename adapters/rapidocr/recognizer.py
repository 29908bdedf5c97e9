"""RapidOcrRecognizer: the TextRecognizer port on RapidOCR, with spaces and reading order restored."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.models import Box, TextLine

# A label's colon or a bracket glued to the next word: "Guest:Biscuit(spaniel)", "inspection:14"
# (not "06:15").
_PUNCTUATION_SPACE = re.compile(r"(?<=[:;,])(?=[^\W\d_])|(?<=[^\W\d_]:)(?=\d)|(?<=[^\W\d_])(?=\()")


class RapidOcrSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_confidence: float = Field(0.5, ge=0, le=1, description="lines read with less are dropped")
    word_gap: float = Field(
        0.35,
        gt=0,
        le=2,
        description="a gap between two characters wider than this share of the line's height is a space",
    )


def spaced(
    characters: Sequence[str], boxes: Sequence[Sequence[Sequence[float]]], word_gap: float = 0.35
) -> str:
    """A recognised line with the spaces the recogniser dropped put back. (PP-OCR's multilingual
    model often runs English words together; the gaps between its character boxes show where
    they end, and a small letter followed by a capital, as in "SisterPerpetua", does too.) The
    boxes are estimates, so a gap that would leave a single letter on its own ("BRE W") is not
    taken for a space. Lines that run down the image are measured along their length."""
    xs = [[point[0] for point in box] for box in boxes]
    ys = [[point[1] for point in box] for box in boxes]
    wide = max(map(max, xs)) - min(map(min, xs)) >= max(map(max, ys)) - min(map(min, ys))
    along, across = (xs, ys) if wide else (ys, xs)
    height = max(max(a) - min(a) for a in across) or 1

    def gap_at(i: int) -> bool:
        """Capitals are boxed loosely: between two of them a gap must be half as wide again."""
        wider = 1.5 if characters[i - 1].isupper() and characters[i].isupper() else 1
        return min(along[i]) - max(along[i - 1]) > wider * word_gap * height

    breaks = [
        i > 0
        and characters[i] != " "
        and characters[i - 1] != " "
        and (gap_at(i) or (characters[i - 1].islower() and characters[i].isupper()))
        for i in range(len(characters))
    ]
    words, current = [], characters[0]
    for character, starts in zip(characters[1:], breaks[1:], strict=True):
        if starts:
            words.append(current)
            current = character
        else:
            current += character
    words.append(current)
    out = words[0]
    for word in words[1:]:  # a break that would leave one letter alone joins it back
        before, after = out.split(" ")[-1], word.split(" ")[0]
        lone = (len(after) == 1 and after.isalpha()) or (len(before) == 1 and before.isalpha())
        out += word if lone and before not in ("a", "A", "I") and after not in ("a", "A", "I") else " " + word
    return _PUNCTUATION_SPACE.sub(" ", out)


def _box(points: Sequence[Sequence[float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


_Placed = tuple[float, int, int, TextLine]  # a line's middle and height, its left edge, the line


def reading_order(lines: Sequence[tuple[Sequence[Sequence[float]], str, float]]) -> list[TextLine]:
    """OCR lines top to bottom; lines whose middles sit within half a line's height of each other
    share a band, read left to right (one line, its box spanning theirs). Lines that run up or down
    the image come last, each alone."""
    across: list[_Placed] = []
    down: list[_Placed] = []
    for points, text, _ in lines:
        left, top, right, bottom = _box(points)
        height = max(bottom - top, 1)
        placed = ((top + bottom) / 2, height, left, TextLine(text, (left, top, right, bottom)))
        (down if height > right - left else across).append(placed)
    bands: list[list[_Placed]] = []
    for line in sorted(across, key=lambda item: item[:3]):
        if bands and abs(line[0] - bands[-1][0][0]) < 0.5 * min(line[1], bands[-1][0][1]):
            bands[-1].append(line)
        else:
            bands.append([line])
    ordered = [_joined([item[3] for item in sorted(band, key=lambda item: item[2])]) for band in bands]
    return ordered + [item[3] for item in sorted(down, key=lambda item: item[2])]


def _joined(parts: Sequence[TextLine]) -> TextLine:
    boxes = [part.box for part in parts]
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return TextLine(" ".join(part.text for part in parts), box)


class RapidOcrRecognizer:
    """Loads its models when it first reads: a pool of workers for documents that opens one pays
    only when a document holds a picture."""

    def __init__(self, settings: RapidOcrSettings) -> None:
        self._settings = settings
        self._engine: Any = None
        self._loading = threading.Lock()

    def _loaded(self) -> Any:
        with self._loading:
            if self._engine is None:
                from rapidocr_onnxruntime import RapidOCR

                self._engine = RapidOCR()
            return self._engine

    def _read(self, pixels: Any) -> list[TextLine]:
        found, _ = self._loaded()(pixels, return_word_box=True)
        lines = [
            (
                line[0],
                spaced(line[4], line[3], self._settings.word_gap) if len(line) > 4 and line[4] else line[1],
                float(line[2]),
            )
            for line in found or []
            if float(line[2]) >= self._settings.min_confidence
        ]
        return reading_order(lines)

    async def recognize(self, pixels: Any) -> Sequence[TextLine]:
        return await asyncio.to_thread(self._read, pixels)


@asynccontextmanager
async def open_rapidocr(settings: RapidOcrSettings) -> AsyncIterator[RapidOcrRecognizer]:
    yield RapidOcrRecognizer(settings)
