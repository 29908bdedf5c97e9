"""The documents teams keep beside Word and PDF: scanned pages and pictures read by OCR, slide decks,
spreadsheets, CSV files and e-mails, each made at test time, through the text extractor with the
real OCR adapter; and what each does with hostile variants."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile
from email.message import EmailMessage

import pytest

from ragloom.adapters.rapidocr.recognizer import RapidOcrRecognizer, RapidOcrSettings
from ragloom.adapters.text_extract.extractor import TextExtractor
from ragloom.adapters.text_extract.media_types import SHEET, SLIDES, WORD, TextExtractSettings
from ragloom.contracts.testing.media_extractor import extract_bytes
from ragloom.core.errors import ExtractionFailed
from ragloom.core.media import resolve_media_type
from tests.helpers import documents
from tests.helpers.pdf import make_pdf

NOTICE = ["Fuel dock closes at 17:30", "Gangway code 5521"]


@pytest.fixture(scope="module")
def recognizer():
    return RapidOcrRecognizer(RapidOcrSettings())  # its models load once, for the module


@pytest.fixture
def extractor(recognizer):
    return TextExtractor(TextExtractSettings(), recognizer)


def squashed(text: str) -> str:
    """Text without its spaces: OCR may miss one between two words (its accuracy is measured by
    bench/ocr_pages.py, not here)."""
    return "".join(text.split())


def texts(extraction):
    return [(segment.location.page, segment.text) for segment in extraction.segments]


async def test_a_scanned_page_is_read_by_ocr_with_its_page_and_boxes(extractor):
    data = documents.scanned_pdf(
        [
            ["Harbour Safety Report", "Divers inspected pier nine on 3 March."],
            ["Next inspection: 14 September."],
        ]
    )
    found = await extract_bytes(extractor, data, "application/pdf", "scanned.pdf")
    assert [segment.location.page for segment in found.segments] == [1, 2]
    assert squashed("Divers inspected pier nine on 3 March.") in squashed(found.segments[0].text)
    assert squashed("Next inspection: 14 September.") in squashed(found.segments[1].text)
    assert len(found.segments[0].location.boxes) == 2
    left, top, right, bottom = found.segments[0].location.boxes[0]
    assert 100 <= left < right <= 1240 and 100 <= top < bottom <= 1754  # A4 at 150 dpi, in pixels


async def test_without_a_recognizer_a_scanned_page_stays_unread():
    data = documents.scanned_pdf([["Harbour Safety Report"]])
    assert (await extract_bytes(TextExtractor(), data, "application/pdf", "scanned.pdf")).segments == []


async def test_a_pdf_mixing_typed_and_scanned_pages_gives_both(extractor):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for source in (make_pdf(["The typed page names the harbour master."]), documents.scanned_pdf([NOTICE])):
        for page in PdfReader(io.BytesIO(source)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    found = await extract_bytes(extractor, buffer.getvalue(), "application/pdf", "mixed.pdf")
    assert [page for page, _ in texts(found)] == [1, 2]
    assert "harbour master" in found.segments[0].text
    assert "Gangway code 5521" in found.segments[1].text


async def test_a_picture_on_a_typed_pdf_page_is_read_as_text_of_that_page(extractor):
    from PIL import Image

    picture = Image.open(io.BytesIO(documents.text_picture(NOTICE)))
    page = Image.new("RGB", (1240, 1754), "white")
    page.paste(picture, (100, 900))
    scanned = io.BytesIO()
    page.save(scanned, "PDF", resolution=150)
    # a text layer on the same page: the typed page's content drawn over the scan
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=scanned)
    typed = make_pdf(["The typed text of this page says the marina opens in May."])
    writer.pages[0].merge_page(PdfReader(io.BytesIO(typed)).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    found = await extract_bytes(extractor, buffer.getvalue(), "application/pdf", "typed.pdf")
    joined = " ".join(text for _, text in texts(found))
    assert "marina opens in May" in joined and "Gangwaycode5521" in squashed(joined)
    assert {page for page, _ in texts(found)} == {1}


async def test_a_page_too_large_to_render_fails_naming_the_setting(extractor):
    with pytest.raises(ExtractionFailed, match="max_page_pixels"):
        await extract_bytes(extractor, documents.poster_pdf(40_000), "application/pdf", "poster.pdf")


async def test_more_scanned_pages_than_the_limit_fail_naming_the_setting(recognizer):
    extractor = TextExtractor(TextExtractSettings(max_ocr_pages=1), recognizer)
    with pytest.raises(ExtractionFailed, match="max_ocr_pages"):
        await extract_bytes(extractor, documents.scanned_pdf([["one"], ["two"]]), "application/pdf", "s.pdf")


async def test_a_deck_gives_each_slide_its_title_text_table_notes_and_pictures(extractor):
    data = documents.deck(
        [
            {"title": "Harbour fees", "body": ["Mooring a yacht costs 31 pounds a night."]},
            {
                "title": "Crew",
                "table": [["Role", "Duty"], ["Skipper", "Bridge"], ["Engineer", "Engine room"]],
                "notes": "Remind the crew that the muster point is the car deck.",
            },
        ],
        picture=documents.text_picture(NOTICE),
    )
    found = await extract_bytes(extractor, data, SLIDES, "briefing.pptx")
    assert found.title == "Harbour fees"
    pages = texts(found)
    assert pages[0] == (1, "Harbour fees\n\nMooring a yacht costs 31 pounds a night.")
    second = " ".join(text for page, text in pages if page == 2)
    for expected in ("Crew", "Skipper: Bridge.", "Speaker notes: Remind the crew", "Gangway code 5521"):
        assert expected in second


async def test_a_spreadsheet_row_is_a_line_with_its_sheet_row_and_headers(extractor):
    data = documents.workbook(
        {
            "Fees": [
                ["Fare", "Price"],
                ["Adult single", 17.85],
                ["Child single", 8.9],
                [None, None],
                ["Dog", 0],
            ],
            "Staff": [["Desk", "Opens"], ["Lost property", "09:00"]],
        }
    )
    found = await extract_bytes(extractor, data, SHEET, "fees.xlsx")
    assert texts(found) == [
        (
            1,
            "Sheet Fees, row 2: Fare: Adult single; Price: 17.85.\n\n"
            "Sheet Fees, row 3: Fare: Child single; Price: 8.9.\n\n"
            "Sheet Fees, row 5: Fare: Dog; Price: 0.",
        ),
        (2, "Sheet Staff, row 2: Desk: Lost property; Opens: 09:00."),
    ]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
async def test_a_csv_row_is_a_line_with_its_headers(extractor, separator):
    data = (
        separator.join(["Route", "Adult", "Child"]) + "\n" + separator.join(["Inchmurran", "17.85", "8.90"])
    )
    found = await extract_bytes(extractor, data.encode(), "text/csv", "fares.csv")
    assert texts(found) == [(None, "Row 2: Route: Inchmurran; Adult: 17.85; Child: 8.90.")]


async def test_an_email_gives_its_headers_and_body_and_hands_on_its_attachments(extractor):
    fares = "Route,Adult\nInchmurran,£17.85\n".encode("cp1252")
    forwarded = documents.mail("Gangway", "The gangway is closed until Friday.")
    data = documents.mail(
        "Winter timetable",
        "From January the first ferry leaves at 07:15.",
        attachments=[
            ("fares.csv", "text/csv; charset=windows-1252", fares),
            ("notice.png", "image/png", documents.text_picture(NOTICE)),
            ("tool.exe", "application/octet-stream", b"MZ\x90\x00binary"),
            ("gangway.eml", "message/rfc822", forwarded),
        ],
    )
    found = await extract_bytes(extractor, data, "message/rfc822", "winter.eml")
    assert found.title == "Winter timetable"
    message = found.segments[0].text
    for expected in (
        "From: Ailsa Grant <ailsa.grant@harbour.example>.",
        "Subject: Winter timetable.",
        "Attachments: fares.csv, notice.png, tool.exe.",
        "From January the first ferry leaves at 07:15.",
    ):
        assert expected in message
    assert [s.text for s in found.segments[1:]][-1].startswith("Attachment gangway.eml:\n\nFrom: ")
    assert "The gangway is closed until Friday." in found.segments[-1].text  # a forwarded message is read
    handed = {a.filename: a for a in found.attachments}
    assert list(handed) == ["fares.csv", "notice.png", "tool.exe"]  # each to be a document of its own
    assert (handed["fares.csv"].declared_type, handed["fares.csv"].data) == (
        "text/csv; charset=windows-1252",
        fares,
    )
    assert handed["notice.png"].data == documents.text_picture(NOTICE)


async def test_a_list_wrapped_email_hands_on_the_attachments_inside_its_parts(extractor):
    """A mailing list wraps the message with its footer: the message's parts sit inside a multipart
    part, which is no file; its attachment and its text come through, no empty multipart file."""
    inner = email.message_from_bytes(
        documents.mail(
            "Winter timetable",
            "Inner body text.",
            attachments=[("report.pdf", "application/pdf", documents.poster_pdf(40))],
        ),
        policy=email.policy.default,
    )
    wrapper = EmailMessage()
    wrapper["From"], wrapper["To"], wrapper["Subject"] = "list@harbour.example", "all@harbour.example", "Fwd"
    wrapper.make_mixed()
    wrapper.attach(_as_part(inner))
    footer = EmailMessage()
    footer.set_content("You receive this as a member of the harbour list.")
    wrapper.attach(footer)
    found = await extract_bytes(extractor, wrapper.as_bytes(), "message/rfc822", "wrapped.eml")
    assert [a.filename for a in found.attachments] == ["report.pdf"]
    assert found.attachments[0].data.startswith(b"%PDF")
    assert not any(a.declared_type.startswith("multipart/") for a in found.attachments)
    assert any("Inner body text." in segment.text for segment in found.segments)


def _as_part(message: EmailMessage) -> EmailMessage:
    """The message's own parts (body and attachments) as one multipart part of another message."""
    part = EmailMessage()
    part.set_type(message.get_content_type())
    part.set_boundary(message.get_boundary())
    part.set_payload(message.get_payload())
    return part


async def test_an_html_only_email_is_read_as_its_html(extractor):
    data = documents.mail("Notice", "", html="<html><body><p>The slipway is <b>closed</b>.</p></body></html>")
    data = data.replace(b"Content-Type: text/plain", b"Content-Type: text/x-unread")  # no plain part left
    found = await extract_bytes(extractor, data, "message/rfc822", "notice.eml")
    assert "The slipway is closed." in found.segments[0].text


async def test_a_picture_inside_a_word_document_is_read(extractor):
    data = documents.word_with_picture("The office map is below.", documents.text_picture(NOTICE))
    found = await extract_bytes(extractor, data, WORD, "map.docx")
    assert "The office map is below." in found.segments[0].text
    assert any("Gangway code 5521" in segment.text for segment in found.segments[1:])
    [picture] = found.pictures  # kept for an image embedder, pointing at the text read in it
    assert picture.inside and picture.jpeg.startswith(b"\xff\xd8")
    assert "Gangway code 5521" in found.segments[picture.segment].text


async def test_a_huge_picture_inside_a_word_document_is_left_unread_and_the_text_kept(extractor):
    from PIL import Image

    huge = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(huge, "PNG")  # 900 megapixels, a few hundred kB
    data = documents.word_with_picture("The text around the picture stays.", huge.getvalue())
    found = await extract_bytes(extractor, data, WORD, "bomb.docx")
    assert texts(found) == [(None, "The text around the picture stays.")]


@pytest.mark.parametrize(
    ("made", "claimed", "expected"),
    [
        (lambda: documents.deck([{"title": "Harbour fees"}]), WORD, "Harbour fees"),
        (lambda: documents.workbook({"Fees": [["Fare", "Price"], ["Adult", 3]]}), WORD, "Price: 3"),
    ],
)
async def test_an_office_file_is_read_as_what_its_parts_show(extractor, made, claimed, expected):
    """A deck or a sheet named .docx (or sent as Word) is read as a deck or a sheet."""
    data = made()
    found = await extract_bytes(extractor, data, resolve_media_type(claimed, data[:4096]), "named.docx")
    assert expected in " ".join(text for _, text in texts(found))


async def test_a_zip_that_is_no_office_file_fails_with_a_reason(extractor):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ExtractionFailed) as failed:
        await extract_bytes(extractor, buffer.getvalue(), WORD, "x.docx")
    assert "not a zip archive with a Word document" in failed.value.message
    assert "object at 0x" not in failed.value.message


@pytest.mark.parametrize(("kind", "media_type"), [("pptx", SLIDES), ("xlsx", SHEET)])
async def test_a_zip_bomb_deck_or_sheet_fails_naming_the_limit(extractor, kind, media_type):
    with pytest.raises(ExtractionFailed, match="max_expanded_bytes"):
        await extract_bytes(extractor, documents.zip_bomb(kind), media_type, f"bomb.{kind}")


async def test_a_million_empty_rows_fail_naming_the_limit(extractor):
    with pytest.raises(ExtractionFailed, match="max_rows"):
        await extract_bytes(extractor, documents.empty_rows(1_000_000), SHEET, "empty.xlsx")


async def test_a_csv_over_the_row_limit_fails_naming_it(recognizer):
    extractor = TextExtractor(TextExtractSettings(max_rows=10), recognizer)
    data = b"a,b\n" + b"1,2\n" * 20
    with pytest.raises(ExtractionFailed, match="max_rows"):
        await extract_bytes(extractor, data, "text/csv", "long.csv")


async def test_a_mail_with_a_thousand_attachments_fails_naming_the_limit(extractor):
    data = documents.mail("Many", "body", attachments=[(f"{n}.txt", "text/plain", b"x") for n in range(1000)])
    with pytest.raises(ExtractionFailed, match="max_attachments"):
        await extract_bytes(extractor, data, "message/rfc822", "many.eml")


async def test_a_message_nested_too_deep_fails(extractor):
    data = documents.mail("innermost", "deep")
    for level in range(5):
        data = documents.mail(
            f"level {level}", "wrapper", attachments=[("inner.eml", "message/rfc822", data)]
        )
    with pytest.raises(ExtractionFailed, match="deep"):
        await extract_bytes(extractor, data, "message/rfc822", "nested.eml")


async def test_a_cell_reads_as_its_number_format_shows_it(extractor):
    """A price formatted as pounds reads as one, so a question about a price finds one."""
    data = documents.workbook(
        {"Fees": [["Fare", "Price", "Discount"], ["Adult single", 17.85, 0.15]]},
        formats={"B": '"£"#,##0.00', "C": "0%"},
    )
    found = await extract_bytes(extractor, data, SHEET, "fees.xlsx")
    assert texts(found) == [(1, "Sheet Fees, row 2: Fare: Adult single; Price: £17.85; Discount: 15%.")]


async def test_scanned_pages_can_be_read_by_the_text_recognizer_instead(recognizer):
    extractor = TextExtractor(TextExtractSettings(page_ocr="text_recognizer"), recognizer)
    data = documents.scanned_pdf([["Harbour Safety Report"]], dpi=200)
    found = await extract_bytes(extractor, data, "application/pdf", "scanned.pdf")
    assert squashed("Harbour Safety Report") in squashed(found.segments[0].text)


async def test_a_scan_with_a_scant_text_layer_is_read_once_by_ocr(extractor):
    """A scanned page that carries a stamp of text (a page number) is read by OCR, and what OCR
    reads stands for the page: its words are not indexed twice."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(documents.scanned_pdf([NOTICE])))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(make_pdf(["7"]))).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    found = await extract_bytes(extractor, buffer.getvalue(), "application/pdf", "stamped.pdf")
    assert len(found.segments) == 1 and found.segments[0].location.page == 1
    assert squashed("Gangway code 5521") in squashed(found.segments[0].text)
