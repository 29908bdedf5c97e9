"""Units of work with domain events: a use case writes its rows and publishes what happened; the
handlers registered in the composition root run inside the same transaction (the audit record, the
corpus version) or after it commits (cache invalidation, metrics), so all of it commits at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from ..events import DomainEvent
from ..models import TenantId
from ..ports import (
    ApiKeyRepository,
    AuditRepository,
    ChatRepository,
    DocumentRepository,
    EmbeddingSpaceRepository,
    MetadataStore,
    OutboxRepository,
    TenantRepository,
)
from ..ports import UnitOfWork as UnitOfWorkPort

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

    def __init__(self, unit: UnitOfWorkPort, bus: EventBus, scope: TenantId | None) -> None:
        self._unit = unit
        self._bus = bus
        self.scope = scope
        self.events: list[DomainEvent] = []
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

    def publish(self, event: DomainEvent) -> None:
        """Record that something happened; its handlers run at commit."""
        if self.committed:
            raise RuntimeError(f"{event.action} published after the commit")
        self.events.append(event)

    async def commit(self) -> None:
        """Run the in-transaction handlers of every published event, then commit."""
        for event in self.events:
            await self._bus.dispatch_within(event, self)
        await self._unit.commit()
        self.committed = True


class UnitsOfWork:
    """Opens transactions on the metadata store and runs the after-commit handlers."""

    def __init__(self, store: MetadataStore, bus: EventBus) -> None:
        self._store = store
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
                transaction = Transaction(unit, self.bus, scope)
                yield transaction
        finally:
            _OPEN.reset(token)
            if transaction is not None and transaction.committed:  # also when the caller raised after
                for event in transaction.events:
                    await self.bus.dispatch_after(event)

    async def publish(self, event: DomainEvent) -> None:
        """Commit a unit of work that holds nothing but this event (and what its handlers write)."""
        async with self(event.tenant_id) as transaction:
            transaction.publish(event)
            await transaction.commit()
