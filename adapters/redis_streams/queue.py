"""RedisStreamQueue: jobs in Redis streams, one stream per (lane, tenant).

A set per lane names the tenants with a stream. A worker reads one job from each tenant the
shared fairness policy (core.fairness) gives a slot, in a single XREADGROUP, so tenants take turns
however deep one tenant's backlog is: `per_tenant_jobs` of one tenant at once, more only on slots no
other tenant wants (all but one, kept for another tenant's next job). A job is acknowledged (and removed)
when the runner is done with it; one whose worker died is claimed again after
`redelivery_idle_seconds`. Cancelling a tenant's jobs deletes its queued ones from Redis at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from redis.typing import KeyT, StreamIdT

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.fairness import take_turns
from ragloom.core.models import Job, JobKind, Modality, TenantId
from ragloom.core.ports import JobRunner

from .settings import RedisQueueSettings

log = logging.getLogger(__name__)
READ_BLOCK_MS = 1000
STREAMS_PER_READ = 256  # tenants offered a turn in one read; the rest get theirs in the next
_T = TypeVar("_T")
# A stream entry's id and fields as XRANGE gives them (bytes: the client decodes nothing). redis-py's
# type covers every command and setting (a None id or fields is an entry XCLAIM found deleted).
_Entry = tuple[bytes, dict[bytes, bytes]]


class RedisStreamQueue:
    def __init__(self, client: Redis, settings: RedisQueueSettings) -> None:
        self._client = client
        self._settings = settings
        self._prefix = settings.queue_prefix
        self._group = f"{settings.queue_prefix}-workers"
        self._runner: JobRunner | None = None
        self._ready = asyncio.Event()
        self._groups: set[str] = set()

    @property
    def runs_in_process(self) -> bool:
        return False

    def stream(self, lane: Modality, tenant: TenantId) -> str:
        return f"{self._prefix}:ingest:{Modality(lane).value}:{tenant}"  # named before jobs had kinds

    def _tenants_key(self, lane: Modality) -> str:
        return f"{self._prefix}:tenants:{Modality(lane).value}"

    def attach(self, runner: JobRunner) -> None:
        self._runner = runner
        self._ready.set()

    async def enqueue(self, job: Job) -> None:
        fields = {
            "tenant": job.tenant_id,
            "kind": job.kind.value,
            "subject": job.subject,
            "lane": job.lane.value,
            "payload": json.dumps(dict(job.payload)),
        }
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.xadd(self.stream(job.lane, job.tenant_id), fields)  # type: ignore[arg-type]
            pipe.sadd(self._tenants_key(job.lane), job.tenant_id)
            await _call(pipe.execute())

    async def cancel(self, tenant: TenantId, subject: str | None = None) -> int:
        """Delete the tenant's (or one subject's) queued jobs from Redis; workers drop running ones
        at their next check of their subject's state."""
        removed = 0
        for lane in Modality:
            stream = self.stream(lane, tenant)
            entries = cast(list[_Entry], await _call(self._client.xrange(stream)))
            doomed = [
                entry_id for entry_id, fields in entries if subject is None or _subject(fields) == subject
            ]
            if doomed:
                removed += int(await _call(self._client.xdel(stream, *doomed)))
        return removed

    async def consume(self, lane: Modality, max_jobs: int | None = None) -> None:
        """Serve until cancelled. The blocking reads are not cancelled mid-flight (the Redis client
        can lose a cancellation there): the worker stops after its current read, at most a second
        later, and its connections are closed if even that does not happen."""
        stop = asyncio.Event()
        bound = max_jobs or self._settings.max_concurrent_jobs
        serving = asyncio.create_task(self._serve(lane, stop, bound))
        try:
            await asyncio.shield(serving)
        finally:
            stop.set()
            done, _ = await asyncio.wait({serving}, timeout=READ_BLOCK_MS / 1000 + 2)
            if not done:
                await self._client.connection_pool.disconnect()
                await asyncio.wait({serving}, timeout=2)

    async def _serve(self, lane: Modality, stop: asyncio.Event, max_jobs: int) -> None:
        consumer = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        running: dict[str, set[asyncio.Task[None]]] = {}
        turn = 0
        last_claim = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not stop.is_set():
                if not self._ready.is_set():
                    await asyncio.sleep(0.05)
                    continue
                busy = sum(len(tasks) for tasks in running.values())
                if busy >= max_jobs:
                    await asyncio.wait(
                        [t for tasks in running.values() for t in tasks],
                        timeout=READ_BLOCK_MS / 1000,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    continue
                if loop.time() - last_claim > self._settings.redelivery_idle_seconds / 2:
                    last_claim = loop.time()
                    await self._claim_abandoned(lane, consumer, running)
                tenants = sorted(
                    _text(t) for t in await _call(self._client.smembers(self._tenants_key(lane)))
                )
                offered = self._offer(tenants, running, free=max_jobs - busy, turn=turn)
                if not offered:
                    await asyncio.sleep(READ_BLOCK_MS / 1000)
                    continue
                turn += 1
                names = [self.stream(lane, TenantId(t)) for t in offered]
                await self._ensure_groups(names)
                streams: dict[KeyT, StreamIdT] = {name: ">" for name in names}
                replies = cast(  # redis-py's legacy reply shape (its default): [stream, entries] pairs
                    "list[list[Any]]",
                    await _call(
                        self._client.xreadgroup(self._group, consumer, streams, count=1, block=READ_BLOCK_MS)
                    ),
                )
                for stream, messages in replies:
                    for entry_id, fields in messages:
                        self._start(_text(stream), entry_id, fields, running, consumer)
        finally:
            tasks = [t for group in running.values() for t in group]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _offer(
        self, tenants: list[str], running: dict[str, set[asyncio.Task[None]]], *, free: int, turn: int
    ) -> list[str]:
        """The tenants whose streams the next read takes one job from each, by the policy every
        queue shares (core.fairness)."""
        counts = {tenant: len(tasks) for tenant, tasks in running.items()}
        chosen = take_turns(tenants, counts, free=free, share=self._settings.per_tenant_jobs, turn=turn)
        return chosen[:STREAMS_PER_READ]

    def _start(
        self,
        stream: str,
        entry_id: Any,
        fields: dict,
        running: dict[str, set[asyncio.Task[None]]],
        consumer: str,
    ) -> None:
        tenant = _text(fields.get(b"tenant"))
        task = asyncio.create_task(self._handle(stream, entry_id, fields, consumer))
        running.setdefault(tenant, set()).add(task)
        task.add_done_callback(lambda done: running.get(tenant, set()).discard(done))

    async def _handle(self, stream: str, entry_id: Any, fields: dict, consumer: str) -> None:
        """Run one job, then acknowledge and remove it (also when the runner failed: the runner
        records failures itself, and a job that always fails must not loop for ever). While it runs,
        the job is claimed again now and then, so a long one (an hour of audio) is not taken for
        abandoned by another worker."""
        try:
            job = _job(fields)
        except (KeyError, ValueError, TypeError):
            log.warning("dropping a malformed job %s from %s", entry_id, stream)
        else:
            assert self._runner is not None
            alive = asyncio.create_task(self._keep_claimed(stream, entry_id, consumer))
            try:
                await self._runner(job)
            except Exception:
                log.exception("the %s job for %s failed", job.kind.value, job.subject)
            finally:
                alive.cancel()
        with contextlib.suppress(RedisError, OSError):
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.xack(stream, self._group, entry_id)
                pipe.xdel(stream, entry_id)
                await pipe.execute()

    async def _keep_claimed(self, stream: str, entry_id: Any, consumer: str) -> None:
        """Reset the job's idle time every third of `redelivery_idle_seconds` while it runs."""
        while True:
            await asyncio.sleep(self._settings.redelivery_idle_seconds / 3)
            try:
                await self._client.xclaim(stream, self._group, consumer, 0, [entry_id], justid=True)
            except (RedisError, OSError) as error:
                log.warning("could not renew the claim on a job of %s: %s", stream, error)

    async def _ensure_groups(self, streams: list[str]) -> None:
        for stream in streams:
            if stream in self._groups:
                continue
            try:
                await self._client.xgroup_create(stream, self._group, id="0", mkstream=True)
            except ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise ProviderUnavailable(f"job queue unavailable: {error}") from error
            self._groups.add(stream)

    async def _claim_abandoned(
        self, lane: Modality, consumer: str, running: dict[str, set[asyncio.Task[None]]]
    ) -> None:
        """Take over jobs a dead worker left unacknowledged for `redelivery_idle_seconds`."""
        idle_ms = self._settings.redelivery_idle_seconds * 1000
        for tenant in await _call(self._client.smembers(self._tenants_key(lane))):
            stream = self.stream(lane, TenantId(_text(tenant)))
            if stream not in self._groups:
                continue
            try:
                claimed = await self._client.xautoclaim(stream, self._group, consumer, idle_ms, count=10)
            except (RedisError, OSError) as error:
                log.warning("could not claim abandoned jobs of %s: %s", stream, error)
                continue
            for entry_id, fields in claimed[1]:
                if fields:
                    self._start(stream, entry_id, fields, running, consumer)

    async def depth(self, lane: Modality) -> int:
        """Entries in the lane's streams, over every tenant: queued, or running (a worker deletes an
        entry once it is done)."""
        tenants = await _call(self._client.smembers(self._tenants_key(lane)))
        async with self._client.pipeline(transaction=False) as pipe:
            for tenant in tenants:
                pipe.xlen(self.stream(lane, TenantId(_text(tenant))))
            lengths = await _call(pipe.execute())
        return sum(int(length) for length in lengths)

    async def wait_idle(self) -> None:
        """Jobs run in the worker processes; nothing runs in this one."""

    async def health(self) -> None:
        await _call(self._client.ping())


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _job(fields: dict) -> Job:
    """A job as `enqueue` wrote it; an entry written before jobs had kinds is an ingestion job."""
    tenant = TenantId(_text(fields[b"tenant"]))
    if b"kind" not in fields:
        return Job(JobKind.INGEST, tenant, _text(fields[b"document"]), Modality(_text(fields[b"modality"])))
    payload = json.loads(_text(fields[b"payload"]))
    if not isinstance(payload, dict):
        raise ValueError("a job's payload must be an object")
    return Job(
        JobKind(_text(fields[b"kind"])),
        tenant,
        _text(fields[b"subject"]),
        Modality(_text(fields[b"lane"])),
        {str(k): str(v) for k, v in payload.items()},
    )


def _subject(fields: dict) -> str:
    return _text(fields.get(b"subject", fields.get(b"document", b"")))


async def _call(awaitable: Awaitable[_T]) -> _T:
    try:
        return await awaitable
    except (RedisError, OSError) as error:
        raise ProviderUnavailable(f"job queue unavailable: {error}") from error


@asynccontextmanager
async def open_redis_queue(settings: RedisQueueSettings) -> AsyncIterator[RedisStreamQueue]:
    client: Redis = Redis.from_url(
        settings.url.get_secret_value(),
        max_connections=settings.max_connections,
        socket_connect_timeout=5,
    )
    try:
        yield RedisStreamQueue(client, settings)
    finally:
        await client.aclose()
