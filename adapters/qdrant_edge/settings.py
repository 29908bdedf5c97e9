"""Settings of the embedded Qdrant Edge vector index."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class QdrantEdgeSettings(BaseModel):
    """One Qdrant Edge shard in a local folder, open in one process at a time."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Folder of the shard; created on first open.")
    dense_dimension: int = Field(default=384, ge=1, description="Length of the dense vectors.")
    fusion: Literal["rrf", "dbsf"] = Field(
        default="dbsf",
        description="How hybrid search fuses its two lists (DBSF measured best on SciFact train).",
    )
    rrf_k: int = Field(default=60, ge=1, description="The k of reciprocal rank fusion.")
    prefetch_limit: int = Field(default=100, ge=1, description="Candidates per signal before fusion.")
    hnsw_ef: int | None = Field(default=None, ge=1, description="HNSW beam size for dense search.")
    batch_size: int = Field(default=256, ge=1, description="Points per write call.")
    optimize_after_upserts: int = Field(
        default=0,
        ge=0,
        description="Run optimize() after this many upserted points (0: only when asked). "
        "Optimizing holds the GIL and blocks the process while it runs.",
    )
