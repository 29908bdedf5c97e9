"""Settings of the Redis job queue (`plugins.job_queue.redis`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class RedisQueueSettings(BaseModel):
    """Streams `<queue_prefix>:ingest:<modality>:<tenant>`, read by the consumer group
    `<queue_prefix>-workers`."""

    model_config = ConfigDict(extra="forbid")

    url: SecretStr = Field(description="Redis URL, e.g. redis://:password@redis:6379/0")
    queue_prefix: str = Field(
        "ragloom",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="start of the stream names and of the consumer group's (<queue_prefix>-workers)",
    )
    max_connections: int = Field(
        50, ge=2, description="most connections open to Redis at once (the client's pool)"
    )
    redelivery_idle_seconds: int = Field(600, ge=1, description="when a dead worker's job runs again")
    max_concurrent_jobs: int = Field(32, ge=1, le=10_000, description="jobs a worker runs at once")
    per_tenant_jobs: int = Field(4, ge=1, le=10_000, description="jobs of one tenant a worker runs at once")
