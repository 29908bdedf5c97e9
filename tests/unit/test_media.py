import pytest

from ragloom.core.media import detect_media_type, safe_filename, title_from_filename


@pytest.mark.parametrize(
    ("name", "declared", "expected"),
    [
        ("a.md", "application/octet-stream", "text/markdown"),
        ("a.md", "text/plain", "text/markdown"),
        ("a.PDF", None, "application/pdf"),
        ("a.html", "text/html; charset=utf-8", "text/html"),
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
