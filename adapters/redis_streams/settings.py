"""Settings of the Redis job queue (`plugins.job_queue.redis`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class RedisQueueSettings(BaseModel):
    """Streams `<queue_prefix>:ingest:<modality>:<tenant>`, read by the consumer group
    `<queue_prefix>-workers`."""

    model_config = ConfigDict(extra="forbid")

    url: SecretStr
    queue_prefix: str = Field("ragloom", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    max_connections: int = Field(50, ge=2)
    redelivery_idle_seconds: int = Field(600, ge=1, description="when a dead worker's job runs again")
    max_concurrent_jobs: int = Field(32, ge=1, le=10_000, description="jobs a worker runs at once")
    per_tenant_jobs: int = Field(4, ge=1, le=10_000, description="jobs of one tenant a worker runs at once")
