"""Media type of an upload, from its declared type and its file name."""

from __future__ import annotations

import mimetypes
import posixpath

_BY_SUFFIX = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_GENERIC = {"", "application/octet-stream", "binary/octet-stream"}


def safe_filename(filename: str) -> str:
    """The base name only, without directories or control characters; never empty."""
    base = posixpath.basename(filename.replace("\\", "/")).strip()
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned[:255] or "upload"


def detect_media_type(filename: str, declared: str | None) -> str:
    """Prefer a specific declared type, else the file suffix, else application/octet-stream."""
    declared_type = (declared or "").split(";", 1)[0].strip().lower()
    suffix = posixpath.splitext(filename.lower())[1]
    if suffix in _BY_SUFFIX and declared_type in _GENERIC | {"text/plain", "text/x-markdown"}:
        return _BY_SUFFIX[suffix]
    if declared_type not in _GENERIC:
        return declared_type
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def title_from_filename(filename: str) -> str:
    stem = posixpath.splitext(safe_filename(filename))[0]
    return stem.replace("_", " ").replace("-", " ").strip() or "untitled"
