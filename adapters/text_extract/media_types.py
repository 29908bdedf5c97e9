"""The media types and settings of the text extractor (no parser import: the plugin module stays light)."""

from pydantic import BaseModel, ConfigDict, Field

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_MEDIA_TYPES = frozenset({"text/plain", "text/markdown", "text/html", "application/pdf", WORD})


class TextExtractSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_input_bytes: int = Field(
        64 * 1024 * 1024, ge=1, description="larger originals fail at once instead of being parsed"
    )
