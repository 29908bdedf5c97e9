"""One function per format: bytes -> Extraction, under a budget checked as extraction proceeds.

Blocking; the extractor runs them off the event loop (in the extraction sandbox when configured).
Every format is read in time linear in its size; a limit passed fails the document naming the limit.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import parser as html_parser
from html.parser import HTMLParser
from typing import IO

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree
from markdown_it import MarkdownIt
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ragloom.core.errors import ExtractionFailed
from ragloom.core.models import Extraction, Location, Segment
from ragloom.core.text import normalize_space

from .media_types import OFFICE_PARTS, WORD, TextExtractSettings
from .tables import table_lines

logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class EmbeddedPicture:
    """A picture inside a document, still encoded, and the page or slide it is on: read by OCR
    once the document's text is parsed."""

    data: bytes
    page: int | None = None


@dataclass
class Budget:
    """Counts what one document's extraction has produced against the configured limits, and
    collects the pictures inside it (up to `max_pictures`; more are left unread and counted)."""

    settings: TextExtractSettings
    characters: int = 0
    pictures: list[EmbeddedPicture] = field(default_factory=list)
    pictures_left: int = 0
    pdf_pages: int = 0  # pages of a PDF, whose pictures are read by OCR
    scanned: list[int] = field(default_factory=list)  # pages of a PDF without a text layer worth the name

    def add_picture(self, data: bytes, page: int | None = None) -> None:
        if len(self.pictures) < self.settings.max_pictures:
            self.pictures.append(EmbeddedPicture(data, page))
        else:
            self.pictures_left += 1

    def add_text(self, text: str) -> None:
        self.characters += len(text)
        if self.characters > self.settings.max_characters:
            raise ExtractionFailed(
                f"the document yields over {self.settings.max_characters} characters of text "
                "(plugins.media_extractor.text.max_characters)"
            )


_META_CHARSET = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a `<meta>` near its top, if any."""
    found = _META_CHARSET.search(data[:2048])
    return found.group(1).decode("ascii").lower() if found else None


_WIDE = ("utf-16", "utf_16", "utf-32", "utf_32", "utf16", "utf32")


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Text in its declared charset; without one, by its byte-order mark, else UTF-8. Bytes that are
    not valid in that encoding fail with the offset of the first bad byte; binary is refused."""
    if charset is None and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        charset = "utf-16"
    elif b"\x00" in data[:8192] and not (charset or "").startswith(_WIDE):
        raise ExtractionFailed("the file looks binary, not text")
    encoding = charset or "utf-8-sig"
    try:
        return data.decode(encoding)
    except LookupError:
        raise ExtractionFailed(f"unknown charset {charset!r}") from None
    except UnicodeDecodeError as error:
        named = charset or "UTF-8"
        hint = (
            "" if charset else " (declare its charset, e.g. Content-Type: text/plain; charset=windows-1252)"
        )
        raise ExtractionFailed(f"the text is not valid {named} at byte {error.start}{hint}") from None


def plain_text(text: str, budget: Budget) -> Extraction:
    budget.add_text(text)
    return Extraction([Segment(normalize_space(text))])


def markdown(text: str, budget: Budget) -> Extraction:
    """Blocks of text; a table's rows as lines with their headers; the first `#` heading is the title."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[str] = []
    title: str | None = None
    heading = False
    rows: list[list[str]] | None = None
    for token in tokens:
        if token.type == "heading_open":
            heading = token.tag == "h1"
        elif token.type == "table_open":
            rows = []
        elif token.type == "table_close" and rows is not None:
            blocks.extend(table_lines(rows))
            rows = None
        elif token.type == "tr_open" and rows is not None:
            rows.append([])
        elif token.type in {"inline", "code_block", "fence"}:
            text = "".join(
                child.content for child in token.children or [] if child.type in {"text", "code_inline"}
            )
            text = text or token.content
            budget.add_text(text)
            if rows is not None and rows:
                rows[-1].append(text)
                continue
            if heading and title is None:
                title = text.strip() or None
            blocks.append(text)
            heading = False
    return Extraction([Segment(normalize_space("\n\n".join(blocks)))], title=title)


_BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "section",
        "article",
        "table",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "dt",
        "dd",
        "td",
        "th",
    }
)
# The pattern HTMLParser finds a start tag's end with; run on a bounded window before the parser runs it
# on the whole rest of the page.
_START_TAG: re.Pattern[str] = html_parser.locatestarttagend_tolerant  # type: ignore[attr-defined]
MAX_TABLE_NESTING = 4  # a table in a cell is folded into that cell; deeper ones are plain text
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "head"})


@dataclass
class _Table:
    rows: list[list[str]]
    cell: list[str] | None = None

    def close_cell(self) -> None:
        if self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append("".join(self.cell))
            self.cell = None


class _HtmlText(HTMLParser):
    """Text of an HTML page in one pass: block elements break paragraphs; scripts and styles are
    dropped; a table's rows become lines with their headers; the first <title> (else <h1>) is the
    title. No tree is built, so nesting depth costs nothing and time is linear in the input."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.parts: list[str] = []
        self.elements = 0
        self.tag_bytes = 0
        self.hidden = 0
        self.in_title = False
        self.in_h1 = False
        self.title: list[str] = []
        self.h1: list[str] = []
        self.tables: list[_Table] = []
        self.untracked_tables = 0

    def _cell(self) -> list[str] | None:
        return self.tables[-1].cell if self.tables else None

    def _break(self) -> None:
        cell = self._cell()
        if cell is not None:
            cell.append(" ")
        else:
            self.parts.append("\n\n")

    def _table_tag(self, tag: str, opening: bool) -> None:
        if tag == "table" and (self.untracked_tables or len(self.tables) == MAX_TABLE_NESTING):
            self.untracked_tables += 1 if opening else -1  # deeper tables read as their outer cell's text
        elif tag == "table" and opening:
            self.tables.append(_Table([]))
        elif not self.tables:
            return
        elif tag == "table":
            self._end_table()
        elif tag == "tr" and opening:
            self.tables[-1].close_cell()
            self.tables[-1].rows.append([])
        elif tag in ("td", "th"):
            self.tables[-1].close_cell()
            if opening:
                self.tables[-1].cell = []

    def _end_table(self) -> None:
        table = self.tables.pop()
        table.close_cell()
        lines = table_lines(table.rows)
        cell = self._cell()
        if cell is not None:
            cell.append(" ".join(lines))
        else:
            self.parts.append("\n\n" + "\n\n".join(lines) + "\n\n")

    def parse_starttag(self, i: int) -> int:
        """Size a start tag before the parser splits it into attributes (a tag of a million
        attributes would take gigabytes as Python objects, and the parser's own pattern as much to
        find its end): the pattern runs here on at most `max_tag_bytes` characters."""
        limits = self.budget.settings
        window = i + limits.max_tag_bytes
        found = _START_TAG.match(self.rawdata, i, window)
        if found is not None:
            if found.end() >= window and window < len(self.rawdata):
                raise ExtractionFailed(
                    f"an element of the page has a start tag of over {limits.max_tag_bytes} bytes "
                    "(plugins.media_extractor.text.max_tag_bytes)"
                )
            self.tag_bytes += found.end() - i
            if self.tag_bytes > limits.max_attribute_bytes:
                raise ExtractionFailed(
                    f"the page's start tags and their attributes take over {limits.max_attribute_bytes} "
                    "bytes (plugins.media_extractor.text.max_attribute_bytes)"
                )
        return super().parse_starttag(i)

    def _count(self, attrs: list[tuple[str, str | None]]) -> None:
        limits = self.budget.settings
        self.elements += 1
        if self.elements > limits.max_elements:
            raise ExtractionFailed(
                f"the page has over {limits.max_elements} elements "
                "(plugins.media_extractor.text.max_elements)"
            )
        if len(attrs) > limits.max_attributes:
            raise ExtractionFailed(
                f"an element of the page has {len(attrs)} attributes, over the limit of "
                f"{limits.max_attributes} (plugins.media_extractor.text.max_attributes)"
            )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count(attrs)
        if tag == "title":
            self.in_title = True
        elif tag in _HIDDEN:
            self.hidden += 1
        elif tag == "h1" and not self.h1:
            self.in_h1 = True
        self._table_tag(tag, opening=True)
        if tag in _BLOCKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count(attrs)
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "h1":
            self.in_h1 = False
        self._table_tag(tag, opening=False)
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            if self.in_h1:
                self.h1.append(data)
            self.budget.add_text(data)
            cell = self._cell()
            (cell if cell is not None else self.parts).append(data)

    def close(self) -> None:
        super().close()
        while self.tables:  # tables left open by the page
            self._end_table()


def html(text: str, budget: Budget) -> Extraction:
    parser = _HtmlText(budget)
    parser.feed(text)
    parser.close()
    title = " ".join("".join(parser.title).split()) or " ".join("".join(parser.h1).split())
    return Extraction([Segment(normalize_space("".join(parser.parts)))], title=title or None)


def pdf(data: bytes, budget: Budget) -> Extraction:
    limits = budget.settings
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionFailed("the PDF is encrypted")
        if len(reader.pages) > limits.max_pages:
            raise ExtractionFailed(
                f"the PDF has {len(reader.pages)} pages, over the limit of {limits.max_pages} "
                "(plugins.media_extractor.text.max_pages)"
            )
        texts = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            budget.add_text(text)  # checked page by page: a shared content stream cannot amplify
            texts.append(text)
            if len(text.strip()) < limits.ocr_min_characters:
                budget.scanned.append(number)
        budget.pdf_pages = len(texts)
        metadata = reader.metadata
        title = str(metadata.title) if metadata and metadata.title else None
    except ExtractionFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ExtractionFailed(f"the PDF could not be read: {error}") from error
    tables = _pdf_tables(data, budget) if limits.pdf_tables else {}
    segments = [
        Segment(normalize_space("\n\n".join([text, *tables.get(number, [])])), Location(page=number))
        for number, text in enumerate(texts, start=1)
    ]
    return Extraction([s for s in segments if s.text], title=title)


def _pdf_tables(data: bytes, budget: Budget) -> dict[int, list[str]]:
    """The ruled tables of each page, as lines with their headers (pdfplumber finds them; the text
    pypdf read stays as it is). A page whose tables cannot be read keeps its text."""
    import pdfplumber
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException

    found: dict[int, list[str]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as document:
            for number, page in enumerate(document.pages, start=1):
                lines = [line for table in page.extract_tables() for line in table_lines(table)]
                for line in lines:
                    budget.add_text(line)
                if lines:
                    found[number] = lines
                page.close()
    except (PDFException, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        logging.getLogger(__name__).warning("tables of a PDF could not be read: %s", error)
    return found


_COPY_CHUNK = 1 << 20


@contextmanager
def bounded_archive(data: bytes, limits: TextExtractSettings, kind: str) -> Iterator[IO[bytes]]:
    """A copy of a zip archive (.docx) holding exactly what was read here, chunk by chunk, counted
    while decompressing: at most each part's declared size, and `max_expanded_bytes` together.

    A reader of the original that reads a part whole (python-docx does) inflates its entire
    compressed stream at once, however small its header says it is; one of the copy's stored parts
    is only what was counted. A part whose contents do not match its header fails as damaged."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ExtractionFailed(f"the {kind} could not be read: it is not a zip archive ({error})") from None
    with source, tempfile.SpooledTemporaryFile(max_size=16 << 20) as copy:
        members = [member for member in source.infolist() if not member.is_dir()]
        if len(members) > limits.max_archive_members:
            raise ExtractionFailed(
                f"the {kind} holds {len(members)} parts, over the limit of {limits.max_archive_members} "
                "(plugins.media_extractor.text.max_archive_members)"
            )
        try:
            _copy_counted(source, members, copy, limits.max_expanded_bytes, kind)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise ExtractionFailed(f"the {kind} is damaged: {error}") from None
        except (NotImplementedError, RuntimeError) as error:  # another compression method, or encrypted
            raise ExtractionFailed(f"the {kind} could not be read: {error}") from None
        copy.seek(0)
        yield copy


def _copy_counted(
    source: zipfile.ZipFile, members: list[zipfile.ZipInfo], copy: IO[bytes], limit: int, kind: str
) -> None:
    over = f"the {kind} expands to over {limit} bytes (plugins.media_extractor.text.max_expanded_bytes)"
    if sum(member.file_size for member in members) > limit:
        raise ExtractionFailed(over)
    expanded = 0
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as target:
        for member in members:
            with source.open(member) as reader, target.open(member.filename, "w") as writer:
                while chunk := reader.read(_COPY_CHUNK):
                    expanded += len(chunk)
                    if expanded > limit:
                        raise ExtractionFailed(over)
                    writer.write(chunk)


def office_kind(data: bytes, limits: TextExtractSettings) -> str | None:
    """What an Office file is by its parts (its zip directory, nothing decompressed): a Word
    document, a deck or a spreadsheet; None when it shows none of them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()[: limits.max_archive_members + 1]
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    return next((kind for kind, (_, part) in OFFICE_PARTS.items() if part in names), None)


def read_office(
    data: bytes, budget: Budget, media_type: str, read: Callable[[IO[bytes], Budget], Extraction]
) -> Extraction:
    """An Office file (.docx, .pptx, .xlsx) read by `read` from its bounded copy; a part that is not
    well-formed XML fails the document with a reason."""
    kind = OFFICE_PARTS[media_type][0]
    with bounded_archive(data, budget.settings, kind) as archive:
        try:
            return read(archive, budget)
        except etree.XMLSyntaxError as error:
            raise ExtractionFailed(
                f"the {kind} could not be read: a part is not well-formed XML ({error.msg}); "
                "entity declarations, which Office never writes, are refused"
            ) from None


def word(data: bytes, budget: Budget) -> Extraction:
    """Paragraphs, then table rows with their headers, of a .docx; the title from its properties or
    a Title/Heading 1."""
    return read_office(data, budget, WORD, _word)


def _word(archive: IO[bytes], budget: Budget) -> Extraction:
    try:
        document = docx.Document(archive)
    except PackageNotFoundError:
        raise ExtractionFailed(
            "the Word document could not be read: it is a zip archive without a Word document's parts "
            "(word/document.xml)"
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ExtractionFailed(f"the Word document could not be read: {error}") from error
    blocks: list[str] = []
    title = (document.core_properties.title or "").strip() or None
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        if title is None and paragraph.style is not None and paragraph.style.name in ("Title", "Heading 1"):
            title = text
        budget.add_text(text)
        blocks.append(text)
    for table in document.tables:
        for line in table_lines([[cell.text for cell in row.cells] for row in table.rows]):
            budget.add_text(line)
            blocks.append(line)
    for relation in document.part.rels.values():
        if "image" in relation.reltype and not relation.is_external:
            budget.add_picture(relation.target_part.blob)
    return Extraction([Segment(normalize_space("\n\n".join(blocks)))], title=title)
