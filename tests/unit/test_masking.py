"""Cutting text into windows for a scrubber's model: bounded, complete, and cut between words."""

import pytest

from ragloom.core.masking import windows


@pytest.mark.parametrize("limit", [50, 64, 200, 10_000])
def test_windows_cover_the_text_exactly_within_the_limit(limit):
    text = "First paragraph, with a clause. A second sentence!\n\nNext paragraph here.\n" * 20
    pieces = windows(text, limit)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= limit for _, piece in pieces)
    assert [offset for offset, _ in pieces] == [
        sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))
    ]


def test_cuts_prefer_paragraphs_then_sentences_then_spaces():
    assert windows("aaaa bbbb.\n\ncccc dddd", 16)[0][1] == "aaaa bbbb.\n\n"
    assert windows("aaaa bbbb. cccc dddd", 16)[0][1] == "aaaa bbbb. "
    assert windows("aaaa bbbbbb cccc dddd", 16)[0][1] == "aaaa bbbbbb "
    assert windows("x" * 40, 16)[0][1] == "x" * 16  # no boundary at all: a hard cut
    assert windows("", 16) == [(0, "")]
