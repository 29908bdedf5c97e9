"""Contract tests every JobQueue passes. Subclasses provide an async fixture `adapter` (a fresh queue)
and a fixture `queue_with`: a function of (max_concurrent_jobs, per_tenant_jobs) that opens a fresh
queue with those bounds as an async context manager."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from ragloom.core.models import DocumentId, IngestJob, Job, JobKind, Modality, TenantId

T = TenantId("tenant-a")


def job(n: int, modality: Modality = Modality.TEXT) -> Job:
    return Job.ingest(IngestJob(T, DocumentId(f"doc-{n}"), modality))


class Recorder:
    """A runner that records the jobs it ran (and can fail or dawdle on request)."""

    def __init__(self, fail_on: set[str] | None = None, delay: float = 0.0) -> None:
        self.ran: list[Job] = []
        self.fail_on = fail_on or set()
        self.delay = delay
        self.changed = asyncio.Event()

    async def __call__(self, job: Job) -> str:
        await asyncio.sleep(self.delay)
        self.ran.append(job)
        self.changed.set()
        if job.subject in self.fail_on:
            raise RuntimeError("the runner failed on purpose")
        return "ready"

    async def until(self, count: int, timeout: float = 20) -> None:
        async with asyncio.timeout(timeout):
            while len(self.ran) < count:
                self.changed.clear()
                await self.changed.wait()


@contextlib.asynccontextmanager
async def consuming(queue: Any, *modalities: Modality) -> AsyncIterator[None]:
    """Workers for `modalities` while inside (nothing to start for an in-process queue)."""
    tasks = [] if queue.runs_in_process else [asyncio.create_task(queue.consume(m)) for m in modalities]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def tenant_job(tenant: str, n: int) -> Job:
    return Job.ingest(IngestJob(TenantId(tenant), DocumentId(f"{tenant}-{n}"), Modality.TEXT))


class HeldRunner:
    """Runs each job until `release` is set, noting which run and in what order they started."""

    def __init__(self) -> None:
        self.running: set[str] = set()
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, job: Job) -> None:
        self.started.append(job.subject)
        self.running.add(job.subject)
        try:
            await self.release.wait()
        finally:
            self.running.discard(job.subject)


async def until(condition: Any, timeout: float = 20) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


class JobQueueContract:
    async def test_a_backlog_of_500_delays_another_tenants_next_job_by_at_most_one(
        self, queue_with: Any
    ) -> None:
        async with queue_with(1, 1) as queue:
            for n in range(500):
                await queue.enqueue(tenant_job("busy", n))
            await queue.enqueue(tenant_job("small", 0))
            runner = Recorder()
            queue.attach(runner)
            async with consuming(queue, Modality.TEXT):
                await until(lambda: any(j.tenant_id == "small" for j in runner.ran))
                order = [str(j.subject) for j in runner.ran]
                await queue.cancel(TenantId("busy"))
        assert order.index("small-0") <= 1  # at most one of busy's 500 jobs ran first

    async def test_a_lone_tenant_borrows_idle_slots_but_one_stays_free_for_another(
        self, queue_with: Any
    ) -> None:
        runner = HeldRunner()
        async with queue_with(4, 1) as queue:
            for n in range(10):
                await queue.enqueue(tenant_job("bulk", n))
            queue.attach(runner)
            async with consuming(queue, Modality.TEXT):
                await until(lambda: len(runner.running) == 3)
                await asyncio.sleep(1.2)  # more turns of a worker: the fourth slot stays free
                assert runner.running == {"bulk-0", "bulk-1", "bulk-2"}
                for n in range(2):
                    await queue.enqueue(tenant_job("other", n))
                await until(lambda: "other-0" in runner.running)  # at once, into the kept slot
                await asyncio.sleep(1.2)
                assert len(runner.running) == 4 and "other-1" not in runner.running
                runner.release.set()
                await until(lambda: len(runner.started) == 12 and not runner.running)

    async def test_cancel_drops_one_documents_or_a_whole_tenants_queued_jobs(self, adapter: Any) -> None:
        for n in range(3):
            await adapter.enqueue(tenant_job("gone", n))
        await adapter.enqueue(tenant_job("kept", 0))
        assert await adapter.cancel(TenantId("gone"), DocumentId("gone-1")) == 1
        assert await adapter.cancel(TenantId("gone"), DocumentId("gone-1")) == 0
        assert await adapter.cancel(TenantId("gone")) == 2
        await adapter.enqueue(tenant_job("gone", 9))  # a tenant's jobs run in order: had one of
        runner = Recorder()  # the cancelled jobs stayed queued, it would run before this one
        adapter.attach(runner)
        async with consuming(adapter, Modality.TEXT):
            await runner.until(2)
        assert sorted(j.subject for j in runner.ran) == ["gone-9", "kept-0"]

    async def test_every_queued_job_reaches_the_runner(self, adapter: Any) -> None:
        runner = Recorder()
        adapter.attach(runner)
        async with consuming(adapter, Modality.TEXT):
            for n in range(5):
                await adapter.enqueue(job(n))
            await runner.until(5)
        assert sorted(j.subject for j in runner.ran) == [f"doc-{n}" for n in range(5)]
        assert {j.tenant_id for j in runner.ran} == {T}

    async def test_jobs_of_every_kind_arrive_as_they_were_queued(self, adapter: Any) -> None:
        sent = [
            Job.deliver_webhook(T, "msg_1", 2),
            Job.erase_document(T, DocumentId("doc-9")),
            Job.erase_tenant(T),
            Job(
                JobKind.DELIVER_WEBHOOK, T, "msg_2/1", Modality.TEXT, {"delivery_id": "msg_2", "retries": "1"}
            ),
        ]
        runner = Recorder()
        adapter.attach(runner)
        async with consuming(adapter, Modality.TEXT):
            for queued in sent:
                await adapter.enqueue(queued)
            await runner.until(len(sent))
        assert sorted(runner.ran, key=lambda j: j.key) == sorted(sent, key=lambda j: j.key)

    async def test_jobs_queued_before_the_runner_wait_for_it(self, adapter: Any) -> None:
        runner = Recorder()
        async with consuming(adapter, Modality.TEXT):  # a worker with no runner yet
            await adapter.enqueue(job(1))
            adapter.attach(runner)
            await runner.until(1)
        assert runner.ran == [job(1)]

    async def test_a_failing_job_does_not_stop_the_next(self, adapter: Any) -> None:
        runner = Recorder(fail_on={"doc-1"})
        adapter.attach(runner)
        async with consuming(adapter, Modality.TEXT):
            await adapter.enqueue(job(1))
            await adapter.enqueue(job(2))
            await runner.until(2)
        assert {j.subject for j in runner.ran} == {"doc-1", "doc-2"}

    async def test_a_worker_runs_its_own_modality_only(self, adapter: Any) -> None:
        runner = Recorder()
        adapter.attach(runner)
        async with consuming(adapter, Modality.TEXT):
            await adapter.enqueue(job(1, Modality.AUDIO))
            await adapter.enqueue(job(2, Modality.TEXT))
            await until(lambda: any(j.subject == "doc-2" for j in runner.ran))
            await adapter.enqueue(job(3, Modality.TEXT))  # run after another read of every stream
            await until(lambda: any(j.subject == "doc-3" for j in runner.ran))
        modalities = {j.lane for j in runner.ran}
        assert modalities == ({Modality.TEXT, Modality.AUDIO} if adapter.runs_in_process else {Modality.TEXT})
        assert await adapter.depth(Modality.AUDIO) == (0 if adapter.runs_in_process else 1)

    async def test_wait_idle_returns_after_the_running_jobs(self, adapter: Any) -> None:
        runner = Recorder(delay=0.2)
        adapter.attach(runner)
        async with consuming(adapter, Modality.TEXT):
            for n in range(3):
                await adapter.enqueue(job(n))
            if adapter.runs_in_process:
                await adapter.wait_idle()
                assert len(runner.ran) == 3
            else:
                await runner.until(3)
        await adapter.wait_idle()

    async def test_depth_counts_each_modalitys_jobs_until_they_are_done(self, adapter: Any) -> None:
        for n in range(3):
            await adapter.enqueue(job(n, Modality.AUDIO))
        await adapter.enqueue(job(9, Modality.TEXT))
        assert await adapter.depth(Modality.AUDIO) == 3  # no runner yet: all waiting
        assert await adapter.depth(Modality.TEXT) == 1
        assert await adapter.depth(Modality.VIDEO) == 0
        runner = Recorder()
        adapter.attach(runner)
        async with consuming(adapter, Modality.AUDIO, Modality.TEXT):
            await runner.until(4)
            async with asyncio.timeout(20):
                while await adapter.depth(Modality.AUDIO) or await adapter.depth(Modality.TEXT):
                    await asyncio.sleep(0.05)
