"""Text in the pictures of a document, read by the text_recognizer adapter (OCR): scanned PDF pages
(rendered by pypdfium2) and pictures inside documents (in a PDF page's content, a .docx, a .pptx
or attached to an e-mail). Every size is checked before pixels are made: a page against
`max_page_pixels` (the document fails, naming it), a picture against `max_picture_pixels` (the
picture is left unread, the document's text stays)."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ragloom.core.errors import ExtractionFailed
from ragloom.core.models import Location, Segment
from ragloom.core.ports import TextRecognizer
from ragloom.core.progress import report_progress
from ragloom.core.text import read_lines

from . import tesseract
from .formats import EmbeddedPicture
from .media_types import TextExtractSettings

log = logging.getLogger(__name__)
MIN_PICTURE_SIDE = 48  # pixels: icons, bullets and rules hold no text worth reading
PICTURE_SIDE = 448  # longer side of the JPEG kept for the image embedder (CLIP looks at 224 or so)
POINTS_PER_INCH = 72


def _segment(lines: Sequence[Any], page: int | None) -> Segment | None:
    text = read_lines([line.text for line in lines])
    return Segment(text, Location(page=page, boxes=[line.box for line in lines])) if text else None


def _paragraphs(paragraphs: Sequence[Sequence[Any]], page: int) -> Segment | None:
    """A page read as paragraphs: a paragraph's lines join up, paragraphs stay apart."""
    text = "\n\n".join(" ".join(line.text for line in lines) for lines in paragraphs)
    boxes = [line.box for lines in paragraphs for line in lines]
    return Segment(text, Location(page=page, boxes=boxes)) if text else None


def _worth_reading(width: int, height: int, settings: TextExtractSettings, where: str) -> bool:
    """Whether a picture of this size is read: not too small to hold text, and not over
    `max_picture_pixels` (then it is left unread, with a log line)."""
    if min(width, height) < MIN_PICTURE_SIDE:
        return False
    if width * height > settings.max_picture_pixels:
        log.warning(
            "a picture of %d x %d pixels %s is left unread: over %d "
            "(plugins.media_extractor.text.max_picture_pixels)",
            width,
            height,
            where,
            settings.max_picture_pixels,
        )
        return False
    return True


def decode_picture(data: bytes, settings: TextExtractSettings) -> np.ndarray | None:
    """A picture's RGB pixels, or None (with a log line) when it is too small to hold text, over
    the size limit (read from its header, before decoding) or not a picture Pillow reads."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if not _worth_reading(*image.size, settings, "inside a document"):
                return None
            image.seek(0)
            return np.asarray(image.convert("RGB"))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        log.warning("a picture inside a document could not be decoded: %s", error)
        return None


class PdfPages:
    """A PDF opened by pypdfium2 for rendering its scanned pages and taking its pictures, one page at
    a time (blocking: call it off the event loop, from one thread at a time)."""

    def __init__(self, data: bytes, settings: TextExtractSettings) -> None:
        import pypdfium2

        self._settings = settings
        try:
            self._document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as error:
            raise ExtractionFailed(f"the PDF's pages could not be rendered: {error}") from None

    def close(self) -> None:
        self._document.close()

    def render(self, number: int) -> np.ndarray:
        """Page `number` (from 1) at `ocr_dpi`, as RGB pixels."""
        settings = self._settings
        page = self._document[number - 1]
        try:
            width, height = page.get_size()
            scale = settings.ocr_dpi / POINTS_PER_INCH
            pixels = int(width * scale) * int(height * scale)
            if pixels > settings.max_page_pixels:
                raise ExtractionFailed(
                    f"page {number} of the PDF is {width:.0f} x {height:.0f} points: at "
                    f"{settings.ocr_dpi} dpi that is {pixels} pixels, over the limit of "
                    f"{settings.max_page_pixels} (plugins.media_extractor.text.max_page_pixels)"
                )
            bitmap = page.render(scale=scale)
            try:
                return np.array(bitmap.to_pil().convert("RGB"))
            finally:
                bitmap.close()
        finally:
            page.close()

    def _images(self, page: Any) -> Iterator[Any]:
        import pypdfium2.raw as pdfium_c

        return page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4)

    def pictures(self, number: int) -> list[int]:
        """Which pictures drawn on page `number` are worth reading, by their size alone (nothing is
        decoded); a picture over `max_picture_pixels` is left unread."""
        page = self._document[number - 1]
        chosen = []
        try:
            for index, found in enumerate(self._images(page)):
                width, height = found.get_px_size()
                if _worth_reading(width, height, self._settings, f"on page {number}"):
                    chosen.append(index)
        finally:
            page.close()
        return chosen

    def picture(self, number: int, index: int) -> np.ndarray | None:
        """The pixels of picture `index` (of `pictures`) on page `number`; None if it cannot be decoded."""
        import pypdfium2

        page = self._document[number - 1]
        try:
            for i, found in enumerate(self._images(page)):
                if i == index:  # the bitmap is pdfium's own (foreign): freed with the page
                    return np.array(found.get_bitmap().to_pil().convert("RGB"))
        except (pypdfium2.PdfiumError, ValueError, OSError) as error:
            log.warning("a picture on page %d could not be decoded: %s", number, error)
        finally:
            page.close()
        return None


async def _read_scanned(
    pages: PdfPages, numbers: Sequence[int], recognizer: TextRecognizer, settings: TextExtractSettings
) -> list[Segment]:
    """The scanned pages, rendered one at a time and read up to `ocr_processes` side by side (by
    Tesseract, else the recognizer), a segment per page."""
    by_tesseract = settings.page_ocr == "tesseract" and tesseract.available()
    if settings.page_ocr == "tesseract" and not by_tesseract:
        log.warning(
            "Tesseract is not installed (apt install tesseract-ocr): "
            "scanned pages are read by the text_recognizer adapter"
        )
    slots = asyncio.Semaphore(settings.ocr_processes if by_tesseract else 1)
    done = 0

    async def read(number: int, pixels: np.ndarray) -> Segment | None:
        nonlocal done
        try:
            if by_tesseract:
                paragraphs = await tesseract.read_page(
                    pixels, settings.ocr_dpi, settings.ocr_languages, settings.ocr_page_timeout_seconds
                )
                segment = _paragraphs(paragraphs, number)
            else:
                segment = _segment(await recognizer.recognize(pixels), number)
            done += 1
            report_progress(0.1 + 0.8 * done / len(numbers))
            return segment
        finally:
            slots.release()

    tasks = []
    try:
        async with asyncio.TaskGroup() as group:
            for number in numbers:
                await slots.acquire()  # at most `ocr_processes` rendered pages held at once
                try:
                    pixels = await asyncio.to_thread(pages.render, number)
                except BaseException:
                    slots.release()
                    raise
                tasks.append(group.create_task(read(number, pixels)))
    except* ExtractionFailed as failed:
        raise failed.exceptions[0] from None
    return [segment for task in tasks if (segment := task.result()) is not None]


@dataclass(frozen=True, slots=True)
class ReadPicture:
    """A picture inside a document: a small JPEG of it (for an image embedder), its page or slide,
    and the text read in it, if any."""

    jpeg: bytes
    page: int | None
    text: Segment | None


def small_jpeg(pixels: np.ndarray) -> bytes:
    """The picture as a JPEG of at most PICTURE_SIDE pixels on its longer side."""
    from PIL import Image

    image = Image.fromarray(pixels)
    image.thumbnail((PICTURE_SIDE, PICTURE_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


async def _read(pixels: np.ndarray, page: int | None, recognizer: TextRecognizer) -> ReadPicture:
    text = _segment(await recognizer.recognize(pixels), page)
    return ReadPicture(await asyncio.to_thread(small_jpeg, pixels), page, text)


async def read_pdf_pages(
    data: bytes,
    scanned: Sequence[int],
    typed: Sequence[int],
    recognizer: TextRecognizer,
    settings: TextExtractSettings,
) -> tuple[list[Segment], list[ReadPicture]]:
    """The text read on the scanned pages (rendered whole; a segment per page, which stands for the
    page's scant text layer) and the pictures of the typed pages, each with its page (and its
    text's boxes)."""
    if len(scanned) > settings.max_ocr_pages:
        raise ExtractionFailed(
            f"the PDF has {len(scanned)} pages without text to read by OCR, over the limit of "
            f"{settings.max_ocr_pages} (plugins.media_extractor.text.max_ocr_pages)"
        )
    pages = await asyncio.to_thread(PdfPages, data, settings)
    try:
        read = await _read_scanned(pages, scanned, recognizer, settings) if scanned else []
        found: list[ReadPicture] = []
        left = settings.max_pictures
        for number in typed:
            if left <= 0:  # `max_pictures` read: the other pages are not searched for more
                break
            for index in (await asyncio.to_thread(pages.pictures, number))[:left]:
                left -= 1
                pixels = await asyncio.to_thread(pages.picture, number, index)
                found += [await _read(pixels, number, recognizer)] if pixels is not None else []
    finally:
        await asyncio.to_thread(pages.close)
    return read, found


async def read_pictures(
    pictures: Sequence[EmbeddedPicture], recognizer: TextRecognizer, settings: TextExtractSettings
) -> list[ReadPicture]:
    """The pictures inside a document worth reading, each with the text OCR reads in it."""
    found: list[ReadPicture] = []
    for picture in pictures:
        pixels = await asyncio.to_thread(decode_picture, picture.data, settings)
        if pixels is not None:
            found.append(await _read(pixels, picture.page, recognizer))
    return found
