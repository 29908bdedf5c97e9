"""An in-memory JobQueue (tests and demos): each job runs as an asyncio task in this process, at most
`max_concurrent_jobs` at a time; jobs queued before a runner is attached wait for it."""

from __future__ import annotations

import asyncio
import logging

from ragloom.core.models import IngestJob, Modality
from ragloom.core.ports import IngestRunner

log = logging.getLogger(__name__)


class InMemoryJobQueue:
    def __init__(self, max_concurrent_jobs: int = 8) -> None:
        self._runner: IngestRunner | None = None
        self._waiting: list[IngestJob] = []
        self._slots = asyncio.Semaphore(max_concurrent_jobs)
        self._running: set[asyncio.Task[None]] = set()

    @property
    def runs_in_process(self) -> bool:
        return True

    def attach(self, runner: IngestRunner) -> None:
        self._runner = runner
        waiting, self._waiting = self._waiting, []
        for job in waiting:
            self._start(job)

    async def enqueue(self, job: IngestJob) -> None:
        if self._runner is None:
            self._waiting.append(job)
        else:
            self._start(job)

    def _start(self, job: IngestJob) -> None:
        task = asyncio.create_task(self._run(job))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, job: IngestJob) -> None:
        assert self._runner is not None
        async with self._slots:
            try:
                await self._runner(job)
            except Exception:
                log.exception("job for document %s failed", job.document_id)

    async def consume(self, modality: Modality) -> None:
        await asyncio.Event().wait()  # jobs already run in this process as they are queued

    async def wait_idle(self) -> None:
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)
