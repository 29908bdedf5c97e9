"""Scanned pages: how well and how fast ragloom reads a typed page that was scanned.

    .venv/bin/python bench/ocr_pages.py                 # dev and test halves, extraction alone
    .venv/bin/python bench/ocr_pages.py --pipeline      # and a scanned PDF through upload -> ready

The pages are rendered here from known text: the prose of the answer suite's documents (invented),
wrapped to lines of at most 72 characters, 30 lines to an A4 page at 150 dpi, in DejaVu Sans and
DejaVu Serif at 11 points, saved as an image-only PDF (as an office scanner makes), read by
Tesseract (the default) or by the text_recognizer adapter (`--page-ocr text_recognizer`). The harbour and
clinic tenants' text is the dev half, the brewery's the test half. The character error rate
compares what OCR read with the rendered text, spaces collapsed (jiwer.cer); "no spaces" compares
with every space removed, so it counts misread characters only.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jiwer
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.answer_suite.content import DOCUMENTS
from bench.provenance import header
from ragloom.adapters.rapidocr.recognizer import RapidOcrRecognizer, RapidOcrSettings
from ragloom.adapters.text_extract.extractor import TextExtractor
from ragloom.adapters.text_extract.media_types import TextExtractSettings

DPI = 150
LINES_PER_PAGE = 30
FONTS = {
    "sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
}
HALVES = {"dev": ("harbour", "clinic"), "test": ("brewery",)}


def page_texts(tenants: tuple[str, ...]) -> list[list[str]]:
    """The halves' prose as pages of wrapped lines."""
    prose = []
    for document in DOCUMENTS:
        if document.tenant in tenants:
            prose += [*document.paragraphs, *document.pages, *document.sentences]
    lines = [line for paragraph in prose for line in textwrap.wrap(paragraph, 72)]
    return [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]


def scanned_pdf(pages: list[list[str]], font_path: str) -> bytes:
    width, height = int(8.27 * DPI), int(11.69 * DPI)
    font = ImageFont.truetype(font_path, DPI * 11 // 72)
    images = []
    for lines in pages:
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((DPI, DPI + i * DPI * 16 // 72), line, fill=0, font=font)
        images.append(image.convert("RGB"))
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def cer(expected: list[str], read: list[str]) -> tuple[float, float]:
    truth, found = " ".join(expected), " ".join(read)
    squash = "".join(truth.split()), "".join(found.split())
    return jiwer.cer(" ".join(truth.split()), " ".join(found.split())), jiwer.cer(*squash)


async def extraction(half: str, font: str, extractor: TextExtractor) -> tuple[int, float, float, float]:
    pages = page_texts(HALVES[half])
    data = scanned_pdf(pages, FONTS[font])
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        started = time.perf_counter()
        found = await extractor.extract(Path(file.name), "application/pdf", "scan.pdf")
        seconds = time.perf_counter() - started
    read = [segment.text for segment in found.segments]
    spaced, squashed = cer([" ".join(lines) for lines in pages], read)
    return len(pages), seconds, spaced, squashed


async def pipeline(pages: int) -> float:
    """Seconds from upload to ready of a scanned PDF of `pages` pages, on the embedded profile."""
    from ragloom.core.models import DocumentStatus
    from ragloom.core.services.documents import IncomingFile
    from ragloom.entrypoints.bootstrap import open_runtime
    from ragloom.entrypoints.settings import load_settings

    data = scanned_pdf(page_texts(HALVES["test"])[:pages], FONTS["sans"])
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(None, environ={**os.environ, "RAGLOOM_HOME": home})
        async with open_runtime(settings) as runtime:
            await runtime.lifecycle.start_all()
            tenant = (await (await runtime.tenants()).create("bench")).tenant.id
            documents = await runtime.documents()

            async def ingested(name: str, content: bytes) -> float:
                started = time.perf_counter()
                uploaded = await documents.upload(tenant, IncomingFile.from_bytes(name, content))
                while True:
                    current = await documents.get(tenant, uploaded.document.id)
                    if current.status in (DocumentStatus.READY, DocumentStatus.FAILED):
                        break
                    await asyncio.sleep(0.1)
                if current.status == DocumentStatus.FAILED:
                    raise SystemExit(f"{name} failed: {current.error}")
                return time.perf_counter() - started

            # the models load on a first document, not timed: long enough for the scrubber's helper
            # process, which analyses documents (short texts are analysed in the service's process)
            warm_up = " ".join(line for page in page_texts(HALVES["dev"])[:3] for line in page).encode()
            await ingested("warm-up.txt", warm_up)
            return await ingested("scan.pdf", data)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pipeline", action="store_true", help="also time a scanned PDF from upload to ready"
    )
    parser.add_argument("--pipeline-pages", type=int, default=10)
    parser.add_argument("--word-gap", type=float, default=RapidOcrSettings().word_gap)
    parser.add_argument("--halves", default="dev,test")
    parser.add_argument("--page-ocr", default="tesseract", choices=["tesseract", "text_recognizer"])
    args = parser.parse_args()
    print(header({"dpi": DPI, "lines": LINES_PER_PAGE, "page_ocr": args.page_ocr, "word_gap": args.word_gap}))
    recognizer = RapidOcrRecognizer(RapidOcrSettings(word_gap=args.word_gap))
    await recognizer.recognize(np.full((64, 256, 3), 255, np.uint8))  # the models load before timing
    extractor = TextExtractor(TextExtractSettings(page_ocr=args.page_ocr), recognizer)
    print("| half | font | pages | CER | CER, no spaces | pages/s (extraction) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for half in args.halves.split(","):
        for font in FONTS:
            pages, seconds, spaced, squashed = await extraction(half, font, extractor)
            print(f"| {half} | {font} | {pages} | {spaced:.2%} | {squashed:.2%} | {pages / seconds:.2f} |")
    if args.pipeline:
        seconds = await pipeline(args.pipeline_pages)
        print(
            f"pipeline: {args.pipeline_pages} scanned pages ready in {seconds:.1f} s, "
            f"{args.pipeline_pages / seconds:.2f} pages/s"
        )


if __name__ == "__main__":
    asyncio.run(main())
