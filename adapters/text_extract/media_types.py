"""The media types and settings of the text extractor (no parser import: the plugin module stays light)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.media import DOCX, PPTX, XLSX

WORD, SLIDES, SHEET = DOCX, PPTX, XLSX
CSV = "text/csv"
MAIL = "message/rfc822"
# Each Office type: what a reason calls it, and the part that shows a zip archive is one.
OFFICE_PARTS = {
    WORD: ("Word document", "word/document.xml"),
    SLIDES: ("slide deck", "ppt/presentation.xml"),
    SHEET: ("spreadsheet", "xl/workbook.xml"),
}
TEXT_MEDIA_TYPES = frozenset({"text/plain", "text/markdown", "text/html", "application/pdf", CSV, MAIL})
TEXT_MEDIA_TYPES |= frozenset(OFFICE_PARTS)


class TextExtractSettings(BaseModel):
    """The budget of one document's extraction, checked as it proceeds; past a limit the document
    fails with a reason that names the limit."""

    model_config = ConfigDict(extra="forbid")

    max_input_bytes: int = Field(
        64 * 1024 * 1024, ge=1, description="larger originals fail at once instead of being parsed"
    )
    max_characters: int = Field(5_000_000, ge=1, description="text extracted from one document")
    max_pages: int = Field(5_000, ge=1, description="pages of a PDF")
    max_elements: int = Field(1_000_000, ge=1, description="elements of an HTML page")
    max_attributes: int = Field(1_000, ge=1, description="attributes of one HTML element")
    max_tag_bytes: int = Field(
        1024 * 1024, ge=64, description="one HTML start tag with its attributes, checked before it is parsed"
    )
    max_attribute_bytes: int = Field(
        16 * 1024 * 1024, ge=64, description="the start tags of an HTML page with their attributes, together"
    )
    max_expanded_bytes: int = Field(
        256 * 1024 * 1024,
        ge=1,
        description="the parts of a Word document, deck or spreadsheet, decompressed, together",
    )
    max_archive_members: int = Field(
        10_000, ge=1, description="parts of a Word document, deck or spreadsheet"
    )
    max_rows: int = Field(
        100_000,
        ge=1,
        description="rows of a spreadsheet or CSV file, empty ones included, all sheets together",
    )
    max_cells: int = Field(
        2_000_000, ge=1, description="cells of a spreadsheet or CSV file, empty ones included"
    )
    max_pictures: int = Field(
        500, ge=0, description="pictures inside a document read by OCR; more are left unread (0: none)"
    )
    max_picture_pixels: int = Field(
        40_000_000,
        ge=1,
        description="a larger picture inside a document is left unread, before it is decoded",
    )
    ocr_min_characters: int = Field(
        16, ge=0, description="a PDF page whose text layer holds fewer characters is read by OCR (a scan)"
    )
    ocr_dpi: int = Field(
        150, ge=36, le=600, description="resolution a scanned PDF page is rendered at for OCR"
    )
    max_page_pixels: int = Field(
        40_000_000, ge=1, description="a scanned PDF page that would render larger fails the document"
    )
    max_ocr_pages: int = Field(500, ge=0, description="scanned pages of one PDF read by OCR")
    page_ocr: Literal["tesseract", "text_recognizer"] = Field(
        "tesseract",
        description="what reads scanned pages: Tesseract (Debian's tesseract-ocr; the text_recognizer "
        "adapter when it is not installed) or the text_recognizer adapter (it reads pictures in documents)",
    )
    ocr_languages: str = Field(
        "eng",
        pattern=r"^[a-z_]+(\+[a-z_]+)*$",
        description="Tesseract's languages, e.g. eng+deu (their packages installed)",
    )
    ocr_processes: int = Field(2, ge=1, le=64, description="scanned pages of one document read side by side")
    ocr_page_timeout_seconds: float = Field(120, gt=0, description="wall time of reading one scanned page")
    max_attachments: int = Field(100, ge=0, description="attachments of an e-mail ingested as documents")
    pdf_tables: bool = Field(
        True, description="find ruled tables in PDFs and index their rows with their headers (slower)"
    )
