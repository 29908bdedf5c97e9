"""Images made at test time: rendered text (large, small, rotated) and a decompression bomb."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font(size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size=size)


def sign(lines: list[str], *, small: str | None = None, rotated: str | None = None) -> Image.Image:
    """A white sign with `lines` in large type, `small` in small type below them, and `rotated`
    running up its right edge."""
    image = Image.new("RGB", (900, 120 + 60 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 30 + 60 * i), line, fill="black", font=_font(30))
    if small:
        draw.text((30, 50 + 60 * len(lines)), small, fill="black", font=_font(15))
    if rotated:
        strip = Image.new("RGB", (20 * len(rotated), 50), "white")
        ImageDraw.Draw(strip).text((5, 8), rotated, fill="black", font=_font(28))
        turned = strip.rotate(90, expand=True)
        canvas = Image.new(
            "RGB", (image.width + turned.width + 20, max(image.height, turned.height)), "white"
        )
        canvas.paste(image, (0, 0))
        canvas.paste(turned, (image.width + 10, 0))
        image = canvas
    return image


def encoded(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid black-and-white PNG of width x height pixels: about 100 KB at the default size,
    which a decoder expands to width * height pixels (900 million)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte 0, then the row's pixels, one bit each
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def slide(number: int) -> Image.Image:
    """A 1280 x 720 presentation slide: a title and four bullet lines that differ with `number`."""
    image = Image.new("RGB", (1280, 720), "white")
    draw = ImageDraw.Draw(image)
    draw.text((80, 60), f"Quarterly review, part {number}", fill="black", font=_font(54))
    for i, line in enumerate(
        [
            f"Harbour traffic grew by {number + 3} percent",
            f"Crane {number} was serviced in week {number + 10}",
            "Dredging of the north basin continues",
            f"Next review on day {number + 20} of the quarter",
        ]
    ):
        draw.text((110, 220 + 100 * i), f"- {line}", fill="black", font=_font(38))
    return image
