"""Contract tests every TextRecognizer passes. Subclasses provide an async fixture `adapter`. The
pictures are drawn with Pillow's bundled font, as RGB arrays (numpy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ragloom.core.models import TextLine

WIDTH, HEIGHT = 900, 320


def picture(lines: Sequence[str] = ()) -> Any:
    """Black lines of text on white, one under the other, as a height x width x 3 uint8 array."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    for row, line in enumerate(lines):
        draw.text((40, 40 + row * 130), line, fill="black", font=font)
    return np.asarray(image)


def _words(lines: Sequence[TextLine]) -> str:
    return " ".join(line.text for line in lines).lower()


class TextRecognizerContract:
    async def test_reads_the_lines_written_in_a_picture_in_reading_order(self, adapter: Any) -> None:
        lines = list(await adapter.recognize(picture(["Harbour crane", "Gate code 7731"])))
        assert all(isinstance(line, TextLine) for line in lines)
        words = _words(lines)
        assert "harbour" in words and "7731" in words
        assert words.index("harbour") < words.index("7731")

    async def test_each_line_has_a_box_inside_the_picture(self, adapter: Any) -> None:
        lines = list(await adapter.recognize(picture(["Harbour crane", "Gate code 7731"])))
        assert lines
        for line in lines:
            left, top, right, bottom = line.box
            assert 0 <= left < right <= WIDTH and 0 <= top < bottom <= HEIGHT
        first = next(line for line in lines if "harbour" in line.text.lower())
        last = next(line for line in lines if "7731" in line.text)
        assert first.box[3] <= last.box[1] + 5  # the first line sits above the second

    async def test_a_picture_with_nothing_written_gives_no_lines(self, adapter: Any) -> None:
        assert list(await adapter.recognize(picture())) == []
