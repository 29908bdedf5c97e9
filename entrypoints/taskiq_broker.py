"""Taskiq as the framework that runs jobs: a Taskiq broker over ragloom's job broker, run by a Taskiq
Receiver in each worker (one lane) and inside `ragloom serve` on the embedded profile (every lane,
over the in-process fair queue).

ragloom's broker keeps what Taskiq's Redis brokers lack: one stream per tenant and lane read in
turns (core.fairness), redelivery of a dead worker's jobs (XAUTOCLAIM) with a claim heartbeat, and
reads that a cancellation never interrupts. Each job it takes is handed to Taskiq as a message of
the task `ragloom.run_job`; the Receiver runs it under its own limit (`max_async_tasks`) with the
runtime's dispatcher, and acknowledges it once executed, which ends the job in the queue. A job
whose worker dies is never acknowledged, so the queue gives it to another worker. `kick` puts a
job (a message of `ragloom.run_job`, from a Taskiq client or middleware) on ragloom's queue.

The runtime is opened in Taskiq's worker start-up hook and closed in its shut-down hook. A job that
the queue withdraws (cancelled, or its worker stopping) is cancelled in Taskiq too. In a worker,
Taskiq's retry middleware queues a job whose backing service was down again after a backoff; in
process, the dispatcher retries it in place, as there is no other worker to hand it to.
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
from typing import Any, Protocol

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
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import Job, JobKind, Modality, TenantId
from ragloom.core.ports import JobBroker
from ragloom.core.scope import scope_of
from ragloom.core.services.jobs import JobDispatcher
from ragloom.core.services.transactions import UnitsOfWork

from .observability import JOB_SECONDS, JOBS

log = logging.getLogger(__name__)
RUN_JOB = "ragloom.run_job"
UNBOUNDED = 100_000
RETRIES = "retries"  # the payload key that carries Taskiq's retry count with a job queued again


class JobHost(Protocol):
    """What the broker needs of an open runtime (bootstrap.Runtime is one)."""

    async def job_queue(self) -> JobBroker: ...

    async def units(self) -> UnitsOfWork: ...

    async def job_dispatcher(self, *, retry_here: bool = True) -> JobDispatcher: ...


RuntimeOpener = Callable[[], AbstractAsyncContextManager[JobHost]]


async def separate_queue(runtime: JobHost) -> Any:
    """The runtime's job queue; ConfigError if it is one whose jobs run inside `ragloom serve`."""
    queue = await runtime.job_queue()
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
    """Taskiq's view of one lane of ragloom's job queue, or (lane None) of every lane of the
    in-process queue (see the module's docstring)."""

    def __init__(
        self,
        open_runtime: RuntimeOpener,
        lane: Modality | None,
        max_jobs: int | None = None,
        *,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
    ) -> None:
        super().__init__()
        if lane is not None:
            self.add_middlewares(
                SmartRetryMiddleware(
                    default_retry_count=attempts,
                    default_retry_label=True,
                    default_delay=backoff_seconds,
                    use_delay_exponent=True,
                    max_delay_exponent=60,
                    types_of_exceptions=[ProviderUnavailable],
                )
            )
        self.add_middlewares(_JobMetrics())
        self._open_runtime = open_runtime
        self._lane = lane
        self._max_jobs = max_jobs
        self._stack = AsyncExitStack()
        self._runtime: JobHost | None = None
        self._queue: Any = None
        self._handed: asyncio.Queue[tuple[Job, str, asyncio.Future[None]]] = asyncio.Queue()
        self._handovers: set[str] = set()  # jobs the queue handed over and still waits for
        self._running: dict[str, asyncio.Task[Any]] = {}  # by handover
        self.add_event_handler(TaskiqEvents.WORKER_STARTUP, self._start)
        self.add_event_handler(TaskiqEvents.WORKER_SHUTDOWN, self._stop)
        self.task(task_name=RUN_JOB)(_run_job_task(self))

    async def _start(self, state: TaskiqState) -> None:
        """Open the runtime (the adapters this lane's jobs need) and the job dispatcher."""
        runtime = self._runtime = await self._stack.enter_async_context(self._open_runtime())
        in_process = self._lane is None
        if in_process:
            queue = await runtime.job_queue()
        else:
            queue = await separate_queue(runtime)
        state.dispatcher = await runtime.job_dispatcher(retry_here=in_process)
        self._queue = queue
        queue.attach(self.hand_over)

    async def _stop(self, state: TaskiqState) -> None:
        await self._stack.aclose()

    async def run_job(self, job: dict[str, Any], handover: str | None = None) -> str:
        """Run a job (a Taskiq message's) with the runtime's dispatcher, unless the queue withdrew
        it meanwhile."""
        if handover is not None and handover not in self._handovers:
            return "withdrawn"
        task = asyncio.current_task()
        assert task is not None
        key = handover or uuid.uuid4().hex
        self._running[key] = task
        try:
            return str(await self.state.dispatcher(job_from_dict(job)))
        finally:
            self._running.pop(key, None)

    async def cancel_running(self) -> None:
        """Cancel the jobs still running (at shutdown: the queue gives them to another worker, since
        the queue's reads stopped first and so never acknowledge them)."""
        running = list(self._running.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def hand_over(self, job: Job) -> None:
        """ragloom's queue runs this per job it takes: the job stays taken until Taskiq has run it
        and acknowledged it (and is given to another worker if this one stops first). Cancelled (the
        queue withdrew the job), it cancels the job in Taskiq too."""
        handover = uuid.uuid4().hex
        executed = asyncio.get_running_loop().create_future()
        self._handovers.add(handover)
        await self._handed.put((job, handover, executed))
        try:
            await executed
        except asyncio.CancelledError:
            running = self._running.get(handover)
            if running is not None:
                running.cancel()
            raise
        finally:
            self._handovers.discard(handover)

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
        """The jobs ragloom's queue takes for this lane (or hands over in process), as Taskiq
        messages, until the generator is closed; closing it stops the queue's reads after the one
        in flight."""
        if self._lane is None:
            consuming = asyncio.ensure_future(asyncio.Event().wait())  # the queue hands jobs over itself
        else:
            consuming = asyncio.ensure_future(self._queue.consume(self._lane, self._max_jobs))
        try:
            while True:
                taking = asyncio.ensure_future(self._handed.get())
                await asyncio.wait({taking, consuming}, return_when=asyncio.FIRST_COMPLETED)
                if not taking.done():
                    taking.cancel()
                    consuming.result()  # the queue stopped: its error, if it has one
                    return
                job, handover, executed = taking.result()
                if executed.done():  # withdrawn before Taskiq took it
                    continue
                yield AckableMessage(
                    data=self._message(job, handover), ack=lambda executed=executed: _done(executed)
                )
        finally:
            consuming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consuming

    def _message(self, job: Job, handover: str) -> bytes:
        labels = {"_retries": job.payload[RETRIES]} if RETRIES in job.payload else {}
        message = TaskiqMessage(
            task_id=uuid.uuid4().hex,
            task_name=RUN_JOB,
            labels=labels,
            args=[],
            kwargs={"job": job_to_dict(job), "handover": handover},
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

    async def run_job(job: dict[str, Any], handover: str | None = None) -> str:
        return await broker.run_job(job, handover)

    return run_job


def _done(executed: asyncio.Future[None]) -> None:
    if not executed.done():
        executed.set_result(None)


async def serve(
    broker: RagloomBroker, finish: asyncio.Event, max_jobs: int | None = None, *, started: bool = False
) -> None:
    """Run a Taskiq Receiver on the broker until `finish` is set: the start-up hook opens the
    runtime (unless the broker was `started` already); at the end the jobs still running are
    cancelled (the queue gives them to another worker) and the shut-down hook closes the runtime."""
    broker.is_worker_process = True
    receiver = Receiver(
        broker,
        run_startup=not started,
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
