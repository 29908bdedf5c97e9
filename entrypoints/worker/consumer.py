"""Consume one modality's queue with the runtime's ingestion service until cancelled."""

from __future__ import annotations

from taskiq.api import run_receiver_task

from ragloom.contracts.errors import ConfigError
from ragloom.contracts.spec import Port
from ragloom.core.errors import InvalidInput

from ..bootstrap import Runtime


async def consume(runtime: Runtime, modality: str, *, max_concurrent_jobs: int = 32) -> None:
    queue = await runtime.get(Port.JOB_QUEUE.value)
    if queue.runs_in_process:
        raise ConfigError(
            "adapters.job_queue: the in-process queue runs ingestion inside `ragloom serve`; "
            "select `redis` to run separate workers"
        )
    if modality not in queue.brokers:
        raise InvalidInput(f"unknown modality {modality!r}; valid: {', '.join(sorted(queue.brokers))}")
    await runtime.start_ingestion()
    broker = queue.brokers[modality]
    await broker.startup()
    try:
        await run_receiver_task(broker, max_async_tasks=max_concurrent_jobs)
    finally:
        await broker.shutdown()
