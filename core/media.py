"""Media type of an upload: claimed by its declared type and file name, checked against its bytes."""

from __future__ import annotations

import codecs
import mimetypes
import posixpath

from .errors import UnsupportedMedia

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BY_SUFFIX = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": DOCX,
    ".pptx": PPTX,
    ".xlsx": XLSX,
    ".csv": "text/csv",
    ".eml": "message/rfc822",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".flac": "audio/flac",
    ".opus": "audio/opus",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mov": "video/quicktime",
}
KNOWN_SUFFIXES = frozenset(_BY_SUFFIX)  # what a folder given to `ragloom ingest` is searched for
_OFFICE = (DOCX, PPTX, XLSX)
_GENERIC = {"", "application/octet-stream", "binary/octet-stream"}
_ALIASES = {
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "audio/x-flac": "audio/flac",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "text/x-markdown": "text/markdown",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
}
# Containers a sniffed signature cannot tell apart from the claimed type: the claim stands.
_SAME_CONTAINER = {
    ("audio/mp4", "video/mp4"),
    ("audio/ogg", "audio/opus"),
    ("audio/opus", "audio/ogg"),
    (DOCX, "application/zip"),
    (PPTX, "application/zip"),
    (XLSX, "application/zip"),
    ("video/x-matroska", "video/webm"),
    ("video/quicktime", "video/mp4"),
}
SNIFF_BYTES = 4096  # how much of the head of a file `sniff_media_type` looks at


def safe_filename(filename: str) -> str:
    """The base name only, without directories or control characters; never empty."""
    base = posixpath.basename(filename.replace("\\", "/")).strip()
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned[:255] or "upload"


def detect_media_type(filename: str, declared: str | None) -> str:
    """The claimed type: a specific declared type, else the file suffix, else
    application/octet-stream; a declared charset of a text type is kept as its parameter.
    UnsupportedMedia for a charset Python does not know."""
    declared_type = _ALIASES.get(base_type(declared or ""), base_type(declared or ""))
    suffix = posixpath.splitext(filename.lower())[1]
    if suffix in _BY_SUFFIX and declared_type in _GENERIC | {"text/plain", "text/markdown"}:
        claimed = _BY_SUFFIX[suffix]
    elif declared_type not in _GENERIC:
        claimed = declared_type
    else:
        claimed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    charset = charset_of(declared or "")
    if charset is None or not claimed.startswith("text/"):
        return claimed
    try:
        codecs.lookup(charset)
    except LookupError:
        raise UnsupportedMedia(f"unknown charset {charset!r}") from None
    return f"{claimed}; charset={charset}"


def resolve_media_type(claimed: str, head: bytes) -> str:
    """The real type of a file: the one its first bytes show when they carry a signature (a
    `.txt` that is a PDF is a PDF), text/plain when a type with a signature is claimed for bytes
    that read as text, else the claimed type (the extractor then judges the bytes)."""
    sniffed = sniff_media_type(head)
    claimed_base = base_type(claimed)
    if sniffed is None:
        if _has_signature(claimed_base) and _reads_as_text(head):
            return "text/plain"
        return claimed
    if sniffed == claimed_base or (claimed_base, sniffed) in _SAME_CONTAINER:
        return claimed
    return sniffed


def _has_signature(media_type: str) -> bool:
    return media_type in {"application/pdf", *_OFFICE} or media_type.startswith(
        ("audio/", "video/", "image/")
    )


def _reads_as_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:  # a character cut at the end of the head is still text
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def sniff_media_type(head: bytes) -> str | None:
    """The media type the first bytes of a file show, when they have a signature; None for formats
    without one (plain text, Markdown, HTML)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(head)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/opus" if b"OpusHead" in head[:64] else "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        if head[8:11] in (b"M4A", b"M4B"):
            return "audio/mp4"
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head.startswith(b"\x7fELF") or head.startswith(b"MZ"):
        return "application/x-executable"
    return None


def _office_kind(head: bytes) -> str:
    """A zip's kind by the part names its head shows: an Office file names its folder early (a
    generic zip that only holds [Content_Types].xml is taken for a Word document, as before)."""
    for folder, kind in ((b"ppt/", PPTX), (b"xl/", XLSX), (b"word/", DOCX)):
        if folder in head:
            return kind
    return DOCX if b"[Content_Types].xml" in head else "application/zip"


def base_type(media_type: str) -> str:
    """The media type without parameters: `text/plain; charset=x` -> `text/plain`."""
    return media_type.split(";", 1)[0].strip().lower()


def charset_of(media_type: str) -> str | None:
    """The `charset` parameter of a media type, lower-cased and unquoted; None without one."""
    for parameter in media_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"'):
            return value.strip().strip('"').lower()
    return None


def title_from_filename(filename: str) -> str:
    stem = posixpath.splitext(safe_filename(filename))[0]
    return stem.replace("_", " ").replace("-", " ").strip() or "untitled"
