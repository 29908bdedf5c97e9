"""The JobQueue contract (the in-process queue, and Redis streams on the real Redis), and both
queues' fairness and cancellation."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from ragloom.adapters.local_queue.queue import FairJobQueue, open_local_queue
from ragloom.adapters.local_queue.settings import LocalQueueSettings
from ragloom.adapters.redis_streams.queue import open_redis_queue
from ragloom.adapters.redis_streams.settings import RedisQueueSettings
from ragloom.contracts.testing.job_queue import JobQueueContract, job
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import DocumentId, IngestJob, Job, Modality, TenantId
from tests.conftest import REDIS_URL


class TestFairJobQueue(JobQueueContract):
    @pytest.fixture
    async def adapter(self):
        async with open_local_queue(LocalQueueSettings(max_concurrent_jobs=4)) as queue:
            yield queue

    @pytest.fixture
    def queue_with(self):
        return lambda most, share: open_local_queue(
            LocalQueueSettings(max_concurrent_jobs=most, per_tenant_jobs=share)
        )


@pytest.mark.redis
class TestRedisStreamQueue(JobQueueContract):
    @pytest.fixture
    async def adapter(self, redis_prefix):
        settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix, redelivery_idle_seconds=60)
        async with open_redis_queue(settings) as queue:
            yield queue

    @pytest.fixture
    def queue_with(self, redis_prefix):
        def opened(most: int, share: int):
            settings = RedisQueueSettings(
                url=REDIS_URL, queue_prefix=redis_prefix, max_concurrent_jobs=most, per_tenant_jobs=share
            )
            return open_redis_queue(settings)

        return opened


async def test_an_unreachable_redis_is_provider_unavailable():
    settings = RedisQueueSettings(url="redis://127.0.0.1:1/0", queue_prefix="nowhere")
    async with open_redis_queue(settings) as queue:
        with pytest.raises(ProviderUnavailable, match="job queue unavailable"):
            await queue.enqueue(job(1))


async def test_tenants_take_turns_for_free_slots():
    queue = FairJobQueue(max_concurrent_jobs=1, per_tenant_jobs=1)
    order: list[str] = []
    queue.attach(lambda job: _record(order, job))
    for n in range(3):
        for tenant in ("a", "b"):
            await queue.enqueue(
                Job.ingest(IngestJob(TenantId(tenant), DocumentId(f"{tenant}{n}"), Modality.TEXT))
            )
    await queue.wait_idle()
    assert order == ["a0", "b0", "a1", "b1", "a2", "b2"]


async def _record(order, job):
    order.append(job.subject)
    await asyncio.sleep(0)


async def test_cancelling_drops_queued_jobs_and_stops_running_ones():
    queue = FairJobQueue(max_concurrent_jobs=1, per_tenant_jobs=1)
    started: list[str] = []
    finished: list[str] = []
    first_started = asyncio.Event()

    async def runner(job):
        started.append(job.subject)
        first_started.set()
        await asyncio.Event().wait()  # runs until cancelled
        finished.append(job.subject)

    queue.attach(runner)
    for n in range(3):
        await queue.enqueue(Job.ingest(IngestJob(TenantId("gone"), DocumentId(f"g{n}"), Modality.TEXT)))
    async with asyncio.timeout(5):
        await first_started.wait()
    assert started == ["g0"]
    assert await queue.cancel(TenantId("gone"), DocumentId("g2")) == 1  # one queued job
    assert await queue.cancel(TenantId("gone")) == 2  # the running one and the last queued
    async with asyncio.timeout(5):
        await queue.wait_idle()
    assert started == ["g0"] and finished == []


async def test_the_same_document_is_not_queued_twice():
    queue = FairJobQueue()
    ran: list[str] = []
    for _ in range(3):
        await queue.enqueue(Job.ingest(IngestJob(TenantId("t"), DocumentId("d"), Modality.TEXT)))
    queue.attach(lambda job: _record(ran, job))
    await queue.wait_idle()
    assert ran == ["d"]


@pytest.mark.redis
async def test_on_redis_a_job_running_longer_than_the_redelivery_time_is_not_taken_twice(redis_prefix):
    """The job runs while its worker renews its claim nine times (three redelivery periods) and
    another worker watches for abandoned jobs: the watcher never takes it."""
    settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix, redelivery_idle_seconds=1)
    runs: list[str] = []
    release = asyncio.Event()

    async def held(job):
        runs.append(job.subject)
        await release.wait()

    client = Redis.from_url(REDIS_URL)
    async with open_redis_queue(settings) as first, open_redis_queue(settings) as second:
        await first.enqueue(Job.ingest(IngestJob(TenantId("t"), DocumentId("long"), Modality.AUDIO)))
        first.attach(held)
        worker = asyncio.create_task(first.consume(Modality.AUDIO))
        second.attach(held)
        watcher = asyncio.create_task(second.consume(Modality.AUDIO))
        stream = first.stream(Modality.AUDIO, TenantId("t"))
        renewals, last_idle = 0, 0
        try:
            async with asyncio.timeout(30):
                while renewals < 9:  # each renewal resets the job's idle time
                    pending = await client.xpending_range(stream, f"{redis_prefix}-workers", "-", "+", 1)
                    idle = pending[0]["time_since_delivered"] if pending else 0
                    renewals += idle < last_idle
                    last_idle = idle
                    await asyncio.sleep(0.05)
            assert runs == ["long"]
        finally:
            release.set()
            for task in (worker, watcher):
                task.cancel()
            await asyncio.gather(worker, watcher, return_exceptions=True)
            await client.aclose()
    assert runs == ["long"]


@pytest.mark.redis
async def test_on_redis_a_process_runs_at_most_max_jobs_at_once(redis_prefix):
    settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix, per_tenant_jobs=10)
    running = 0
    peak = 0
    done: list[str] = []

    async def runner(job):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.2)
        running -= 1
        done.append(job.subject)

    async with open_redis_queue(settings) as queue:
        for n in range(6):
            await queue.enqueue(Job.ingest(IngestJob(TenantId("t"), DocumentId(f"d{n}"), Modality.TEXT)))
        queue.attach(runner)
        worker = asyncio.create_task(queue.consume(Modality.TEXT, max_jobs=2))
        try:
            async with asyncio.timeout(15):
                while len(done) < 6:
                    await asyncio.sleep(0.05)
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
    assert peak == 2
