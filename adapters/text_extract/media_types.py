"""The media types and settings of the text extractor (no parser import: the plugin module stays light)."""

from pydantic import BaseModel, ConfigDict, Field

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_MEDIA_TYPES = frozenset({"text/plain", "text/markdown", "text/html", "application/pdf", WORD})


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
        256 * 1024 * 1024, ge=1, description="the parts of a Word document, decompressed, together"
    )
    max_archive_members: int = Field(10_000, ge=1, description="parts of a Word document")
    pdf_tables: bool = Field(
        True, description="find ruled tables in PDFs and index their rows with their headers (slower)"
    )
