"""Evidence that disagrees with itself: two documents that say nearly the same thing with different
values (an older and a newer notice). The answer takes the newer one and names the older one."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..models import DocumentId, SearchHit
from ..text import split_sentences, words

NEAR_DUPLICATE = 0.6  # share of distinct words two passages have in common (Jaccard)
SAME_SENTENCE = 0.4  # ... two sentences have in common, to be versions of one


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Passage `older` (a marker) is superseded by passage `newer`; `older_says` is what it says instead."""

    newer: int
    older: int
    older_title: str
    older_says: str


def _only_in(text: str, other: str) -> list[str]:
    theirs = set(split_sentences(other))
    return [sentence for sentence in split_sentences(text) if sentence not in theirs]


def _adds(text: str, other: str) -> bool:
    """Whether `text` says something `other` does not: a sentence `other` lacks, with a word of its
    own (a changed value), not merely worded or split differently."""
    theirs = set(words(other))
    return any(set(words(sentence)) - theirs for sentence in _only_in(text, other))


def _shared(a: str, b: str) -> float:
    """The share of their distinct words two texts have in common (Jaccard; 0 for two empty texts)."""
    first, second = set(words(a)), set(words(b))
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def near_duplicates(a: str, b: str) -> bool:
    return _shared(a, b) >= NEAR_DUPLICATE


NOTE_START = " Note: an older document"
_MARKER = re.compile(r"\s*\[\d+\]")


def answered_by(found: Sequence[Disagreement], answer: str) -> list[Disagreement]:
    """The disagreements the answer stands on: it cites the newer passage, and one of its sentences
    is the newer version of what the older passage says otherwise. Two notices may differ in one
    sentence only; an answer quoting another of their sentences needs no note."""
    cited = {int(marker) for marker in re.findall(r"\[(\d+)\]", answer)}
    said = split_sentences(_MARKER.sub("", answer))
    return [d for d in found if d.newer in cited and any(_alike(sentence, d.older_says) for sentence in said)]


def _alike(a: str, b: str) -> bool:
    """Two versions of one sentence: most of their distinct words shared (a changed value or two
    aside: "Car and driver: £41.20 single." and "... £38.50 single.")."""
    return _shared(a, b) >= SAME_SENTENCE


def note(disagreements: Sequence[Disagreement]) -> str:
    """The words that tell the reader the sources disagree, citing the older ones."""
    return "".join(
        f'{NOTE_START}, "{d.older_title}" [{d.older}], says otherwise: "{d.older_says}"'
        for d in disagreements
    )


async def disagreements(
    hits: Sequence[SearchHit], created: Callable[[set[DocumentId]], Awaitable[dict[DocumentId, datetime]]]
) -> list[Disagreement]:
    """The superseded passages among `hits` (markers count from 1). Two passages of different
    documents disagree when they are near-duplicates and each says something the other does not (a
    sentence with a word of its own); the document created later wins. `created` gives the creation
    times of the documents asked for."""
    pairs = []
    for i, first in enumerate(hits, start=1):
        for j, second in enumerate(hits[i:], start=i + 1):
            a, b = first.payload, second.payload
            if a.document_id == b.document_id or not near_duplicates(a.text, b.text):
                continue
            if _adds(a.text, b.text) and _adds(b.text, a.text):
                pairs.append((i, j))
    if not pairs:
        return []
    times = await created({hits[k - 1].payload.document_id for pair in pairs for k in pair})
    found: dict[int, Disagreement] = {}
    for i, j in pairs:
        ids = hits[i - 1].payload.document_id, hits[j - 1].payload.document_id
        if ids[0] not in times or ids[1] not in times or times[ids[0]] == times[ids[1]]:
            continue
        newer, older = (i, j) if times[ids[0]] > times[ids[1]] else (j, i)
        if older in found:
            continue
        older_text, newer_text = hits[older - 1].payload.text, hits[newer - 1].payload.text
        found[older] = Disagreement(
            newer, older, hits[older - 1].payload.title, _counterpart(older_text, newer_text)
        )
    return sorted(found.values(), key=lambda d: d.older)


def _counterpart(older: str, newer: str) -> str:
    """The older passage's sentence that most resembles what only the newer one says."""
    changed = set(words(" ".join(_only_in(newer, older))))
    return max(_only_in(older, newer), key=lambda sentence: len(changed & set(words(sentence))))
