"""Sentence-aware chunking with overlap; the title can be carried into what is embedded."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import Chunk, Location, Segment
from .text import split_sentences, word_count


@dataclass(frozen=True, slots=True)
class ChunkingPolicy:
    """Sizes are in words. A sentence longer than `max_words` is cut at word boundaries. A chunk of a
    transcript also spans at most `max_seconds` (or one segment), so its citation points near the
    moment something was said."""

    max_words: int = 180
    overlap_words: int = 40
    include_title: bool = True
    max_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.max_words < 8:
            raise ValueError("chunking.max_words must be at least 8")
        if not 0 <= self.overlap_words < self.max_words:
            raise ValueError("chunking.overlap_words must be >= 0 and below max_words")
        if self.max_seconds <= 0:
            raise ValueError("chunking.max_seconds must be above 0")


def _bounded_sentences(text: str, max_words: int) -> Iterable[str]:
    for sentence in split_sentences(text):
        tokens = sentence.split()
        for start in range(0, len(tokens), max_words):
            yield " ".join(tokens[start : start + max_words])


def _join(sentences: Sequence[str]) -> str:
    """Sentences joined by spaces; a heading or list line (no end punctuation) keeps a blank line."""
    out = ""
    for sentence in sentences:
        if out:
            out += " " if out[-1] in ".!?…:;\"')]" else "\n\n"
        out += sentence
    return out


def _pack(sentences: Sequence[str], policy: ChunkingPolicy) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in sentences:
        n = word_count(sentence)
        if current and size + n > policy.max_words:
            chunks.append(_join(current))
            carried: list[str] = []
            carried_size = 0
            for previous in reversed(current):
                m = word_count(previous)
                if carried_size + m > policy.overlap_words:
                    break
                carried.insert(0, previous)
                carried_size += m
            current, size = carried, carried_size
        current.append(sentence)
        size += n
    if current:
        chunks.append(_join(current))
    return chunks


def _chunk(
    ordinal: int,
    text: str,
    title: str,
    policy: ChunkingPolicy,
    location: Location,
) -> Chunk:
    embed_text = embedding_text(title, text, policy)
    return Chunk(ordinal=ordinal, text=text, embed_text=embed_text, location=location)


def embedding_text(title: str, text: str, policy: ChunkingPolicy) -> str:
    """What a chunk's vectors are made from: its text, after its document's title when configured."""
    return f"{title}\n{text}" if policy.include_title and title else text


def _seconds(value: float | None) -> float:
    return value or 0.0


def _timed_chunks(segments: Sequence[Segment], title: str, policy: ChunkingPolicy) -> list[Chunk]:
    """Transcript segments packed whole into chunks of up to `max_words`, each chunk spanning from its
    first segment's start to its last segment's end (overlap: trailing segments carried over). A
    chunk holds one track of a video: what was said, or what was shown (named by its first frame)."""
    chunks: list[Chunk] = []
    current: list[Segment] = []
    size = 0

    def emit() -> None:
        text = " ".join(segment.text.strip() for segment in current)
        first, last = current[0].location, current[-1].location
        location = Location(
            start_seconds=first.start_seconds,
            end_seconds=last.end_seconds,
            track=first.track,
            frame=first.frame,
            boxes=[box for segment in current for box in segment.location.boxes],
        )
        chunks.append(_chunk(len(chunks), text, title, policy, location))

    def too_long(first: Segment, last: Segment) -> bool:
        span = _seconds(last.location.end_seconds) - _seconds(first.location.start_seconds)
        return span > policy.max_seconds

    for segment in (s for s in segments if s.text.strip()):
        words = word_count(segment.text)
        if current and segment.location.track != current[-1].location.track:  # speech and frames apart
            emit()
            current, size = [], 0
        if current and (size + words > policy.max_words or too_long(current[0], segment)):
            emit()
            carried: list[Segment] = []
            for previous in reversed(current):
                if sum(word_count(s.text) for s in carried) + word_count(
                    previous.text
                ) > policy.overlap_words or too_long(previous, segment):
                    break
                carried.insert(0, previous)
            current, size = carried, sum(word_count(s.text) for s in carried)
        current.append(segment)
        size += words
    if current:
        emit()
    return chunks


def chunk_segments(segments: Sequence[Segment], title: str, policy: ChunkingPolicy) -> list[Chunk]:
    """Chunks in reading order. A chunk never spans two pages, so pages stay exact; timed segments
    (a transcript) are packed whole, so each chunk keeps the seconds it spans."""
    if segments and all(segment.location.start_seconds is not None for segment in segments):
        by_track = sorted(segments, key=lambda s: s.location.track or "")  # stable: time order stays
        return _timed_chunks(by_track, title, policy)
    chunks: list[Chunk] = []
    for segment in segments:
        sentences = list(_bounded_sentences(segment.text, policy.max_words))
        for text in _pack(sentences, policy):
            chunks.append(_chunk(len(chunks), text, title, policy, segment.location))
    return chunks
