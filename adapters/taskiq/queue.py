"""TaskiqJobQueue: the JobQueue port over one Taskiq broker per modality (Redis streams).

A worker reads its modality's broker itself (`consume`): it runs up to `max_concurrent_jobs` jobs
at once and acknowledges each when the runner is done with it, so a job whose worker dies is
delivered again. Cancelling `consume` stops reading at once; unacknowledged jobs stay queued.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from taskiq import AckableMessage, AsyncBroker
from taskiq.exceptions import SendTaskError
from taskiq_redis import RedisStreamBroker

from ragloom.core.errors import InvalidInput, ProviderUnavailable
from ragloom.core.models import DocumentId, IngestJob, Modality, TenantId
from ragloom.core.ports import IngestRunner

from .settings import RedisQueueSettings
from .tasks import INGEST_TASK, ingest

STOP_GRACE_SECONDS = 2.0
READ_BLOCK_MS = 2000
log = logging.getLogger(__name__)


def stream_name(prefix: str, modality: str) -> str:
    return f"{prefix}:ingest:{modality}"


class TaskiqJobQueue:
    def __init__(self, brokers: Mapping[str, AsyncBroker], *, max_concurrent_jobs: int) -> None:
        self.brokers = dict(brokers)
        self._runner: IngestRunner
        self._max_concurrent_jobs = max_concurrent_jobs
        self._tasks: dict[str, Any] = {
            modality: broker.register_task(ingest, task_name=INGEST_TASK)
            for modality, broker in brokers.items()
        }
        for broker in self.brokers.values():
            broker.state.ingest_ready = asyncio.Event()

    @property
    def runs_in_process(self) -> bool:
        return False

    def attach(self, runner: IngestRunner) -> None:
        self._runner = runner
        for broker in self.brokers.values():
            broker.state.ingest_runner = runner
            broker.state.ingest_ready.set()

    async def enqueue(self, job: IngestJob) -> None:
        try:
            await self._tasks[job.modality.value].kiq(job.tenant_id, job.document_id, job.modality.value)
        except (SendTaskError, OSError, ConnectionError) as error:
            cause = error.__cause__ or error
            raise ProviderUnavailable(f"job queue unavailable: {cause}") from error

    async def cancel(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """Nothing to drop here: jobs wait in Redis, and a worker stops a job whose document is being
        deleted, or whose tenant is, when it checks the document's status."""
        return 0

    async def consume(self, modality: Modality) -> None:
        broker = self.brokers.get(Modality(modality).value)
        if broker is None:
            raise InvalidInput(f"no queue for modality {modality!r}")
        await broker.startup()
        reader = asyncio.create_task(self._read(broker))
        try:
            await asyncio.shield(reader)  # our own cancellation must not wait on the reader's
        finally:
            # The Redis client can swallow a cancellation in the middle of a blocking read; closing
            # the broker's connections ends such a read, so a worker always stops.
            reader.cancel()
            await asyncio.wait({reader}, timeout=STOP_GRACE_SECONDS)
            await broker.shutdown()
            await asyncio.wait({reader}, timeout=STOP_GRACE_SECONDS)

    async def _read(self, broker: AsyncBroker) -> None:
        slots = asyncio.Semaphore(self._max_concurrent_jobs)
        running: set[asyncio.Task[None]] = set()
        try:
            async for message in broker.listen():
                await slots.acquire()
                task = asyncio.create_task(self._handle(broker, message, slots))
                running.add(task)
                task.add_done_callback(running.discard)
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _handle(self, broker: AsyncBroker, message: Any, slots: asyncio.Semaphore) -> None:
        """Run one delivered job, then acknowledge it (also when the runner failed: the runner
        records failures itself, and a job that always fails must not loop forever)."""
        try:
            data = message.data if isinstance(message, AckableMessage) else message
            args = broker.formatter.loads(data).args
            job = IngestJob(TenantId(args[0]), DocumentId(args[1]), Modality(args[2]))
            await broker.state.ingest_ready.wait()
            try:
                await self._runner(job)
            except Exception:
                log.exception("the job for document %s failed", job.document_id)
            if isinstance(message, AckableMessage):
                acknowledged = message.ack()
                if inspect.isawaitable(acknowledged):
                    await acknowledged
        except Exception:
            log.exception("a malformed job message was dropped")
        finally:
            slots.release()

    async def wait_idle(self) -> None:
        """Jobs run in the worker processes; nothing runs in this one."""

    async def health(self) -> None:
        for broker in self.brokers.values():
            ping = getattr(broker, "ping", None)
            if ping is not None:
                await ping()


def redis_brokers(settings: RedisQueueSettings) -> dict[str, RedisStreamBroker]:
    return {
        modality.value: RedisStreamBroker(
            settings.url.get_secret_value(),
            queue_name=stream_name(settings.queue_prefix, modality.value),
            consumer_group_name=f"{settings.queue_prefix}-workers",
            consumer_id="0",
            max_connection_pool_size=settings.max_connections,
            idle_timeout=settings.redelivery_idle_seconds * 1000,
            xread_block=READ_BLOCK_MS,
            unacknowledged_lock_timeout=settings.redelivery_idle_seconds,
            # a read cut by a cancellation at the wrong moment can wait for a reply that never
            # comes; the socket timeout (well above the blocking read's) bounds it
            socket_timeout=READ_BLOCK_MS / 1000 * 4,
        )
        for modality in Modality
    }


@asynccontextmanager
async def open_redis_queue(settings: RedisQueueSettings) -> AsyncIterator[TaskiqJobQueue]:
    queue = TaskiqJobQueue(redis_brokers(settings), max_concurrent_jobs=settings.max_concurrent_jobs)
    try:
        yield queue
    finally:
        for broker in queue.brokers.values():
            await broker.shutdown()
