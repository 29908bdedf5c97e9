"""Settings of the Taskiq job queue on Redis (`plugins.job_queue.redis`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class RedisQueueSettings(BaseModel):
    """One Redis stream per modality, `<queue_prefix>:ingest:<modality>`, read by a consumer group."""

    model_config = ConfigDict(extra="forbid")

    url: SecretStr
    queue_prefix: str = "ragloom"
    max_connections: int = Field(50, ge=2)
    redelivery_idle_seconds: int = Field(600, ge=1)
    max_concurrent_jobs: int = Field(32, ge=1, le=10_000, description="jobs a worker runs at once")
