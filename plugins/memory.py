"""In-memory fakes, selectable by name `memory` (and `hashing` for the embedder): tests and demos."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel, ConfigDict

from ragloom.adapters.memory.audit import InMemoryAuditLog
from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.adapters.memory.embedder import HashingEmbedder
from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.adapters.memory.vector_index import InMemoryVectorIndex
from ragloom.contracts import AdapterSpec, Port, hookimpl


class MemorySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dense_dimension: int = 384


def _yielding(build: Any):
    @asynccontextmanager
    async def factory(settings: MemorySettings) -> AsyncIterator[Any]:
        yield build(settings)

    return factory


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    note = "in memory, lost at exit (tests and demos)"
    return [
        AdapterSpec(
            Port.BLOB_STORE, "memory", _yielding(lambda s: InMemoryBlobStore()), MemorySettings, note
        ),
        AdapterSpec(
            Port.METADATA_STORE, "memory", _yielding(lambda s: InMemoryMetadataStore()), MemorySettings, note
        ),
        AdapterSpec(Port.AUDIT_LOG, "memory", _yielding(lambda s: InMemoryAuditLog()), MemorySettings, note),
        AdapterSpec(
            Port.VECTOR_INDEX,
            "memory",
            _yielding(lambda s: InMemoryVectorIndex(s.dense_dimension)),
            MemorySettings,
            note,
        ),
        AdapterSpec(
            Port.TEXT_EMBEDDER,
            "hashing",
            _yielding(lambda s: HashingEmbedder(s.dense_dimension)),
            MemorySettings,
            "hashed bag of words, no model: lexical only (tests)",
        ),
    ]
