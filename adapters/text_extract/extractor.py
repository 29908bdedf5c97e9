"""TextExtractor: dispatches on media type, runs the parser off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.media import base_type, charset_of
from ragloom.core.models import Extraction

from . import formats
from .media_types import TEXT_MEDIA_TYPES, WORD, TextExtractSettings

_TEXT_PARSERS: dict[str, Callable[[str, formats.Budget], Extraction]] = {
    "text/plain": formats.plain_text,
    "text/markdown": formats.markdown,
    "text/html": formats.html,
}
_BINARY_PARSERS: dict[str, Callable[[bytes, formats.Budget], Extraction]] = {
    "application/pdf": formats.pdf,
    WORD: formats.word,
}


def _parse(data: bytes, media_type: str, budget: formats.Budget) -> Extraction:
    kind = base_type(media_type)
    if kind in _BINARY_PARSERS:
        return _BINARY_PARSERS[kind](data, budget)
    charset = charset_of(media_type)
    if charset is None and kind == "text/html":
        charset = formats.html_charset(data)
    return _TEXT_PARSERS[kind](formats.decode_text(data, charset), budget)


class TextExtractor:
    def __init__(self, settings: TextExtractSettings | None = None) -> None:
        self._settings = settings or TextExtractSettings()

    @property
    def media_types(self) -> frozenset[str]:
        return TEXT_MEDIA_TYPES

    async def extract(self, source: Path, media_type: str, filename: str) -> Extraction:
        if base_type(media_type) not in TEXT_MEDIA_TYPES:
            raise UnsupportedMedia(f"{media_type} is not a text format")
        size = source.stat().st_size
        limit = self._settings.max_input_bytes
        if size > limit:
            raise ExtractionFailed(
                f"{filename!r} is {size} bytes, over the text extractor's limit of {limit} "
                "(plugins.media_extractor.text.max_input_bytes)"
            )
        try:
            return await asyncio.to_thread(
                lambda: _parse(source.read_bytes(), media_type, formats.Budget(self._settings))
            )
        except ExtractionFailed:
            raise
        except RecursionError as error:
            raise ExtractionFailed(f"{filename!r} is nested too deeply to parse") from error


@asynccontextmanager
async def open_text_extractor(settings: TextExtractSettings) -> AsyncIterator[TextExtractor]:
    yield TextExtractor(settings)
