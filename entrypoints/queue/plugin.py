"""Built-in plugin offering the Taskiq job queues: `inprocess` (embedded) and `redis` (production)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from taskiq import InMemoryBroker
from taskiq_redis import RedisStreamBroker

from ragloom.contracts import AdapterSpec, Port, hookimpl
from ragloom.core.models import Modality

from .jobqueue import TaskiqJobQueue


class InProcessQueueSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_concurrent_jobs: int = Field(64, ge=1, le=10_000)


class RedisQueueSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: SecretStr
    queue_prefix: str = "ragloom"
    max_connections: int = Field(50, ge=2)
    redelivery_idle_seconds: int = Field(600, ge=1)


def stream_name(prefix: str, modality: str) -> str:
    return f"{prefix}:ingest:{modality}"


@asynccontextmanager
async def open_inprocess_queue(settings: InProcessQueueSettings) -> AsyncIterator[TaskiqJobQueue]:
    broker = InMemoryBroker(max_async_tasks=settings.max_concurrent_jobs, max_stored_results=1)
    queue = TaskiqJobQueue({"*": broker}, runs_in_process=True)
    await broker.startup()
    try:
        yield queue
    finally:
        await queue.wait_idle()
        await broker.shutdown()


def redis_brokers(settings: RedisQueueSettings) -> dict[str, RedisStreamBroker]:
    return {
        modality.value: RedisStreamBroker(
            settings.url.get_secret_value(),
            queue_name=stream_name(settings.queue_prefix, modality.value),
            consumer_group_name=f"{settings.queue_prefix}-workers",
            consumer_id="0",
            max_connection_pool_size=settings.max_connections,
            idle_timeout=settings.redelivery_idle_seconds * 1000,
        )
        for modality in Modality
    }


@asynccontextmanager
async def open_redis_queue(settings: RedisQueueSettings) -> AsyncIterator[TaskiqJobQueue]:
    queue = TaskiqJobQueue(redis_brokers(settings), runs_in_process=False)
    yield queue
    for broker in queue.brokers.values():
        await broker.shutdown()


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.JOB_QUEUE,
            "inprocess",
            open_inprocess_queue,
            InProcessQueueSettings,
            "Taskiq in-process broker: ingestion runs inside `ragloom serve`",
        ),
        AdapterSpec(
            Port.JOB_QUEUE,
            "redis",
            open_redis_queue,
            RedisQueueSettings,
            "Taskiq on Redis streams, one stream per modality, acknowledged after processing",
        ),
    ]
