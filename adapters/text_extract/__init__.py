"""MediaExtractor for text documents: plain text, Markdown, HTML and PDF."""

from .extractor import TEXT_MEDIA_TYPES, TextExtractor, open_text_extractor

__all__ = ["TEXT_MEDIA_TYPES", "TextExtractor", "open_text_extractor"]
