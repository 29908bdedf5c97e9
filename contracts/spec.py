"""AdapterSpec: what a plugin offers for one port."""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict


class Port(enum.StrEnum):
    """The ports an adapter can implement; the value is the key under `adapters:` in the config."""

    BLOB_STORE = "blob_store"
    METADATA_STORE = "metadata_store"
    AUDIT_LOG = "audit_log"
    VECTOR_INDEX = "vector_index"
    TEXT_EMBEDDER = "text_embedder"
    IMAGE_EMBEDDER = "image_embedder"
    SPARSE_ENCODER = "sparse_encoder"
    RERANKER = "reranker"
    MEDIA_EXTRACTOR = "media_extractor"
    PII_SCRUBBER = "pii_scrubber"
    CHAT_MODEL = "chat_model"
    SEMANTIC_CACHE = "semantic_cache"
    JOB_QUEUE = "job_queue"


class NoSettings(BaseModel):
    """Settings of an adapter that takes none."""

    model_config = ConfigDict(extra="forbid")


AdapterFactory = Callable[[Any], AbstractAsyncContextManager[Any]]


@dataclass(frozen=True)
class AdapterSpec:
    """One adapter: `factory(settings)` is an async context manager that yields the adapter.

    `settings` is a pydantic model (extra keys forbidden) parsed from `plugins.<name>` in the
    config. Use `SecretStr` for secrets: `ragloom plugins` redacts them.
    """

    port: Port
    name: str
    factory: AdapterFactory
    settings: type[BaseModel] = NoSettings
    description: str = ""
    media_types: frozenset[str] = field(default_factory=frozenset)
    modality: str | None = None
