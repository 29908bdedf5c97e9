import pytest

from ragloom.core.errors import UnsupportedMedia
from ragloom.core.media import (
    DOCX,
    detect_media_type,
    resolve_media_type,
    safe_filename,
    sniff_media_type,
    title_from_filename,
)


@pytest.mark.parametrize(
    ("name", "declared", "expected"),
    [
        ("a.md", "application/octet-stream", "text/markdown"),
        ("a.md", "text/plain", "text/markdown"),
        ("a.PDF", None, "application/pdf"),
        ("a.html", "text/html; charset=UTF-8", "text/html; charset=utf-8"),
        ("a.txt", 'text/plain; format=flowed; charset="latin-1"', "text/plain; charset=latin-1"),
        ("a.wav", "audio/x-wav", "audio/wav"),
        ("a.pdf", "application/pdf; charset=utf-8", "application/pdf"),
        ("talk.m4a", None, "audio/mp4"),
        ("a.bin", "application/zip", "application/zip"),
        ("noext", None, "application/octet-stream"),
    ],
)
def test_media_type_detection(name, declared, expected):
    assert detect_media_type(name, declared) == expected


def test_file_names_lose_directories_and_control_characters():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\x\\report.pdf") == "report.pdf"
    assert safe_filename("a\x00b\n.txt") == "ab.txt"
    assert safe_filename("") == "upload"
    assert title_from_filename("deep_sea-life.md") == "deep sea life"


def test_an_unknown_charset_is_refused_before_anything_is_stored():
    with pytest.raises(UnsupportedMedia, match="unknown charset 'klingon'"):
        detect_media_type("a.txt", "text/plain; charset=klingon")


WAV_HEAD = b"RIFF\x24\x00\x00\x00WAVEfmt "
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"


@pytest.mark.parametrize(
    ("claimed", "head", "real"),
    [
        ("text/plain", b"%PDF-1.7\n", "application/pdf"),  # a .txt that is a PDF
        ("audio/mpeg", WAV_HEAD, "audio/wav"),  # an .mp3 that is a WAV
        ("application/pdf", b"Just some notes, not a PDF.\n", "text/plain"),
        ("audio/wav", "caf\u00e9".encode() * 1000, "text/plain"),  # a cut last character is still text
        ("text/plain", b"\x7fELF\x02\x01\x01", "application/x-executable"),
        ("text/markdown", b"# Title\n", "text/markdown"),  # text has no signature: the claim stands
        ("text/plain; charset=latin-1", b"caf\xe9", "text/plain; charset=latin-1"),
        ("audio/mp4", MP4_HEAD, "audio/mp4"),  # one container, both claims possible
        ("audio/ogg", b"OggS\x00\x02" + b"\x00" * 22 + b"\x13OpusHead", "audio/ogg"),
        (DOCX, b"PK\x03\x04\x14\x00", DOCX),
        ("audio/flac", b"\x00\x01\x02garbage", "audio/flac"),  # unknown binary: the extractor judges
    ],
)
def test_the_real_type_comes_from_the_bytes(claimed, head, real):
    assert resolve_media_type(claimed, head) == real


def test_signatures():
    assert sniff_media_type(b"fLaC\x00") == "audio/flac"
    assert sniff_media_type(b"ID3\x04") == "audio/mpeg"
    assert sniff_media_type(b"\x00\x00\x00\x1cftypM4A ") == "audio/mp4"
    assert sniff_media_type(b"plain words") is None
