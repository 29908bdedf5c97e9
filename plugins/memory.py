"""In-memory fakes, selectable by name `memory` (and `hashing` for the embedder): tests and demos."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.adapters.memory.chat_model import EchoChatModel
from ragloom.adapters.memory.embedder import HashingEmbedder
from ragloom.adapters.memory.image_embedder import HashingImageEmbedder
from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.adapters.memory.scrubber import EmailScrubber
from ragloom.adapters.memory.semantic_cache import InMemorySemanticCache
from ragloom.adapters.memory.signer import HmacSigner
from ragloom.adapters.memory.vector_index import InMemoryVectorIndex
from ragloom.contracts import AdapterSpec, Port, hookimpl
from ragloom.contracts.spec import NoSettings

NOTE = "in memory, lost at exit (tests and demos)"


class DimensionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dense_dimension: int = Field(
        384, ge=1, description="length of the vectors: each word is hashed into one of this many buckets"
    )


class IndexSettings(DimensionSettings):
    dense_dimension: int = Field(
        384, ge=1, description="length of the dense vectors; ragloom sets it from the text embedder"
    )
    image_dimension: int | None = Field(None, ge=1, description="length of picture vectors; unset: none")


class ImageDimensionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimension: int = Field(64, ge=1, description="length of the vectors hashed from image bytes or text")


class CacheSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(0.95, gt=0, le=1, description="cosine similarity a cached query must reach")
    ttl_seconds: float = Field(86_400, gt=0, description="how long an answer is kept")
    max_entries: int = Field(1_000, ge=1, description="answers kept per tenant (the oldest go first)")


def _yielding(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @asynccontextmanager
    async def factory(settings: Any) -> AsyncIterator[Any]:
        yield build(settings)

    return factory


@asynccontextmanager
async def _memory_index(
    settings: IndexSettings, space: str | None = None
) -> AsyncIterator[InMemoryVectorIndex]:
    """Each opening is a new, empty index, whatever its embedding space."""
    yield InMemoryVectorIndex(settings.dense_dimension, image_dimension=settings.image_dimension)


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(Port.BLOB_STORE, "memory", _yielding(lambda s: InMemoryBlobStore()), NoSettings, NOTE),
        AdapterSpec(
            Port.METADATA_STORE, "memory", _yielding(lambda s: InMemoryMetadataStore()), NoSettings, NOTE
        ),
        AdapterSpec(
            Port.AUDIT_SIGNER,
            "memory",
            _yielding(lambda s: HmacSigner()),
            NoSettings,
            "HMAC, random key: " + NOTE,
        ),
        AdapterSpec(
            Port.VECTOR_INDEX,
            "memory",
            _memory_index,
            IndexSettings,
            NOTE,
        ),
        AdapterSpec(
            Port.TEXT_EMBEDDER,
            "hashing",
            _yielding(lambda s: HashingEmbedder(s.dense_dimension)),
            DimensionSettings,
            "hashed bag of words, no model: lexical only (tests)",
        ),
        AdapterSpec(
            Port.IMAGE_EMBEDDER,
            "hashing",
            _yielding(lambda s: HashingImageEmbedder(s.dimension)),
            ImageDimensionSettings,
            "hashed image bytes, no model (tests)",
        ),
        AdapterSpec(Port.CHAT_MODEL, "memory", _yielding(lambda s: EchoChatModel()), NoSettings, NOTE),
        AdapterSpec(
            Port.SEMANTIC_CACHE,
            "memory",
            _yielding(
                lambda s: InMemorySemanticCache(
                    s.threshold, ttl_seconds=s.ttl_seconds, max_entries=s.max_entries
                )
            ),
            CacheSettings,
            "in this process, lost at exit (the embedded profile)",
        ),
        AdapterSpec(
            Port.PII_SCRUBBER,
            "memory",
            _yielding(lambda s: EmailScrubber()),
            NoSettings,
            "e-mails only: " + NOTE,
        ),
    ]
