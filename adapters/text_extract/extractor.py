"""TextExtractor: dispatches on media type, runs the parser off the event loop, then reads the text
of the document's pictures and scanned pages with the text_recognizer adapter, when one is set."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.media import base_type, charset_of
from ragloom.core.models import Extraction, Location, Picture, Segment
from ragloom.core.ports import TextRecognizer

from . import formats, mail, sheets, slides
from .media_types import CSV, MAIL, OFFICE_PARTS, SHEET, SLIDES, TEXT_MEDIA_TYPES, WORD, TextExtractSettings
from .pictures import ReadPicture, read_pdf_pages, read_pictures

log = logging.getLogger(__name__)
_TEXT_PARSERS: dict[str, Callable[[str, formats.Budget], Extraction]] = {
    "text/plain": formats.plain_text,
    "text/markdown": formats.markdown,
    "text/html": formats.html,
    CSV: sheets.csv_text,
}
_BINARY_PARSERS: dict[str, Callable[[bytes, formats.Budget], Extraction]] = {
    "application/pdf": formats.pdf,
    WORD: formats.word,
    SLIDES: slides.pptx,
    SHEET: sheets.xlsx,
    MAIL: lambda data, budget: mail.mail(data, budget, parse),
}


def parse(data: bytes, media_type: str, budget: formats.Budget) -> Extraction:
    """The text of a document of `media_type`; an Office file is read as what its parts show it is
    (a deck named .docx is read as a deck). UnsupportedMedia for a type no parser reads."""
    kind = base_type(media_type)
    if kind in OFFICE_PARTS:
        kind = formats.office_kind(data, budget.settings) or _not_office(kind)
    if kind in _BINARY_PARSERS:
        return _BINARY_PARSERS[kind](data, budget)
    if kind not in _TEXT_PARSERS:
        raise UnsupportedMedia(f"{media_type} is not a format the text extractor reads")
    charset = charset_of(media_type)
    if charset is None and kind == "text/html":
        charset = formats.html_charset(data)
    return _TEXT_PARSERS[kind](formats.decode_text(data, charset), budget)


def _not_office(kind: str) -> str:
    name, parts = OFFICE_PARTS[kind]
    raise ExtractionFailed(
        f"the {name} could not be read: it is not a zip archive with a Word document's, deck's or "
        f"spreadsheet's parts ({parts})"
    )


class TextExtractor:
    def __init__(self, settings: TextExtractSettings | None = None, recognizer: TextRecognizer | None = None):
        self._settings = settings or TextExtractSettings()
        self._recognizer = recognizer

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
        budget = formats.Budget(self._settings)
        data = await asyncio.to_thread(source.read_bytes)
        try:
            extraction = await asyncio.to_thread(parse, data, media_type, budget)
        except ExtractionFailed:
            raise
        except RecursionError as error:
            raise ExtractionFailed(f"{filename!r} is nested too deeply to parse") from error
        return await self._read_pictures(extraction, budget, data)

    async def _read_pictures(self, extraction: Extraction, budget: formats.Budget, data: bytes) -> Extraction:
        """The extraction with the text of its pictures and scanned pages, each at its page."""
        if self._recognizer is None:
            if budget.scanned:
                log.info("%d scanned PDF pages left unread: no text_recognizer adapter", len(budget.scanned))
            return extraction
        if budget.pictures_left:
            log.warning(
                "%d pictures of a document left unread, over plugins.media_extractor.text.max_pictures",
                budget.pictures_left,
            )
        scanned: list[Segment] = []
        found: list[ReadPicture] = []
        if budget.pdf_pages:
            typed = [n for n in range(1, budget.pdf_pages + 1) if n not in budget.scanned]
            scanned, found = await read_pdf_pages(
                data, budget.scanned, typed, self._recognizer, self._settings
            )
        found += await read_pictures(budget.pictures, self._recognizer, self._settings)
        if not scanned and not found:
            return extraction
        read_texts = [picture.text for picture in found if picture.text is not None]
        for segment in [*scanned, *read_texts]:
            budget.add_text(segment.text)
        read = {segment.location.page for segment in scanned}  # OCR stands for a scant text layer
        kept = [segment for segment in extraction.segments if segment.location.page not in read]
        segments = _in_page_order([*kept, *scanned, *read_texts])
        return dataclasses.replace(
            extraction, segments=segments, pictures=[*extraction.pictures, *_pictures(found, segments)]
        )


def _in_page_order(segments: list[Segment]) -> list[Segment]:
    """Segments ordered by page (stable: a page's text before its pictures'); no page sorts first."""
    return sorted(segments, key=lambda segment: segment.location.page or 0)


def _pictures(found: list[ReadPicture], segments: list[Segment]) -> list[Picture]:
    """The pictures for an image embedder, each pointing at the segment holding its text."""
    where = {id(segment): index for index, segment in enumerate(segments)}
    return [
        Picture(
            p.jpeg, Location(page=p.page), inside=True, segment=None if p.text is None else where[id(p.text)]
        )
        for p in found
    ]


@asynccontextmanager
async def open_text_extractor(
    settings: TextExtractSettings, text_recognizer: Any = None
) -> AsyncIterator[TextExtractor]:
    yield TextExtractor(settings, text_recognizer)
