"""TaskiqJobQueue: the JobQueue port over one Taskiq broker per modality."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from taskiq import AsyncBroker
from taskiq.exceptions import SendTaskError

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import IngestJob

from .tasks import INGEST_TASK, IngestRunner, ingest


class TaskiqJobQueue:
    def __init__(self, brokers: Mapping[str, AsyncBroker], *, runs_in_process: bool) -> None:
        self.brokers = dict(brokers)
        self.runs_in_process = runs_in_process
        self._tasks: dict[str, Any] = {
            modality: broker.register_task(ingest, task_name=INGEST_TASK)
            for modality, broker in brokers.items()
        }

    def attach(self, runner: IngestRunner) -> None:
        """Give the brokers the ingestion runner their tasks call (worker side)."""
        for broker in self.brokers.values():
            broker.state.ingest_runner = runner

    async def enqueue(self, job: IngestJob) -> None:
        key = job.modality.value if job.modality.value in self._tasks else "*"
        try:
            await self._tasks[key].kiq(job.tenant_id, job.document_id, job.modality.value)
        except (SendTaskError, OSError, ConnectionError) as error:
            cause = error.__cause__ or error
            raise ProviderUnavailable(f"job queue unavailable: {cause}") from error

    async def wait_idle(self) -> None:
        """In-process only: wait for every running job (tests, benchmarks, graceful stop)."""
        for broker in self.brokers.values():
            wait_all = getattr(broker, "wait_all", None)
            if wait_all is not None:
                await wait_all()

    async def health(self) -> None:
        for broker in self.brokers.values():
            ping = getattr(broker, "ping", None)
            if ping is not None:
                await ping()
