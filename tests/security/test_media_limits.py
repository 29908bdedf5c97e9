"""Limits the extractors check before they decode or parse, on hostile files made here: what a
file declares is judged first (frame size, frame rate, length), and what it expands to is counted
as it is read, so a small file cannot cost gigabytes. Each refusal names its setting."""

from __future__ import annotations

import io

import docx
import pytest

from ragloom.adapters.pyav.video import keyframes
from ragloom.adapters.pyav.video_settings import VideoSettings
from ragloom.adapters.text_extract import formats
from ragloom.adapters.text_extract.media_types import TextExtractSettings
from ragloom.core.errors import ExtractionFailed
from tests.helpers.hostile import docx_entity_expansion, docx_lying_sizes, video_of_size


def _budget(**limits) -> formats.Budget:
    return formats.Budget(TextExtractSettings(**limits))


def test_a_video_whose_frames_are_too_large_fails_before_a_frame_is_decoded(tmp_path):
    video = video_of_size(tmp_path / "wide.mp4", 1280, 720)
    with pytest.raises(
        ExtractionFailed, match=r"1280 x 720 pixels, over the limit of 640000 .*video.max_pixels"
    ):
        keyframes(video, VideoSettings(max_pixels=640_000))
    chosen, seconds = keyframes(video, VideoSettings())
    assert len(chosen) >= 1 and seconds >= 1


def test_a_video_declaring_too_many_frames_per_second_or_seconds_fails_before_decoding(tmp_path):
    video = video_of_size(tmp_path / "fast.mp4", 64, 64, seconds=3, fps=120)
    with pytest.raises(
        ExtractionFailed, match=r"120 frames per second, over the limit of 60 .*max_frame_rate"
    ):
        keyframes(video, VideoSettings(max_frame_rate=60))
    with pytest.raises(ExtractionFailed, match=r"3 s long, over the limit of 2 s .*video.max_seconds"):
        keyframes(video, VideoSettings(max_seconds=2))


def _word_file(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_file_is_read_from_what_was_counted_while_decompressing():
    data = _word_file(["The ferry Saltmarsh Queen sails at nine.", "Fares are paid on board."])
    extraction = formats.word(data, _budget())
    assert "Saltmarsh Queen" in extraction.segments[0].text
    with pytest.raises(ExtractionFailed, match=r"expands to over 2000 bytes .*max_expanded_bytes"):
        formats.word(data, _budget(max_expanded_bytes=2000))


def test_a_word_file_whose_parts_lie_about_their_size_is_damaged_not_inflated():
    """Its headers declare 2,000 bytes for a part that inflates to 200 MB: python-docx, given the
    original, would inflate all of it at once, past every declared size."""
    data = docx_lying_sizes(200_000_000, 2000)
    with pytest.raises(
        ExtractionFailed, match=r"the Word document is damaged: Bad CRC-32 for file 'word/document.xml'"
    ):
        formats.word(data, _budget())


def test_a_word_file_declaring_entities_fails_with_a_reason():
    with pytest.raises(ExtractionFailed, match=r"not well-formed XML .*entity declarations.* are refused"):
        formats.word(docx_entity_expansion(), _budget())


def test_a_word_file_that_is_not_a_zip_says_so():
    with pytest.raises(
        ExtractionFailed, match=r"the Word document could not be read: it is not a zip archive"
    ):
        formats.word(b"PK\x03\x04 not really", _budget())


def test_html_attributes_are_limited_per_element_per_tag_and_per_page():
    ordinary = '<p class="note" id="n1" data-x="1">Tide tables are posted at the pier.</p>'
    assert "Tide tables" in formats.html(ordinary, _budget()).segments[0].text
    many = "<p " + " ".join(f'a{i}=""' for i in range(50)) + ">x</p>"
    with pytest.raises(ExtractionFailed, match=r"50 attributes, over the limit of 20 .*text.max_attributes"):
        formats.html(many, _budget(max_attributes=20))
    # quoted ">" inside the values: the tag ends only where the parser's own pattern says
    long = "<p " + " ".join(f'a{i}=">"' for i in range(30_000)) + ">x</p>"
    with pytest.raises(ExtractionFailed, match=r"start tag of over 65536 bytes .*text.max_tag_bytes"):
        formats.html(long, _budget(max_tag_bytes=65_536))
    tags = '<p data-note="' + "y" * 500 + '">z</p>'
    with pytest.raises(ExtractionFailed, match=r"over 20000 bytes .*text.max_attribute_bytes"):
        formats.html(tags * 100, _budget(max_attribute_bytes=20_000))
    assert formats.html(tags * 10, _budget(max_attribute_bytes=20_000)).segments[0].text.count("z") == 10
