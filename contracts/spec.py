"""AdapterSpec: what a plugin offers for one port."""

from __future__ import annotations

import enum
import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict


class Port(enum.StrEnum):
    """The ports an adapter can implement; the value is the key under `adapters:` in the config."""

    BLOB_STORE = "blob_store"
    METADATA_STORE = "metadata_store"
    AUDIT_SIGNER = "audit_signer"
    VECTOR_INDEX = "vector_index"
    TEXT_EMBEDDER = "text_embedder"
    IMAGE_EMBEDDER = "image_embedder"
    SPARSE_ENCODER = "sparse_encoder"
    RERANKER = "reranker"
    MEDIA_EXTRACTOR = "media_extractor"
    SPEECH_TO_TEXT = "speech_to_text"
    TEXT_RECOGNIZER = "text_recognizer"
    PII_SCRUBBER = "pii_scrubber"
    CHAT_MODEL = "chat_model"
    QUERY_REWRITER = "query_rewriter"
    SEMANTIC_CACHE = "semantic_cache"
    JOB_QUEUE = "job_queue"
    WEBHOOK_SENDER = "webhook_sender"


class NoSettings(BaseModel):
    """Settings of an adapter that takes none."""

    model_config = ConfigDict(extra="forbid")


AdapterFactory = Callable[..., AbstractAsyncContextManager[Any]]


@dataclass(frozen=True)
class AdapterSpec:
    """One adapter: `factory(settings)` is an async context manager that yields the adapter.

    `settings` is a pydantic model (extra keys forbidden) parsed from `plugins.<port>.<name>` in the
    config. Use `SecretStr` for secrets: `ragloom plugins` redacts them. Import the vendor library
    inside the factory, not at the top of the plugin module, so loading the registry stays light.
    `modality` says which worker pool needs the adapter (media extractors); None: every pool.
    `requires` names ports whose configured adapters the factory is handed, by port value, as keyword
    arguments: `factory(settings, speech_to_text=...)` (an audio extractor needs a transcriber).
    A vector index factory is also handed `space=`, the name of the embedding space (model and
    dimension) it opens: each space's vectors must be kept apart (ragloom's own adapters use a
    collection or folder named by it), since ragloom opens an earlier space beside the current one
    while tenants are reindexed.
    """

    port: Port
    name: str
    factory: AdapterFactory
    settings: type[BaseModel] = NoSettings
    description: str = ""
    media_types: frozenset[str] = field(default_factory=frozenset)
    modality: str | None = None
    requires: tuple[Port, ...] = ()


def lazy(target: str) -> AdapterFactory:
    """A factory for `module:opener` that imports the module only when the adapter is opened, so a
    plugin module (and the registry that loads it) imports no vendor library."""
    module_name, _, attribute = target.partition(":")

    @asynccontextmanager
    async def factory(settings: Any, **requirements: Any) -> AsyncIterator[Any]:
        opener = getattr(importlib.import_module(module_name), attribute)
        async with opener(settings, **requirements) as adapter:
            yield adapter

    factory.__qualname__ = factory.__name__ = target
    return factory
