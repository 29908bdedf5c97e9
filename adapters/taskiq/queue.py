"""TaskiqJobQueue: the JobQueue port over one Taskiq broker per modality (or one for all)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from taskiq import AsyncBroker, InMemoryBroker
from taskiq.api import run_receiver_task
from taskiq.exceptions import SendTaskError
from taskiq_redis import RedisStreamBroker

from ragloom.core.errors import InvalidInput, ProviderUnavailable
from ragloom.core.models import IngestJob, Modality
from ragloom.core.ports import IngestRunner

from .settings import InProcessQueueSettings, RedisQueueSettings
from .tasks import INGEST_TASK, ingest

ALL_MODALITIES = "*"


def stream_name(prefix: str, modality: str) -> str:
    return f"{prefix}:ingest:{modality}"


class TaskiqJobQueue:
    def __init__(
        self, brokers: Mapping[str, AsyncBroker], *, runs_in_process: bool, max_concurrent_jobs: int
    ) -> None:
        self.brokers = dict(brokers)
        self._runs_in_process = runs_in_process
        self._max_concurrent_jobs = max_concurrent_jobs
        self._tasks: dict[str, Any] = {
            modality: broker.register_task(ingest, task_name=INGEST_TASK)
            for modality, broker in brokers.items()
        }

    @property
    def runs_in_process(self) -> bool:
        return self._runs_in_process

    def attach(self, runner: IngestRunner) -> None:
        for broker in self.brokers.values():
            broker.state.ingest_runner = runner

    async def enqueue(self, job: IngestJob) -> None:
        key = job.modality.value if job.modality.value in self._tasks else ALL_MODALITIES
        try:
            await self._tasks[key].kiq(job.tenant_id, job.document_id, job.modality.value)
        except (SendTaskError, OSError, ConnectionError) as error:
            cause = error.__cause__ or error
            raise ProviderUnavailable(f"job queue unavailable: {cause}") from error

    async def consume(self, modality: Modality) -> None:
        if self._runs_in_process:  # jobs already run here as they are queued
            await asyncio.Event().wait()
        broker = self.brokers.get(Modality(modality).value)
        if broker is None:
            raise InvalidInput(f"no queue for modality {modality!r}")
        await broker.startup()
        try:
            await run_receiver_task(broker, max_async_tasks=self._max_concurrent_jobs)
        finally:
            await broker.shutdown()

    async def wait_idle(self) -> None:
        for broker in self.brokers.values():
            wait_all = getattr(broker, "wait_all", None)
            if wait_all is not None:
                await wait_all()

    async def health(self) -> None:
        for broker in self.brokers.values():
            ping = getattr(broker, "ping", None)
            if ping is not None:
                await ping()


@asynccontextmanager
async def open_inprocess_queue(settings: InProcessQueueSettings) -> AsyncIterator[TaskiqJobQueue]:
    broker = InMemoryBroker(max_async_tasks=settings.max_concurrent_jobs, max_stored_results=1)
    queue = TaskiqJobQueue(
        {ALL_MODALITIES: broker}, runs_in_process=True, max_concurrent_jobs=settings.max_concurrent_jobs
    )
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
    queue = TaskiqJobQueue(
        redis_brokers(settings), runs_in_process=False, max_concurrent_jobs=settings.max_concurrent_jobs
    )
    try:
        yield queue
    finally:
        for broker in queue.brokers.values():
            await broker.shutdown()
