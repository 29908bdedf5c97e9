"""The media types the text extractor reads (no parser import, so the plugin module stays light)."""

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_MEDIA_TYPES = frozenset({"text/plain", "text/markdown", "text/html", "application/pdf", WORD})
