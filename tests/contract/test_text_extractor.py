import pytest

from ragloom.adapters.text_extract.extractor import TextExtractor
from ragloom.adapters.text_extract.media_types import SHEET, SLIDES, TEXT_MEDIA_TYPES
from ragloom.contracts.testing.media_extractor import MediaExtractorContract, extract_bytes
from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from tests.helpers import documents
from tests.helpers.pdf import make_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_docx(title: str | None = None) -> bytes:
    import io

    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    document.add_heading("Harbour Report", level=1)
    document.add_paragraph("The harbour was dredged in March.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "depth"
    table.rows[0].cells[1].text = "12 m"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def extractor():
    return TextExtractor()


class TestTextExtractor(MediaExtractorContract):
    @pytest.fixture
    def adapter(self):
        return TextExtractor()

    @pytest.fixture
    def samples(self):
        return {
            "text/plain": (b"Plain words about herons.", "herons"),
            "text/markdown": (b"# Birds\n\nHerons wade.", "Herons wade"),
            "text/html": (b"<html><body><p>Herons wade.</p></body></html>", "Herons wade"),
            "application/pdf": (make_pdf(["Herons wade in shallow water."]), "Herons wade"),
            DOCX: (make_docx(), "dredged in March"),
            SLIDES: (documents.deck([{"title": "Herons", "body": ["Herons wade."]}]), "Herons wade"),
            SHEET: (documents.workbook({"Birds": [["Bird", "Habit"], ["Heron", "wades"]]}), "Habit: wades"),
            "text/csv": (b"Bird,Habit\nHeron,wades\n", "Habit: wades"),
            "message/rfc822": (documents.mail("Herons", "Herons wade."), "Herons wade"),
        }


async def test_handles_the_text_formats(extractor):
    declared = {"text/plain", "text/markdown", "text/html", "application/pdf", DOCX}
    assert declared | {SLIDES, SHEET, "text/csv", "message/rfc822"} == set(TEXT_MEDIA_TYPES)
    assert extractor.media_types == TEXT_MEDIA_TYPES


async def test_pdf_pages_and_title(extractor):
    result = await extract_bytes(
        extractor, make_pdf(["First page.", "Second page."], title="Doc"), "application/pdf", "d.pdf"
    )
    assert result.title == "Doc"
    assert [(s.text, s.location.page) for s in result.segments] == [("First page.", 1), ("Second page.", 2)]


@pytest.mark.parametrize("data", [b"%PDF-1.4 garbage", b"not a pdf at all", b"%PDF-1.7\n" + b"\x00" * 100])
async def test_corrupt_pdf_is_an_extraction_failure(extractor, data):
    with pytest.raises(ExtractionFailed):
        await extract_bytes(extractor, data, "application/pdf", "x.pdf")


async def test_markdown_keeps_text_and_takes_the_first_heading_as_title(extractor):
    md = b"# Garden Notes\n\nTomatoes need **full sun**.\n\n- water daily\n- `mulch`\n\n## Pests\n\nAphids."
    result = await extract_bytes(extractor, md, "text/markdown", "n.md")
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
    result = await extract_bytes(extractor, page, "text/html", "p.html")
    assert result.title == "T"
    assert result.segments[0].text == "One.\n\nTwo."


@pytest.mark.parametrize(
    ("data", "media_type", "expected"),
    [
        ("caf\u00e9".encode(), "text/plain", "caf\u00e9"),
        ("caf\u00e9".encode("cp1252"), "text/plain; charset=windows-1252", "caf\u00e9"),
        ("\ufeffhi".encode(), "text/plain", "hi"),
        ("hi there".encode("utf-16"), "text/plain", "hi there"),
        ("hi there".encode("utf-16-le"), "text/plain; charset=utf-16-le", "hi there"),
        ("caf\u00e9".encode("latin-1"), "text/markdown; charset=iso-8859-1", "caf\u00e9"),
    ],
)
async def test_text_encodings(extractor, data, media_type, expected):
    assert (await extract_bytes(extractor, data, media_type, "t.txt")).segments[0].text == expected


async def test_html_declares_its_own_charset():
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Caf\u00e9</title></head><body>Cr\u00e8me</body></html>'
    )
    result = await extract_bytes(TextExtractor(), page.encode("latin-1"), "text/html", "p.html")
    assert (result.title, result.segments[0].text) == ("Caf\u00e9", "Cr\u00e8me")


@pytest.mark.parametrize(
    ("data", "media_type", "reason"),
    [
        ("caf\u00e9 au lait".encode("cp1252"), "text/plain", "not valid UTF-8 at byte 3 .*charset"),
        (b"ok \xff\xfe\xfd", "text/plain; charset=utf-8", "not valid utf-8 at byte 3"),
        ("\u65e5\u672c".encode("utf-8"), "text/plain; charset=ascii", "not valid ascii at byte 0"),
    ],
)
async def test_text_invalid_in_its_encoding_fails_with_the_offset(extractor, data, media_type, reason):
    with pytest.raises(ExtractionFailed, match=reason):
        await extract_bytes(extractor, data, media_type, "t.txt")


async def test_binary_posing_as_text_fails(extractor):
    with pytest.raises(ExtractionFailed, match="binary"):
        await extract_bytes(extractor, b"\x7fELF\x00\x00\x01", "text/plain", "t.txt")


async def test_unknown_media_type(extractor):
    with pytest.raises(UnsupportedMedia):
        await extract_bytes(extractor, b"x", "image/png", "x.png")


async def test_word_documents_keep_paragraphs_tables_and_the_title(extractor):
    result = await extract_bytes(extractor, make_docx(), DOCX, "r.docx")
    assert result.title == "Harbour Report"
    assert result.segments[0].text == "Harbour Report\n\nThe harbour was dredged in March.\n\ndepth: 12 m."
    assert (await extract_bytes(extractor, make_docx("Annual"), DOCX, "r.docx")).title == "Annual"


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"plain text", b""])
async def test_corrupt_word_document_is_an_extraction_failure(extractor, data):
    with pytest.raises(ExtractionFailed, match="Word document"):
        await extract_bytes(extractor, data, DOCX, "x.docx")


async def test_an_original_over_the_input_limit_fails_before_it_is_read(tmp_path):
    from ragloom.adapters.text_extract.media_types import TextExtractSettings

    extractor = TextExtractor(TextExtractSettings(max_input_bytes=100))
    with pytest.raises(ExtractionFailed, match=r"101 bytes, over the text extractor's limit of 100"):
        await extract_bytes(extractor, b"x" * 101, "text/plain", "big.txt")
    assert (await extract_bytes(extractor, b"y" * 100, "text/plain", "ok.txt")).segments[0].text == "y" * 100


SPECS = [["Property", "Value"], ["Primary mirror diameter", "2.71 m"], ["Focal ratio", "f/8"]]
ROWS = ["Property: Value.", "Primary mirror diameter: 2.71 m.", "Focal ratio: f/8."]
WIDE = [["Instrument", "Band", "Pixels"], ["WFC3", "200-1700 nm", "16.8 million"]]


def _docx_with_tables() -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("The telescope at a glance.")
    for rows in (SPECS, WIDE):
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _html_table(rows: list[list[str]]) -> str:
    head, *body = rows
    cells = "".join(f"<th>{h}</th>" for h in head)
    lines = "".join("<tr>" + "".join(f"<td><p>{v}</p></td>" for v in row) + "</tr>" for row in body)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{lines}</tbody></table>"


def _markdown_table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])


@pytest.mark.parametrize("media_type", ["text/markdown", "text/html", DOCX, "application/pdf"])
async def test_each_table_row_is_a_line_with_its_headers(extractor, media_type):
    wide_row = "Instrument: WFC3; Band: 200-1700 nm; Pixels: 16.8 million."
    if media_type == "text/markdown":
        data = (
            f"# Specs\n\nThe telescope at a glance.\n\n{_markdown_table(SPECS)}\n\n{_markdown_table(WIDE)}\n"
        )
    elif media_type == "text/html":
        data = f"<h1>Specs</h1><p>The telescope at a glance.</p>{_html_table(SPECS)}{_html_table(WIDE)}"
    elif media_type == DOCX:
        data = _docx_with_tables()
    else:
        data = make_pdf(["The telescope at a glance."], tables={0: SPECS})
        wide_row = None
    raw = data.encode() if isinstance(data, str) else data
    text = (await extract_bytes(extractor, raw, media_type, "specs")).segments[0].text
    lines = text.split("\n\n")
    assert "The telescope at a glance." in text
    assert all(row in lines for row in ROWS), lines
    assert wide_row is None or wide_row in lines, lines


async def test_a_table_inside_a_table_cell_stays_in_that_cell(extractor):
    page = "<table><tr><td>Outer</td><td>" + _html_table(WIDE) + "</td></tr></table><p>After."
    text = (await extract_bytes(extractor, page.encode(), "text/html", "t.html")).segments[0].text
    assert text.split("\n\n") == [
        "Outer: Instrument: WFC3; Band: 200-1700 nm; Pixels: 16.8 million.",
        "After.",
    ]


async def test_tables_nested_a_hundred_thousand_deep_cost_linear_time(extractor):
    depth = 100_000
    page = b"<table><tr><td>" * depth + b"core" + b"</td></tr></table>" * depth
    text = (await extract_bytes(extractor, page, "text/html", "deep.html")).segments[0].text
    assert text == "core."
