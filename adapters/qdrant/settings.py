"""Settings of the Qdrant vector indexes (`plugins.vector_index.qdrant_edge` / `.qdrant`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

_TARGETS = ("url", "path", "location")


class _SearchSettings(BaseModel):
    """What both Qdrant indexes share: vector size, how hybrid search fuses, and write batches."""

    model_config = ConfigDict(extra="forbid")

    dense_dimension: int = Field(
        default=384,
        ge=1,
        description="Length of the dense vectors; ragloom sets it from the text embedder, whose "
        "vectors go to a collection (or folder) of their own named by model and dimension.",
    )
    image_dimension: int | None = Field(
        default=None,
        ge=1,
        description="Length of the picture vectors (the image embedder's dimension); unset: no "
        "pictures are stored. Set it before the index is first created.",
    )
    fusion: Literal["rrf", "dbsf"] = Field(
        default="dbsf",
        description="How hybrid search fuses its two lists (DBSF measured best on SciFact train).",
    )
    rrf_k: int = Field(default=60, ge=1, description="The k of reciprocal rank fusion.")
    prefetch_limit: int = Field(default=100, ge=1, description="Candidates per signal before fusion.")
    hnsw_ef: int | None = Field(default=None, ge=1, description="HNSW beam size for dense search.")
    batch_size: int = Field(default=256, ge=1, description="Points per write call.")
    on_disk: bool = Field(
        default=False,
        description="Keep vectors, the sparse index and payloads in memory-mapped files instead of RAM: "
        "memory stays small as the index grows, and searches read what is not cached from disk. "
        "Set it before the index is first created.",
    )
    quantization: Literal["none", "int8"] = Field(
        default="none",
        description="int8: a scalar-quantized copy of the dense vectors kept in RAM (a quarter of their "
        "size) is searched, and the best candidates are rescored with the originals. Set it before the "
        "index is first created.",
    )


class QdrantEdgeSettings(_SearchSettings):
    """One Qdrant Edge shard in a local folder, open in one process at a time."""

    path: str = Field(description="Folder of the shard; created on first open.")
    optimize_after_upserts: int = Field(
        default=0,
        ge=0,
        description="Run optimize() after this many upserted points (0: only when asked). "
        "Optimizing holds the GIL and blocks the process while it runs.",
    )


class QdrantSettings(_SearchSettings):
    """Where the collection lives (exactly one of url, path, location) and how to search it."""

    url: str | None = Field(default=None, description="Qdrant server, e.g. http://qdrant:6333.")
    api_key: SecretStr | None = Field(default=None, description="API key of the server.")
    path: str | None = Field(default=None, description="qdrant-client local mode folder (tests only).")
    location: str | None = Field(default=None, description='":memory:" for an in-process local mode.')
    collection: str = Field(
        default="ragloom_chunks",
        description="Base name of the collections; each embedding space gets `<collection>-<space>`.",
    )
    tenant_idf: bool = Field(
        default=True,
        description="Compute sparse IDF over the tenant's points only (False: collection-wide).",
    )
    timeout: float = Field(default=10, gt=0, description="Seconds per request.")

    @model_validator(mode="after")
    def _one_target(self) -> QdrantSettings:
        given = [name for name in _TARGETS if getattr(self, name) is not None]
        if len(given) != 1:
            got = ", ".join(given) if given else "none"
            raise ValueError(f"set exactly one of `url`, `path` or `location` (got {got})")
        if self.api_key is not None and self.url is None:
            raise ValueError("`api_key` needs `url`")
        return self
