"""One function per format: bytes -> Extraction. Blocking; the extractor runs them on a thread."""

from __future__ import annotations

import io
import logging
import zipfile

import docx
from bs4 import BeautifulSoup
from docx.opc.exceptions import PackageNotFoundError
from markdown_it import MarkdownIt
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ragloom.core.errors import ExtractionFailed
from ragloom.core.models import Extraction, Segment
from ragloom.core.text import normalize_space

logging.getLogger("pypdf").setLevel(logging.ERROR)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else UTF-16 by BOM, else Windows-1252; binary is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise ExtractionFailed("the file looks binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def plain_text(data: bytes) -> Extraction:
    return Extraction([Segment(normalize_space(decode_text(data)))])


def markdown(data: bytes) -> Extraction:
    tokens = MarkdownIt("commonmark").parse(decode_text(data))
    blocks: list[str] = []
    title: str | None = None
    heading = False
    for token in tokens:
        if token.type == "heading_open":
            heading = token.tag == "h1"
        elif token.type in {"inline", "code_block", "fence"}:
            text = "".join(
                child.content for child in token.children or [] if child.type in {"text", "code_inline"}
            )
            text = text or token.content
            if heading and title is None:
                title = text.strip() or None
            blocks.append(text)
            heading = False
    return Extraction([Segment(normalize_space("\n\n".join(blocks)))], title=title)


def html(data: bytes) -> Extraction:
    soup = BeautifulSoup(decode_text(data), "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    if not title and soup.h1:
        title = soup.h1.get_text(" ", strip=True)
    if soup.title:
        soup.title.decompose()
    body = soup.body or soup
    for block in body.find_all(["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section"]):
        block.insert_after("\n\n")
    return Extraction([Segment(normalize_space(body.get_text()))], title=title or None)


def pdf(data: bytes) -> Extraction:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionFailed("the PDF is encrypted")
        segments = [
            Segment(normalize_space(page.extract_text() or ""), page=number)
            for number, page in enumerate(reader.pages, start=1)
        ]
        metadata = reader.metadata
        title = metadata.title if metadata and metadata.title else None
    except ExtractionFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ExtractionFailed(f"the PDF could not be read: {error}") from error
    return Extraction([s for s in segments if s.text], title=title)


def word(data: bytes) -> Extraction:
    """Paragraphs, then table rows, of a .docx; the title from its properties or a Title/Heading 1."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ExtractionFailed(f"the Word document could not be read: {error}") from error
    blocks: list[str] = []
    title = (document.core_properties.title or "").strip() or None
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        if title is None and paragraph.style is not None and paragraph.style.name in ("Title", "Heading 1"):
            title = text
        blocks.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append(" | ".join(cells))
    return Extraction([Segment(normalize_space("\n\n".join(blocks)))], title=title)
