"""Masking found personal data, the same way for every scrubber: overlapping findings merge into one
masked span (named after the surest finding), replaced by a type tag (`<EMAIL_ADDRESS>`) or by a
pseudonym that stays the same for the same value within one tenant (`<PERSON_5f2a91c0>`)."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .models import Mask, Scrubbed, TenantId


@dataclass(frozen=True, slots=True)
class Finding:
    start: int
    end: int
    entity: str
    score: float


def _merged(findings: Sequence[Finding]) -> list[Finding]:
    """Overlapping findings as one span each, typed by the highest-scoring (then longest) finding."""
    merged: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            surest = max((last, finding), key=lambda f: (f.score, f.end - f.start))
            merged[-1] = Finding(last.start, max(last.end, finding.end), surest.entity, surest.score)
        else:
            merged.append(finding)
    return merged


_CUTS = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ")


def windows(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, piece) cuts of `text`, each at most `limit` characters, so a scrubber's model
    never sees a whole large document at once. Cuts fall at the last paragraph break in the
    window's second half, else the last line break, sentence end, clause end or space there, so a
    name or number is not cut in two."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = next(
            (at + len(mark) for mark in _CUTS if (at := window.rfind(mark, limit // 2)) != -1),
            limit,
        )
        pieces.append((start, window[:cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def pseudonym(key: bytes, tenant: TenantId, entity: str, value: str) -> str:
    """A stable token for a value: the same within a tenant, unrelated across tenants."""
    normal = " ".join(value.split()).casefold()
    digest = hmac.new(key, f"{tenant}\x00{entity}\x00{normal}".encode(), hashlib.sha256).hexdigest()
    return f"<{entity}_{digest[:8]}>"


def masked(
    text: str, findings: Sequence[Finding], *, tenant: TenantId, pseudonym_key: bytes | None = None
) -> Scrubbed:
    """The text with each finding replaced; counts per entity type. With `pseudonym_key`, values
    become per-tenant pseudonyms, otherwise type tags."""
    pieces: list[str] = []
    counts: Counter[str] = Counter()
    masks: list[Mask] = []
    cursor = length = 0
    for finding in _merged(findings):
        pieces.append(text[cursor : finding.start])
        length += finding.start - cursor
        value = text[finding.start : finding.end]
        if pseudonym_key is None:
            pieces.append(f"<{finding.entity}>")
        else:
            pieces.append(pseudonym(pseudonym_key, tenant, finding.entity, value))
        masks.append(Mask(finding.start, finding.end, finding.entity, length, length + len(pieces[-1])))
        length += len(pieces[-1])
        counts[finding.entity] += 1
        cursor = finding.end
    pieces.append(text[cursor:])
    return Scrubbed("".join(pieces), dict(counts), tuple(masks))
