"""Office files, e-mails and scanned pages made at test time (nothing committed), with known text."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile
from collections.abc import Sequence
from email.message import EmailMessage

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_picture(lines: Sequence[str], size: tuple[int, int] = (1000, 240), points: int = 40) -> bytes:
    """A PNG of black lines of text on white, as a photographed notice."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, points)
    for i, line in enumerate(lines):
        draw.text((24, 24 + i * int(points * 1.6)), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def scanned_pdf(pages: Sequence[Sequence[str]], dpi: int = 150) -> bytes:
    """An image-only PDF, as an office scanner makes: each page an A4 picture of its lines."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    font = ImageFont.truetype(FONT, max(12, dpi * 11 // 72))
    images = []
    for lines in pages:
        image = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((dpi, dpi + i * dpi * 22 // 72), line, fill="black", font=font)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def deck(slides: Sequence[dict], picture: bytes | None = None) -> bytes:
    """A .pptx: each slide a dict of title, body lines, table rows and notes; `picture` on the last."""
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    for number, content in enumerate(slides, start=1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
        slide.shapes.title.text = content.get("title", "")
        if content.get("body"):
            box = slide.shapes.add_textbox(Inches(1), Inches(1.6), Inches(8), Inches(1.5))
            box.text_frame.text = "\n".join(content["body"])
        if content.get("table"):
            rows = content["table"]
            shape = slide.shapes.add_table(
                len(rows), len(rows[0]), Inches(1), Inches(3.2), Inches(8), Inches(2)
            )
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    shape.table.cell(r, c).text = value
        if content.get("notes"):
            slide.notes_slide.notes_text_frame.text = content["notes"]
        if picture is not None and number == len(slides):
            slide.shapes.add_picture(io.BytesIO(picture), Inches(1), Inches(5.4), width=Inches(6))
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def workbook(sheets: dict[str, Sequence[Sequence[object]]], formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx with the given sheets' rows; `formats` gives columns (by letter) a number format."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for column, number_format in (formats or {}).items():
            for cell in sheet[column][1:]:
                cell.number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def word_with_picture(paragraph: str, picture: bytes) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(paragraph)
    document.add_picture(io.BytesIO(picture))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def mail(
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    html: str | None = None,
    sender: str = "Ailsa Grant <ailsa.grant@harbour.example>",
) -> bytes:
    """An .eml; attachments as (file name, media type (with a charset, if wanted), bytes)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "operations@harbour.example"
    message["Subject"] = subject
    message["Date"] = "Mon, 07 Dec 2026 09:00:00 +0000"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, media_type, data in attachments:
        if media_type == "message/rfc822":  # a forwarded message, attached whole
            message.add_attachment(email.message_from_bytes(data, policy=email.policy.default), filename=name)
            continue
        maintype, rest = media_type.split("/", 1)
        subtype, _, charset = rest.partition("; charset=")
        params = {"charset": charset} if charset else None
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name, params=params)
    return message.as_bytes()


def zip_bomb(kind: str) -> bytes:
    """A deck or sheet with one more part that inflates to 300 MB of zeros (a few hundred kB)."""
    data = deck([{"title": "x"}]) if kind == "pptx" else workbook({"S": [["a", "b"]]})
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            archive.writestr(member, source.read(member))
        with archive.open("docProps/padding.bin", "w") as padding:
            for _ in range(300):
                padding.write(bytes(1 << 20))
    return buffer.getvalue()


def empty_rows(count: int) -> bytes:
    """An .xlsx whose one sheet holds `count` empty rows after its header."""
    rows = "".join(f'<row r="{n}"/>' for n in range(2, count + 2))
    source = zipfile.ZipFile(io.BytesIO(workbook({"S": [["a", "b"]]})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            archive.writestr(member, content)
    return buffer.getvalue()


def poster_pdf(points: int) -> bytes:
    """A one-page PDF of `points` x `points` points with no text: a scan no scanner makes."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=points, height=points)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def many_attachments(count: int) -> bytes:
    return mail("Many", "body", attachments=[(f"{n}.txt", "text/plain", b"x") for n in range(count)])
