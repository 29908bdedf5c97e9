"""FairJobQueue: jobs of every lane run as asyncio tasks in this process. Tenants take turns for the
free slots by the policy every queue shares (core.fairness: `per_tenant_jobs` each first, idle slots
lent but one), so one tenant's backlog never holds up another tenant's next document, and a lone
tenant's bulk upload runs many documents at once (their chunks share model calls). Jobs can be
cancelled by tenant or subject, queued or running."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ragloom.core.fairness import take_turns
from ragloom.core.models import Job, JobKind, Modality, TenantId
from ragloom.core.ports import JobRunner

from .settings import LocalQueueSettings

log = logging.getLogger(__name__)


class FairJobQueue:
    def __init__(self, max_concurrent_jobs: int = 8, per_tenant_jobs: int = 2) -> None:
        self._max = max_concurrent_jobs
        self._per_tenant = per_tenant_jobs
        self._runner: JobRunner | None = None
        self._waiting: OrderedDict[TenantId, deque[Job]] = OrderedDict()
        self._running: dict[TenantId, dict[tuple[JobKind, str], asyncio.Task[None]]] = {}
        self._running_lane: dict[tuple[JobKind, str], Modality] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def runs_in_process(self) -> bool:
        return True

    def attach(self, runner: JobRunner) -> None:
        self._runner = runner
        self._pump()

    async def enqueue(self, job: Job) -> None:
        """Queue the job; one of the same kind and subject already queued or running here is not
        queued twice."""
        if job.key in self._running.get(job.tenant_id, {}):
            return
        waiting = self._waiting.setdefault(job.tenant_id, deque())
        if any(queued.key == job.key for queued in waiting):
            return
        waiting.append(job)
        self._idle.clear()
        self._pump()

    async def cancel(self, tenant: TenantId, subject: str | None = None) -> int:
        """Drop the tenant's (or one subject's) queued jobs and cancel its running ones."""
        waiting = self._waiting.get(tenant, deque())
        kept = deque(job for job in waiting if subject is not None and job.subject != subject)
        dropped = len(waiting) - len(kept)
        if kept:
            self._waiting[tenant] = kept
        else:
            self._waiting.pop(tenant, None)
        running = self._running.get(tenant, {})
        doomed = [task for key, task in running.items() if subject is None or key[1] == subject]
        for task in doomed:
            task.cancel()
        if doomed:
            await asyncio.gather(*doomed, return_exceptions=True)
        self._settle()
        return dropped + len(doomed)

    def _pump(self) -> None:
        """Start waiting jobs while slots are free, the tenants taking turns (core.fairness)."""
        if self._runner is None:
            return
        while chosen := take_turns(
            list(self._waiting),
            {tenant: len(tasks) for tenant, tasks in self._running.items()},
            free=self._max - self._total_running(),
            share=self._per_tenant,
        ):
            for tenant in chosen:
                self._start(tenant)

    def _start(self, tenant: TenantId) -> None:
        job = self._waiting[tenant].popleft()
        if not self._waiting[tenant]:
            del self._waiting[tenant]
        else:
            self._waiting.move_to_end(tenant)  # its next job waits for the others' turn
        task = asyncio.create_task(self._run(job))
        task.add_done_callback(lambda _: self._finished(job))  # also if cancelled unstarted
        self._running.setdefault(tenant, {})[job.key] = task
        self._running_lane[job.key] = job.lane

    async def _run(self, job: Job) -> None:
        assert self._runner is not None
        try:
            await self._runner(job)
        except Exception:
            log.exception("the %s job for %s failed", job.kind.value, job.subject)

    def _finished(self, job: Job) -> None:
        running = self._running.get(job.tenant_id, {})
        running.pop(job.key, None)
        self._running_lane.pop(job.key, None)
        if not running:
            self._running.pop(job.tenant_id, None)
        self._pump()
        self._settle()

    def _total_running(self) -> int:
        return sum(len(tasks) for tasks in self._running.values())

    def _settle(self) -> None:
        if not self._running and (not self._waiting or self._runner is None):
            self._idle.set()

    async def consume(self, lane: Modality, max_jobs: int | None = None) -> None:
        await asyncio.Event().wait()  # jobs already run in this process as they are queued

    async def depth(self, lane: Modality) -> int:
        """Jobs of the lane waiting or running in this process."""
        waiting = sum(1 for jobs in self._waiting.values() for job in jobs if job.lane == lane)
        return waiting + sum(1 for running in self._running_lane.values() if running == lane)

    async def wait_idle(self) -> None:
        """Until nothing runs here and nothing waits for a runner that is attached."""
        await self._idle.wait()

    async def aclose(self) -> None:
        """Stop at once: queued jobs are dropped and running ones cancelled. Their documents stay
        queued or processing in the metadata store, and the next start takes them back."""
        self._waiting.clear()
        tasks = [task for running in self._running.values() for task in running.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


@asynccontextmanager
async def open_local_queue(settings: LocalQueueSettings) -> AsyncIterator[FairJobQueue]:
    queue = FairJobQueue(settings.max_concurrent_jobs, settings.per_tenant_jobs)
    try:
        yield queue
    finally:
        await queue.aclose()
