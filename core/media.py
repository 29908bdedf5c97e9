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
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".flac": "audio/flac",
    ".opus": "audio/opus",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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


def sniff_media_type(head: bytes) -> str | None:
    """The media type the first bytes of a file show, when they have a signature; None for formats
    without one (plain text, Markdown, HTML)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return DOCX if b"word/" in head or b"[Content_Types].xml" in head else "application/zip"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/opus" if b"OpusHead" in head[:64] else "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:11] in (b"M4A", b"M4B") else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"\x7fELF") or head.startswith(b"MZ"):
        return "application/x-executable"
    return None


def base_type(media_type: str) -> str:
    """The media type without parameters: `text/plain; charset=x` -> `text/plain`."""
    return media_type.split(";", 1)[0].strip().lower()


def title_from_filename(filename: str) -> str:
    stem = posixpath.splitext(safe_filename(filename))[0]
    return stem.replace("_", " ").replace("-", " ").strip() or "untitled"
