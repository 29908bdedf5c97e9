"""Settings of the in-process job queue (`plugins.job_queue.inprocess`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LocalQueueSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_concurrent_jobs: int = Field(8, ge=1, le=10_000, description="jobs running at once, in all")
    per_tenant_jobs: int = Field(
        2,
        ge=1,
        le=10_000,
        description="jobs of one tenant running at once while others wait (their next jobs go first); "
        "slots no other tenant wants are lent to it, all but one",
    )
