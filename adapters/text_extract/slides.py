"""Slide decks (.pptx, python-pptx): each slide's title, text boxes, tables and speaker notes, a
segment per slide (its page: the slide's number). Pictures on a slide are handed to the budget, to
be read by OCR as text of that slide."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO, Any

from ragloom.core.errors import ExtractionFailed
from ragloom.core.models import Extraction, Location, Segment
from ragloom.core.text import normalize_space

from .formats import Budget, read_office
from .media_types import SLIDES
from .tables import table_lines


def _shape_texts(shapes: Any, budget: Budget, slide: int) -> Iterator[str]:
    """What the shapes show, in the deck's order; groups opened, pictures handed on."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shape_texts(shape.shapes, budget, slide)
        elif getattr(shape, "has_table", False):
            rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
            yield from table_lines(rows)
        elif getattr(shape, "has_text_frame", False):
            yield from (shape.text_frame.text or "").split("\n")
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            budget.add_picture(shape.image.blob, page=slide)


def pptx(data: bytes, budget: Budget) -> Extraction:
    return read_office(data, budget, SLIDES, _pptx)


def _pptx(archive: IO[bytes], budget: Budget) -> Extraction:
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    try:
        deck = Presentation(archive)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ExtractionFailed(f"the slide deck could not be read: {error}") from None
    segments = []
    first_title = None
    for number, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        title = (title_shape.text_frame.text if title_shape is not None else "").strip()
        title_id = title_shape.shape_id if title_shape is not None else None
        first_title = first_title or title or None
        lines = [title] if title else []
        lines += [
            line
            for line in _shape_texts((s for s in slide.shapes if s.shape_id != title_id), budget, number)
            if line.strip()
        ]
        notes_frame = slide.notes_slide.notes_text_frame if slide.has_notes_slide else None
        notes = (notes_frame.text or "").strip() if notes_frame is not None else ""
        if notes:
            lines.append(f"Speaker notes: {notes}")
        text = normalize_space("\n\n".join(lines))
        budget.add_text(text)
        if text:
            segments.append(Segment(text, Location(page=number)))
    title = (deck.core_properties.title or "").strip() or first_title
    return Extraction(segments, title=title)
