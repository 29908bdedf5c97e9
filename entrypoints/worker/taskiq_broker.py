"""Taskiq as the worker framework: a Taskiq broker over ragloom's job broker, and a worker that is a
Taskiq Receiver.

ragloom's broker keeps what Taskiq's Redis brokers lack: one stream per tenant and lane read in
turns (core.fairness), redelivery of a dead worker's jobs (XAUTOCLAIM) with a claim heartbeat, and
reads that a cancellation never interrupts. Each job it takes is handed to Taskiq as a message of
the task `ragloom.run_job`; the Receiver runs it under its own limit (`max_async_tasks`) with the
runtime's dispatcher, and acknowledges it once executed, which ends the job in the queue. A job
whose worker dies is never acknowledged, so the queue gives it to another worker. `kick` puts a
job (a message of `ragloom.run_job`, from a Taskiq client or middleware) on ragloom's queue.

The runtime is opened in Taskiq's worker start-up hook and closed in its shut-down hook.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import uuid
from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from taskiq import (
    AckableMessage,
    AsyncBroker,
    BrokerMessage,
    SmartRetryMiddleware,
    TaskiqEvents,
    TaskiqMessage,
    TaskiqMiddleware,
    TaskiqResult,
    TaskiqState,
)
from taskiq.acks import AcknowledgeType
from taskiq.receiver import Receiver

from ragloom.contracts.errors import ConfigError
from ragloom.contracts.spec import Port
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import Job, JobKind, Modality, TenantId
from ragloom.core.scope import scope_of

from ..bootstrap import Runtime
from ..observability import JOB_SECONDS, JOBS

log = logging.getLogger(__name__)
RUN_JOB = "ragloom.run_job"
UNBOUNDED = 100_000
RETRIES = "retries"  # the payload key that carries Taskiq's retry count with a job queued again
RuntimeOpener = Callable[[], AbstractAsyncContextManager[Runtime]]


async def separate_queue(runtime: Runtime) -> Any:
    """The runtime's job queue; ConfigError if it is one whose jobs run inside `ragloom serve`."""
    queue = await runtime.get(Port.JOB_QUEUE.value)
    if queue.runs_in_process:
        raise ConfigError(
            "adapters.job_queue: the in-process queue runs jobs inside `ragloom serve`; "
            "select `redis` to run separate workers"
        )
    return queue


def job_to_dict(job: Job) -> dict[str, Any]:
    return {
        "kind": job.kind.value,
        "tenant_id": job.tenant_id,
        "subject": job.subject,
        "lane": job.lane.value,
        "payload": dict(job.payload),
    }


def job_from_dict(data: dict[str, Any]) -> Job:
    """ValueError or KeyError for a message that is no job."""
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise ValueError("a job's payload must be an object")
    return Job(
        JobKind(data["kind"]),
        TenantId(str(data["tenant_id"])),
        str(data["subject"]),
        Modality(data["lane"]),
        {str(k): str(v) for k, v in payload.items()},
    )


class RagloomBroker(AsyncBroker):
    """Taskiq's view of one lane of ragloom's job queue (see the module's docstring)."""

    def __init__(
        self,
        open_runtime: RuntimeOpener,
        lane: Modality,
        max_jobs: int | None = None,
        *,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
    ) -> None:
        super().__init__()
        self.add_middlewares(
            SmartRetryMiddleware(
                default_retry_count=attempts,
                default_retry_label=True,
                default_delay=backoff_seconds,
                use_delay_exponent=True,
                max_delay_exponent=60,
                types_of_exceptions=[ProviderUnavailable],
            ),
            _JobMetrics(),
        )
        self._open_runtime = open_runtime
        self._lane = lane
        self._max_jobs = max_jobs
        self._stack = AsyncExitStack()
        self._runtime: Runtime | None = None
        self._queue: Any = None
        self._handed: asyncio.Queue[tuple[Job, asyncio.Future[None]]] = asyncio.Queue()
        self._running: set[asyncio.Task[Any]] = set()
        self.add_event_handler(TaskiqEvents.WORKER_STARTUP, self._start)
        self.add_event_handler(TaskiqEvents.WORKER_SHUTDOWN, self._stop)
        self.task(task_name=RUN_JOB)(_run_job_task(self))

    async def _start(self, state: TaskiqState) -> None:
        """Open the runtime (the adapters this lane's jobs need) and the job dispatcher."""
        runtime = self._runtime = await self._stack.enter_async_context(self._open_runtime())
        queue = await separate_queue(runtime)
        state.dispatcher = await runtime.job_dispatcher(retry_here=False)  # Taskiq's middleware retries
        self._queue = queue
        queue.attach(self._hand_over)

    async def _stop(self, state: TaskiqState) -> None:
        await self._stack.aclose()

    async def run_job(self, job: dict[str, Any]) -> str:
        """Run a job (a Taskiq message's) with the runtime's dispatcher."""
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            return str(await self.state.dispatcher(job_from_dict(job)))
        finally:
            self._running.discard(task)

    async def cancel_running(self) -> None:
        """Cancel the jobs still running (at shutdown: the queue gives them to another worker, since
        the queue's reads stopped first and so never acknowledge them)."""
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def _hand_over(self, job: Job) -> None:
        """ragloom's queue runs this per job it takes: the job stays taken until Taskiq has run it
        and acknowledged it (and is given to another worker if this one stops first)."""
        executed = asyncio.get_running_loop().create_future()
        await self._handed.put((job, executed))
        await executed

    async def kick(self, message: BrokerMessage) -> None:
        """Put a `ragloom.run_job` message on ragloom's queue, in its job's lane; one to run after a
        `delay` (a retry) goes to the outbox, whose relay queues it once due."""
        if message.task_name != RUN_JOB:
            raise ValueError(f"ragloom's broker carries only {RUN_JOB}, not {message.task_name!r}")
        job = job_from_dict(self.formatter.loads(message.message).kwargs["job"])
        retries = message.labels.get("_retries")
        if retries is not None:
            job = dataclasses.replace(job, payload={**job.payload, RETRIES: str(retries)})
        delay = float(message.labels.get("delay") or 0)
        if delay <= 0:
            await self._queue.enqueue(job)
            return
        assert self._runtime is not None
        async with (await self._runtime.units())(scope_of(job.tenant_id)) as transaction:
            await transaction.submit(job, at=datetime.now(UTC) + timedelta(seconds=delay))
            await transaction.commit()

    async def listen(self) -> AsyncGenerator[bytes | AckableMessage, None]:
        """The jobs ragloom's queue takes for this lane, as Taskiq messages, until the generator is
        closed; closing it stops the queue's reads after the one in flight."""
        consuming = asyncio.create_task(self._queue.consume(self._lane, self._max_jobs))
        try:
            while True:
                taking = asyncio.ensure_future(self._handed.get())
                await asyncio.wait({taking, consuming}, return_when=asyncio.FIRST_COMPLETED)
                if not taking.done():
                    taking.cancel()
                    consuming.result()  # the queue stopped: its error, if it has one
                    return
                job, executed = taking.result()
                yield AckableMessage(data=self._message(job), ack=lambda executed=executed: _done(executed))
        finally:
            consuming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consuming

    def _message(self, job: Job) -> bytes:
        labels = {"_retries": job.payload[RETRIES]} if RETRIES in job.payload else {}
        message = TaskiqMessage(
            task_id=uuid.uuid4().hex,
            task_name=RUN_JOB,
            labels=labels,
            args=[],
            kwargs={"job": job_to_dict(job)},
        )
        return self.formatter.dumps(message).message


class _JobMetrics(TaskiqMiddleware):
    """Jobs run and their time, by kind, in the worker's Prometheus metrics (`ragloom_jobs_total`,
    `ragloom_job_seconds`)."""

    def pre_execute(self, message: TaskiqMessage) -> TaskiqMessage:
        message.labels["_started"] = time.monotonic()
        return message

    def post_execute(self, message: TaskiqMessage, result: TaskiqResult[Any]) -> None:
        kind = str(message.kwargs.get("job", {}).get("kind", "unknown"))
        JOBS.labels(kind=kind, outcome="error" if result.is_err else "done").inc()
        started = message.labels.get("_started")
        if isinstance(started, float):
            JOB_SECONDS.labels(kind=kind).observe(time.monotonic() - started)


def _run_job_task(broker: RagloomBroker) -> Callable[[dict[str, Any]], Any]:
    """The one Taskiq task, bound to its broker."""

    async def run_job(job: dict[str, Any]) -> str:
        return await broker.run_job(job)

    return run_job


def _done(executed: asyncio.Future[None]) -> None:
    if not executed.done():
        executed.set_result(None)


async def serve(broker: RagloomBroker, finish: asyncio.Event, max_jobs: int | None = None) -> None:
    """Run a Taskiq Receiver on the broker until `finish` is set: the start-up hook opens the
    runtime; at the end the jobs still running are cancelled (the queue gives them to another
    worker) and the shut-down hook closes the runtime."""
    broker.is_worker_process = True
    receiver = Receiver(
        broker,
        max_async_tasks=max_jobs or UNBOUNDED,  # ragloom's queue bounds how many it hands over
        ack_type=AcknowledgeType.WHEN_EXECUTED,
        propagate_exceptions=False,
        wait_tasks_timeout=0,  # the running jobs are cancelled below, not waited for
    )
    try:
        await receiver.listen(finish)
    finally:
        await broker.cancel_running()
        await broker.shutdown()
