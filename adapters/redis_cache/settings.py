"""Settings of the Redis semantic cache (`plugins.semantic_cache.redis`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class RedisCacheSettings(BaseModel):
    """Hashes `<key_prefix>:<tenant>:<pipeline digest>:<corpus version>`, one entry per answer."""

    model_config = ConfigDict(extra="forbid")

    url: SecretStr = Field(description="Redis URL, e.g. redis://:password@redis:6379/0")
    key_prefix: str = Field(
        "ragloom:cache", pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="start of every key the cache writes"
    )
    threshold: float = Field(0.95, gt=0, le=1, description="cosine similarity a cached question must reach")
    ttl_seconds: int = Field(
        86_400, ge=1, description="how long answers of one tenant, pipeline and corpus live"
    )
    max_entries: int = Field(1_000, ge=1, description="answers kept per tenant, pipeline and corpus version")
    timeout_seconds: float = Field(0.5, gt=0, description="per call; past it the cache is bypassed")
