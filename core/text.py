"""Plain-text helpers shared by the chunker and text-only adapters (stdlib only)."""

from __future__ import annotations

import re
from collections.abc import Sequence

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def normalize_space(text: str) -> str:
    """Collapse runs of blanks, keep paragraph breaks, strip each line."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def read_lines(lines: Sequence[str]) -> str:
    """Lines read off a picture (OCR) as text: a line that goes on from the one before (which ends
    without punctuation, while this one starts in lower case) is joined to it; every other line is
    a paragraph of its own, so a sign's label stays with its value and apart from the next label."""
    out = ""
    for line in (" ".join(line.split()) for line in lines):
        if not line:
            continue
        goes_on = out and out[-1] not in ".!?:;" and line[0].islower()
        out += (" " if goes_on else "\n\n") + line if out else line
    return out


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends and blank lines; keeps every character of the text but blanks."""
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [" ".join(part.split()) for part in parts if part and part.strip()]


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def word_count(text: str) -> int:
    return len(text.split())
