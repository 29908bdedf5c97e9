"""Units of work with domain events and an outbox: a use case writes its rows, publishes what
happened and submits its jobs; the handlers registered in the composition root run inside the same
transaction (the audit record, the corpus version, webhook deliveries) or after it commits (cache
invalidation, metrics), and the jobs are written in it too (the transactional outbox), so all of it
commits at once. Once committed, the jobs are handed to the queue; a relay (services.outbox)
publishes those a crash between the two left behind.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from ..errors import ProviderUnavailable
from ..events import DomainEvent
from ..models import Job, OutboxEntry, TenantId
from ..ports import (
    ApiKeyRepository,
    AuditRepository,
    ChatRepository,
    DocumentRepository,
    EmbeddingSpaceRepository,
    JobQueue,
    MetadataStore,
    OutboxRepository,
    TenantRepository,
    WebhookRepository,
)
from ..ports import UnitOfWork as UnitOfWorkPort
from ..scope import scope_of

log = logging.getLogger(__name__)

InTransaction = Callable[[DomainEvent, "Transaction"], Awaitable[None]]
AfterCommit = Callable[[DomainEvent], Awaitable[None]]
# The task holding a unit of work open. A task started meanwhile inherits the variable, not the unit:
# it may open its own.
_OPEN: ContextVar[asyncio.Task[object] | None] = ContextVar("ragloom_unit_of_work_open", default=None)


class EventBus:
    """Handlers per event type (subclasses included), in registration order."""

    def __init__(self) -> None:
        self._within: list[tuple[type[DomainEvent], InTransaction]] = []
        self._after: list[tuple[type[DomainEvent], AfterCommit]] = []

    def within(self, kind: type[DomainEvent], handler: InTransaction) -> None:
        """Run `handler(event, transaction)` before the commit; its failure rolls everything back."""
        self._within.append((kind, handler))

    def after_commit(self, kind: type[DomainEvent], handler: AfterCommit) -> None:
        """Run `handler(event)` once committed; a failure is logged and does not undo the commit."""
        self._after.append((kind, handler))

    async def dispatch_within(self, event: DomainEvent, transaction: Transaction) -> None:
        for kind, handler in self._within:
            if isinstance(event, kind):
                await handler(event, transaction)

    async def dispatch_after(self, event: DomainEvent) -> None:
        for kind, handler in self._after:
            if isinstance(event, kind):
                try:
                    await handler(event)
                except Exception:
                    log.exception("after-commit handler %s failed for %s", handler, event.action)


class Transaction:
    """A unit of work as the use cases see it: the repositories, `publish` and `commit`."""

    def __init__(
        self, unit: UnitOfWorkPort, bus: EventBus, scope: TenantId | None, relay_after: timedelta
    ) -> None:
        self._unit = unit
        self._bus = bus
        self._relay_after = relay_after
        self.scope = scope
        self.events: list[DomainEvent] = []
        self.jobs: list[OutboxEntry] = []
        self.committed = False

    @property
    def tenants(self) -> TenantRepository:
        return self._unit.tenants

    @property
    def keys(self) -> ApiKeyRepository:
        return self._unit.keys

    @property
    def documents(self) -> DocumentRepository:
        return self._unit.documents

    @property
    def chats(self) -> ChatRepository:
        return self._unit.chats

    @property
    def audit(self) -> AuditRepository:
        return self._unit.audit

    @property
    def spaces(self) -> EmbeddingSpaceRepository:
        return self._unit.spaces

    @property
    def outbox(self) -> OutboxRepository:
        return self._unit.outbox

    @property
    def webhooks(self) -> WebhookRepository:
        return self._unit.webhooks

    def publish(self, event: DomainEvent) -> None:
        """Record that something happened; its handlers run at commit."""
        if self.committed:
            raise RuntimeError(f"{event.action} published after the commit")
        self.events.append(event)

    async def safeguard(self, job: Job) -> OutboxEntry:
        """Write a job that finishes this use case's work should its process stop first: the relay
        publishes it `relay_after_seconds` from now unless `release(job)` removed it by then (the use
        case finished the work itself)."""
        return await self._write(job, safeguard_id(job), None)

    async def release(self, job: Job) -> None:
        """The work `safeguard(job)` guarded is done: forget its job."""
        await self._unit.outbox.remove([safeguard_id(job)])

    async def submit(self, job: Job, *, at: datetime | None = None) -> OutboxEntry:
        """Write the job in this transaction. It is handed to the queue once the transaction has
        committed (or by the relay if this process stops first); with `at`, by the relay at `at`."""
        entry = await self._write(job, str(uuid.uuid4()), at)
        if at is None:
            self.jobs.append(entry)
        return entry

    async def _write(self, job: Job, entry_id: str, at: datetime | None) -> OutboxEntry:
        """The job's outbox entry, due at `at` (None: `relay_after_seconds` from now)."""
        now = datetime.now(UTC)
        entry = OutboxEntry(entry_id, job, now, at or now + self._relay_after)
        await self._unit.outbox.add(entry)
        return entry

    async def commit(self) -> None:
        """Run the in-transaction handlers of every published event, then commit."""
        for event in self.events:
            await self._bus.dispatch_within(event, self)
        await self._unit.commit()
        self.committed = True


def safeguard_id(job: Job) -> str:
    """The outbox id of a safeguard job: one per kind and subject, so its use case can release it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ragloom:{job.tenant_id}:{job.kind.value}:{job.subject}"))


class UnitsOfWork:
    """Opens transactions on the metadata store, runs the after-commit handlers and hands committed
    jobs to the queue (none without one: such a process only writes them, for the relay)."""

    def __init__(
        self,
        store: MetadataStore,
        bus: EventBus,
        queue: JobQueue | None = None,
        *,
        relay_after_seconds: float = 10.0,
    ) -> None:
        self._store = store
        self._queue = queue
        self._relay_after = timedelta(seconds=relay_after_seconds)
        self.bus = bus

    @asynccontextmanager
    async def __call__(
        self, scope: TenantId | None, *, read_only: bool = False
    ) -> AsyncIterator[Transaction]:
        """A transaction under `scope` (a tenant, or None for the system scope); rolled back on exit
        unless committed. Opening one inside another in the same task is refused (it could wait on
        itself)."""
        task = asyncio.current_task()
        if task is not None and _OPEN.get() is task:
            raise RuntimeError("a unit of work is already open in this task")
        token = _OPEN.set(task)
        transaction: Transaction | None = None
        try:
            async with self._store.unit_of_work(scope, read_only=read_only) as unit:
                transaction = Transaction(unit, self.bus, scope, self._relay_after)
                yield transaction
        finally:
            _OPEN.reset(token)
            if transaction is not None and transaction.committed:  # also when the caller raised after
                for event in transaction.events:
                    await self.bus.dispatch_after(event)
                if transaction.jobs:
                    await self.publish_jobs(transaction.jobs)

    def keep_jobs(self) -> None:
        """Leave committed jobs in the outbox from now on, for the relay of a process that runs them:
        for a process that runs none and whose queue lives in it (an offline admin command on the
        embedded profile), which would otherwise lose them when it exits."""
        self._queue = None

    async def publish_jobs(self, entries: Sequence[OutboxEntry]) -> None:
        """Hand committed jobs to the queue and forget them. A queue that cannot take them now leaves
        them for the relay (logged), so the caller's request still succeeds."""
        if self._queue is None:
            return
        try:
            for entry in entries:
                await self._queue.enqueue(entry.job)
            async with self(scope_of(entries[0].tenant_id)) as transaction:
                await transaction.outbox.remove([entry.id for entry in entries])
                await transaction.commit()
        except ProviderUnavailable as error:
            log.warning("%d jobs left in the outbox for the relay: %s", len(entries), error)

    async def publish(self, event: DomainEvent) -> None:
        """Commit a unit of work that holds nothing but this event (and what its handlers write)."""
        async with self(event.tenant_id) as transaction:
            transaction.publish(event)
            await transaction.commit()
