import pytest

from ragloom.adapters.text_extract import TEXT_MEDIA_TYPES, TextExtractor
from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from tests.helpers.pdf import make_pdf


@pytest.fixture
def extractor():
    return TextExtractor()


async def test_handles_the_text_formats(extractor):
    assert {"text/plain", "text/markdown", "text/html", "application/pdf"} == set(TEXT_MEDIA_TYPES)
    assert extractor.media_types == TEXT_MEDIA_TYPES


async def test_pdf_pages_and_title(extractor):
    result = await extractor.extract(
        make_pdf(["First page.", "Second page."], title="Doc"), "application/pdf", "d.pdf"
    )
    assert result.title == "Doc"
    assert [(s.text, s.page) for s in result.segments] == [("First page.", 1), ("Second page.", 2)]


@pytest.mark.parametrize("data", [b"%PDF-1.4 garbage", b"not a pdf at all", b"%PDF-1.7\n" + b"\x00" * 100])
async def test_corrupt_pdf_is_an_extraction_failure(extractor, data):
    with pytest.raises(ExtractionFailed):
        await extractor.extract(data, "application/pdf", "x.pdf")


async def test_markdown_keeps_text_and_takes_the_first_heading_as_title(extractor):
    md = b"# Garden Notes\n\nTomatoes need **full sun**.\n\n- water daily\n- `mulch`\n\n## Pests\n\nAphids."
    result = await extractor.extract(md, "text/markdown", "n.md")
    assert result.title == "Garden Notes"
    text = result.segments[0].text
    for expected in ("Tomatoes need full sun.", "water daily", "mulch", "Pests", "Aphids."):
        assert expected in text
    assert "**" not in text and "#" not in text


async def test_html_drops_scripts_and_styles(extractor):
    page = (
        b"<html><head><title>T</title><style>p{}</style></head>"
        b"<body><p>One.</p><script>evil()</script><p>Two.</p></body></html>"
    )
    result = await extractor.extract(page, "text/html", "p.html")
    assert result.title == "T"
    assert result.segments[0].text == "One.\n\nTwo."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("caf\u00e9".encode(), "caf\u00e9"),
        ("caf\u00e9".encode("cp1252"), "caf\u00e9"),
        ("\ufeffhi".encode(), "hi"),
        ("hi there".encode("utf-16"), "hi there"),
    ],
)
async def test_text_encodings(extractor, data, expected):
    assert (await extractor.extract(data, "text/plain", "t.txt")).segments[0].text == expected


async def test_binary_posing_as_text_fails(extractor):
    with pytest.raises(ExtractionFailed, match="binary"):
        await extractor.extract(b"\x7fELF\x00\x00\x01", "text/plain", "t.txt")


async def test_unknown_media_type(extractor):
    with pytest.raises(UnsupportedMedia):
        await extractor.extract(b"x", "image/png", "x.png")
