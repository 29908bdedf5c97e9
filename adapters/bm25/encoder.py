"""BM25 document and query vectors with ids that are the same in every process (a hash of the term)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache

import Stemmer

from ragloom.core.models import SparseVector
from ragloom.core.stopwords import ENGLISH_STOPWORDS

from .settings import Bm25Settings

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1 << 16)
def term_id(term: str) -> int:
    """A 31-bit id from the term's bytes: stable across processes and machines."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little") & 0x7FFFFFFF


class Bm25Encoder:
    def __init__(self, settings: Bm25Settings) -> None:
        self._settings = settings
        self._stemmer = None if settings.language == "none" else Stemmer.Stemmer(settings.language)
        self._stopwords = ENGLISH_STOPWORDS if settings.stopwords else frozenset()

    def terms(self, text: str) -> list[str]:
        s = self._settings
        tokens = [
            t for t in _TOKEN.findall(text.lower()) if s.min_token_length <= len(t) <= s.max_token_length
        ]
        tokens = [t for t in tokens if t not in self._stopwords]
        return self._stemmer.stemWords(tokens) if self._stemmer else tokens

    def _document(self, text: str) -> SparseVector:
        terms = self.terms(text)
        counts = Counter(term_id(t) for t in terms)
        k1, b = self._settings.k1, self._settings.b
        norm = k1 * (1 - b + b * len(terms) / self._settings.average_length)
        ids = sorted(counts)
        return SparseVector(ids, [counts[i] * (k1 + 1) / (counts[i] + norm) for i in ids])

    def encode_documents(self, texts: Sequence[str]) -> Sequence[SparseVector]:
        return [self._document(text) for text in texts]

    def encode_query(self, text: str) -> SparseVector:
        ids = sorted({term_id(t) for t in self.terms(text)})
        return SparseVector(ids, [1.0] * len(ids))


@asynccontextmanager
async def open_sparse_encoder(settings: Bm25Settings) -> AsyncIterator[Bm25Encoder]:
    yield Bm25Encoder(settings)
