"""Scanned pages read by Tesseract (the `tesseract` program of Debian's tesseract-ocr package), which
reads typed pages far better than the scene-text models of the text_recognizer adapter: on pages
rendered from known text, under 1% of characters wrong against RapidOCR's 6-11% (bench/ocr_pages.py).

The program is run directly rather than through a wrapper library: each run gets one thread
(OMP_THREAD_LIMIT=1: ragloom reads pages side by side instead, and Tesseract's OpenMP threads spin
against each other on a busy machine), a time limit, and the page on its standard input.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil

import numpy as np
from PIL import Image

from ragloom.core.errors import ExtractionFailed
from ragloom.core.models import TextLine

PROGRAM = "tesseract"


def available() -> bool:
    return shutil.which(PROGRAM) is not None


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def paragraphs_of(tsv: str, min_confidence: float) -> list[list[TextLine]]:
    """Tesseract's words (its TSV output) gathered into lines, each with the box around its words,
    and the lines into Tesseract's paragraphs; words read with less than `min_confidence` (0-100)
    are left out."""
    lines: dict[tuple[str, str, str], list[tuple[str, tuple[int, int, int, int]]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word or float(row.get("conf") or -1) < min_confidence:
            continue
        left, top = int(row["left"]), int(row["top"])
        box = (left, top, left + int(row["width"]), top + int(row["height"]))
        lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append((word, box))
    paragraphs: dict[tuple[str, str], list[TextLine]] = {}
    for (block, paragraph, _), words in lines.items():
        boxes = [box for _, box in words]
        union = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        paragraphs.setdefault((block, paragraph), []).append(TextLine(" ".join(w for w, _ in words), union))
    return list(paragraphs.values())


async def read_page(
    pixels: np.ndarray, dpi: int, languages: str, timeout_seconds: float, min_confidence: float = 0
) -> list[list[TextLine]]:
    """The paragraphs Tesseract reads on a page image, in its reading order, each a list of lines."""
    image = await asyncio.to_thread(_png, pixels)
    process = await asyncio.create_subprocess_exec(
        PROGRAM,
        "stdin",
        "stdout",
        "-l",
        languages,
        "--psm",
        "3",
        "--dpi",
        str(dpi),
        "tsv",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(image), timeout_seconds)
    except TimeoutError:
        raise ExtractionFailed(
            f"reading a scanned page took over {timeout_seconds:.0f} s "
            "(plugins.media_extractor.text.ocr_page_timeout_seconds)"
        ) from None
    finally:  # past the time limit, or cancelled: the program stops with the page
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0:
        said = err.decode("utf-8", "replace").strip().splitlines()
        raise ExtractionFailed(
            f"Tesseract could not read a scanned page: {said[-1] if said else 'no reason given'}"
        )
    return paragraphs_of(out.decode("utf-8", "replace"), min_confidence)
