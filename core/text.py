"""Plain-text helpers shared by the chunker and text-only adapters (stdlib only)."""

from __future__ import annotations

import re

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


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends and blank lines; keeps every character of the text but blanks."""
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [" ".join(part.split()) for part in parts if part and part.strip()]


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def word_count(text: str) -> int:
    return len(text.split())
