"""The JobQueue contract (the in-process queue, and Redis streams on the real Redis), and both
queues' fairness and cancellation."""

from __future__ import annotations

import asyncio

import pytest

from ragloom.adapters.local_queue.queue import FairJobQueue, open_local_queue
from ragloom.adapters.local_queue.settings import LocalQueueSettings
from ragloom.adapters.redis_streams.queue import open_redis_queue
from ragloom.adapters.redis_streams.settings import RedisQueueSettings
from ragloom.contracts.testing.job_queue import JobQueueContract, job
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import DocumentId, IngestJob, Modality, TenantId
from tests.conftest import REDIS_URL


class TestFairJobQueue(JobQueueContract):
    @pytest.fixture
    async def adapter(self):
        async with open_local_queue(LocalQueueSettings(max_concurrent_jobs=4)) as queue:
            yield queue


@pytest.mark.redis
class TestRedisStreamQueue(JobQueueContract):
    @pytest.fixture
    async def adapter(self, redis_prefix):
        settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix, redelivery_idle_seconds=60)
        async with open_redis_queue(settings) as queue:
            yield queue


async def test_an_unreachable_redis_is_provider_unavailable():
    settings = RedisQueueSettings(url="redis://127.0.0.1:1/0", queue_prefix="nowhere")
    async with open_redis_queue(settings) as queue:
        with pytest.raises(ProviderUnavailable, match="job queue unavailable"):
            await queue.enqueue(job(1))


async def test_one_tenants_backlog_does_not_hold_up_anothers_next_job():
    queue = FairJobQueue(max_concurrent_jobs=2, per_tenant_jobs=1)
    order: list[str] = []
    release = asyncio.Event()

    async def runner(job):
        order.append(job.document_id)
        if job.tenant_id == "busy":
            await release.wait()

    queue.attach(runner)
    for n in range(18):
        await queue.enqueue(IngestJob(TenantId("busy"), DocumentId(f"busy-{n}"), Modality.TEXT))
    await queue.enqueue(IngestJob(TenantId("small"), DocumentId("small-1"), Modality.TEXT))
    await asyncio.sleep(0.05)
    assert order == ["busy-0", "small-1"]  # the small tenant's job ran while 17 of busy's waited
    release.set()
    await queue.wait_idle()
    assert len(order) == 19


class HeldRunner:
    """Runs each job until `release` is set, noting which run and which started."""

    def __init__(self) -> None:
        self.running: set[str] = set()
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, job: IngestJob) -> None:
        self.running.add(job.document_id)
        self.started.append(job.document_id)
        await self.release.wait()
        self.running.discard(job.document_id)


async def test_a_lone_tenant_borrows_idle_slots_but_one_stays_free_for_another():
    queue = FairJobQueue(max_concurrent_jobs=4, per_tenant_jobs=1)
    runner = HeldRunner()
    running, started, release = runner.running, runner.started, runner.release
    queue.attach(runner)
    for n in range(10):
        await queue.enqueue(IngestJob(TenantId("bulk"), DocumentId(f"bulk-{n}"), Modality.TEXT))
    await asyncio.sleep(0.05)
    assert running == {"bulk-0", "bulk-1", "bulk-2"}  # over its share of 1, one slot of 4 kept free
    await queue.enqueue(IngestJob(TenantId("other"), DocumentId("other-0"), Modality.TEXT))
    await queue.enqueue(IngestJob(TenantId("other"), DocumentId("other-1"), Modality.TEXT))
    await asyncio.sleep(0.05)
    assert started[-1] == "other-0" and "other-1" not in running  # at once, into the kept slot
    release.set()
    await queue.wait_idle()
    assert len(started) == 12


async def test_tenants_take_turns_for_free_slots():
    queue = FairJobQueue(max_concurrent_jobs=1, per_tenant_jobs=1)
    order: list[str] = []
    queue.attach(lambda job: _record(order, job))
    for n in range(3):
        for tenant in ("a", "b"):
            await queue.enqueue(IngestJob(TenantId(tenant), DocumentId(f"{tenant}{n}"), Modality.TEXT))
    await queue.wait_idle()
    assert order == ["a0", "b0", "a1", "b1", "a2", "b2"]


async def _record(order, job):
    order.append(job.document_id)
    await asyncio.sleep(0)


async def test_cancelling_drops_queued_jobs_and_stops_running_ones():
    queue = FairJobQueue(max_concurrent_jobs=1, per_tenant_jobs=1)
    started: list[str] = []
    finished: list[str] = []

    async def runner(job):
        started.append(job.document_id)
        await asyncio.sleep(30)
        finished.append(job.document_id)

    queue.attach(runner)
    for n in range(3):
        await queue.enqueue(IngestJob(TenantId("gone"), DocumentId(f"g{n}"), Modality.TEXT))
    await asyncio.sleep(0.01)
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
        await queue.enqueue(IngestJob(TenantId("t"), DocumentId("d"), Modality.TEXT))
    queue.attach(lambda job: _record(ran, job))
    await queue.wait_idle()
    assert ran == ["d"]


@pytest.mark.redis
async def test_on_redis_a_tenants_backlog_does_not_hold_up_anothers_next_job(redis_prefix):
    settings = RedisQueueSettings(
        url=REDIS_URL, queue_prefix=redis_prefix, max_concurrent_jobs=1, per_tenant_jobs=1
    )
    order: list[str] = []

    async def runner(job):
        order.append(job.document_id)

    async with open_redis_queue(settings) as queue:
        for n in range(18):
            await queue.enqueue(IngestJob(TenantId("busy"), DocumentId(f"busy-{n}"), Modality.TEXT))
        await queue.enqueue(IngestJob(TenantId("small"), DocumentId("small-1"), Modality.TEXT))
        queue.attach(runner)
        worker = asyncio.create_task(queue.consume(Modality.TEXT))
        try:
            async with asyncio.timeout(20):
                while len(order) < 19:
                    await asyncio.sleep(0.05)
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
    assert order.index("small-1") <= 1  # its turn came at once, not after 18 of busy's jobs
    assert sorted(order) == sorted([f"busy-{n}" for n in range(18)] + ["small-1"])


@pytest.mark.redis
async def test_on_redis_a_lone_tenant_borrows_idle_slots_but_one_stays_free_for_another(redis_prefix):
    settings = RedisQueueSettings(
        url=REDIS_URL, queue_prefix=redis_prefix, max_concurrent_jobs=4, per_tenant_jobs=1
    )
    runner = HeldRunner()
    running, started, release = runner.running, runner.started, runner.release

    async def until(condition):
        async with asyncio.timeout(10):
            while not condition():
                await asyncio.sleep(0.05)

    async with open_redis_queue(settings) as queue:
        for n in range(10):
            await queue.enqueue(IngestJob(TenantId("bulk"), DocumentId(f"bulk-{n}"), Modality.TEXT))
        queue.attach(runner)
        worker = asyncio.create_task(queue.consume(Modality.TEXT))
        try:
            await until(lambda: len(running) == 3)
            await asyncio.sleep(1.5)  # two more turns of the worker: the fourth slot stays free
            assert running == {"bulk-0", "bulk-1", "bulk-2"}
            for n in range(2):
                await queue.enqueue(IngestJob(TenantId("other"), DocumentId(f"other-{n}"), Modality.TEXT))
            await until(lambda: "other-0" in running)
            await asyncio.sleep(1.5)
            assert len(running) == 4 and "other-1" not in running
            release.set()
            await until(lambda: len(started) == 12 and not running)
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)


@pytest.mark.redis
async def test_on_redis_cancelling_deletes_a_tenants_queued_jobs(redis_prefix):
    settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix)
    ran: list[str] = []

    async def runner(job):
        ran.append(job.document_id)

    async with open_redis_queue(settings) as queue:
        for n in range(3):
            await queue.enqueue(IngestJob(TenantId("gone"), DocumentId(f"g{n}"), Modality.TEXT))
        await queue.enqueue(IngestJob(TenantId("kept"), DocumentId("k1"), Modality.TEXT))
        assert await queue.cancel(TenantId("gone"), DocumentId("g1")) == 1
        assert await queue.cancel(TenantId("gone")) == 2
        queue.attach(runner)
        worker = asyncio.create_task(queue.consume(Modality.TEXT))
        try:
            async with asyncio.timeout(10):
                while not ran:
                    await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
    assert ran == ["k1"]


@pytest.mark.redis
async def test_on_redis_a_job_running_longer_than_the_redelivery_time_is_not_taken_twice(redis_prefix):
    settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix, redelivery_idle_seconds=1)
    runs: list[str] = []

    async def slow(job):
        runs.append(job.document_id)
        await asyncio.sleep(3.5)  # over three redelivery periods: another worker is watching

    async with open_redis_queue(settings) as first, open_redis_queue(settings) as second:
        await first.enqueue(IngestJob(TenantId("t"), DocumentId("long"), Modality.AUDIO))
        first.attach(slow)
        worker = asyncio.create_task(first.consume(Modality.AUDIO))
        async with asyncio.timeout(10):
            while not runs:
                await asyncio.sleep(0.05)
        second.attach(slow)
        watcher = asyncio.create_task(second.consume(Modality.AUDIO))
        await asyncio.sleep(5)
        for task in (worker, watcher):
            task.cancel()
        await asyncio.gather(worker, watcher, return_exceptions=True)
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
        done.append(job.document_id)

    async with open_redis_queue(settings) as queue:
        for n in range(6):
            await queue.enqueue(IngestJob(TenantId("t"), DocumentId(f"d{n}"), Modality.TEXT))
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
