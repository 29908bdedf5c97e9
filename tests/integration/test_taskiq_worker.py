"""Workers are Taskiq workers (a Taskiq Receiver on ragloom's broker over Redis streams), tested for
real against Redis: a worker cancelled while its read is blocked stops at once and loses no job (the
bug that made Taskiq's own Redis receiver unusable: it swallowed a cancellation mid-read); a job
running when its worker stops is not acknowledged, so another worker runs it; a job reaches Taskiq
as a `ragloom.run_job` message and `kick` puts one back on ragloom's queue."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager

import pytest

from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.contracts.spec import Port
from ragloom.core.errors import NotFound, ProviderUnavailable
from ragloom.core.models import DEFAULT_TENANT, DeliveryStatus, DocumentStatus, Job, Modality
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.observability import JOBS
from ragloom.entrypoints.taskiq_broker import RUN_JOB, RagloomBroker, job_from_dict, job_to_dict
from ragloom.entrypoints.worker.consumer import consume
from tests.conftest import REDIS_URL
from tests.helpers.receiver import Receiver, receiving
from tests.helpers.runtime import memory_settings

pytestmark = pytest.mark.redis
T = DEFAULT_TENANT


@pytest.fixture
def shared():
    """The stores the API's runtime and the workers' share, as a database and a bucket would be."""
    return {Port.METADATA_STORE: InMemoryMetadataStore(), Port.BLOB_STORE: InMemoryBlobStore()}


def settings(tmp_path, redis_prefix, **overrides):
    """In-memory stores (shared by the runtimes of a test), the Redis queue under the test's prefix."""
    queue = {"url": REDIS_URL, "queue_prefix": redis_prefix, "redelivery_idle_seconds": 1}
    return memory_settings(
        tmp_path,
        adapters={"job_queue": "redis"},
        plugins={
            "job_queue": {"redis": queue},
            "webhook_sender": {"http": {"allowed_networks": ["127.0.0.0/8"], "timeout_seconds": 5}},
        },
        **overrides,
    )


@asynccontextmanager
async def worker(settings, shared):
    """A Taskiq worker of the text lane in this process, cancelled on exit."""
    async with open_runtime(settings, overrides=shared) as runtime:
        task = asyncio.create_task(consume(runtime, Modality.TEXT))
        try:
            yield task
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_a_worker_cancelled_mid_read_stops_and_loses_no_job(tmp_path, redis_prefix, shared):
    configured = settings(tmp_path, redis_prefix)
    async with open_runtime(configured, overrides=shared) as api:
        await api.lifecycle.ensure_default_tenant()
        async with worker(configured, shared) as first:
            await asyncio.sleep(1.5)  # blocked in XREADGROUP, nothing queued
            first.cancel()
            async with asyncio.timeout(5):  # stops after the read in flight, at most a second later
                with contextlib.suppress(asyncio.CancelledError):
                    await first
        documents = await api.documents()
        result = await documents.upload(T, IncomingFile.from_bytes("a.txt", b"Eiders line nests with down."))
        async with worker(configured, shared):
            async with asyncio.timeout(30):
                while (await documents.get(T, result.document.id)).status != DocumentStatus.READY:
                    await asyncio.sleep(0.05)
        assert (await documents.get(T, result.document.id)).attempts == 1  # run once, by the second


async def test_a_job_running_when_its_worker_stops_runs_on_another(tmp_path, redis_prefix, shared):
    configured = settings(tmp_path, redis_prefix, webhooks={"retry_delays_seconds": [60]})
    with receiving(Receiver(stall_seconds=3)) as receiver:
        async with open_runtime(configured, overrides=shared) as api:
            await api.lifecycle.ensure_default_tenant()
            webhooks = await api.get("webhooks")
            endpoint = await webhooks.create(T, receiver.url, ["chat.deleted"])
            async with worker(configured, shared):
                chats = await api.chats()
                await chats.delete(T, (await chats.create(T)).id)  # a delivery, posted by the worker
                await receiver.wait_for(1)
            receiver.stall_seconds = 0  # the worker stopped while the receiver stalled
            async with worker(configured, shared):
                async with asyncio.timeout(30):
                    while (await webhooks.deliveries(T, endpoint.id))[0].status == DeliveryStatus.PENDING:
                        await asyncio.sleep(0.05)
            [delivery] = await webhooks.deliveries(T, endpoint.id)
            assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
            first, second = receiver.received
            assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.id


async def test_jobs_travel_as_taskiq_messages(tmp_path, redis_prefix, shared):
    job = Job.deliver_webhook(T, "msg_1", 2)
    assert job_from_dict(job_to_dict(job)) == job
    configured = settings(tmp_path, redis_prefix)
    async with open_runtime(configured, overrides=shared) as runtime:
        broker = RagloomBroker(lambda: contextlib.nullcontext(runtime), Modality.TEXT)
        broker.is_worker_process = True
        await broker.startup()
        try:
            assert broker.find_task(RUN_JOB) is not None
            await broker.find_task(RUN_JOB).kiq(job=job_to_dict(job))  # through `kick`
            queue = await runtime.get(Port.JOB_QUEUE.value)
            assert await queue.depth(Modality.TEXT) == 1
            with pytest.raises(ValueError, match="payload"):
                job_from_dict({**job_to_dict(job), "payload": ["not", "an", "object"]})
        finally:
            await broker.shutdown()


class BlobsThatFail(InMemoryBlobStore):
    """A blob store whose next `failures` deletions fail, as one out of reach does."""

    failures = 0

    async def delete(self, tenant, key) -> None:
        if self.failures:
            self.failures -= 1
            raise ProviderUnavailable("the blob store is unreachable")
        await super().delete(tenant, key)


async def test_a_job_that_fails_is_retried_by_taskiqs_middleware_after_a_backoff(tmp_path, redis_prefix):
    blobs = BlobsThatFail()
    shared = {Port.METADATA_STORE: InMemoryMetadataStore(), Port.BLOB_STORE: blobs}
    configured = settings(
        tmp_path,
        redis_prefix,
        ingest={
            "outbox_relay_after_seconds": 0.2,
            "outbox_relay_interval_seconds": 0.1,
            "retry_backoff_seconds": 0.2,
        },
    )
    errors_before = JOBS.labels(kind="document.erase", outcome="error")._value.get()
    async with open_runtime(configured, overrides=shared) as api:
        await api.lifecycle.start_all()  # its relay publishes the erase job, then the retry once due
        documents = await api.documents()
        result = await documents.upload(T, IncomingFile.from_bytes("a.txt", b"Guillemots stand in rows."))
        async with worker(configured, shared):
            async with asyncio.timeout(30):
                while (await documents.get(T, result.document.id)).status != DocumentStatus.READY:
                    await asyncio.sleep(0.05)
            blobs.failures = 2  # the deletion here, then the erase job's first run
            with pytest.raises(ProviderUnavailable):
                await documents.delete(T, result.document.id)
            async with asyncio.timeout(30):
                while True:
                    try:
                        await documents.get(T, result.document.id)
                    except NotFound:
                        break
                    await asyncio.sleep(0.05)
    assert blobs.failures == 0
    assert JOBS.labels(kind="document.erase", outcome="error")._value.get() == errors_before + 1
