"""Storing what was asked and answered: each exchange's audit event and, in a chat, its messages.

Under load many questions finish at about the same time. Their exchanges go into one unit of work
per tenant (one transaction, one commit, one turn at an embedded database's write lock) instead of
one each, so storing them does not become the queue every question waits in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..events import DomainEvent
from ..models import ChatId, ChatMessage, TenantId
from .batching import Coalescer
from .transactions import UnitsOfWork

MAX_BATCH = 64  # exchanges in one transaction at most


@dataclass(frozen=True, slots=True)
class Exchange:
    """One question's record: its audit event and, in a chat, the messages appended to it."""

    tenant: TenantId
    event: DomainEvent
    chat_id: ChatId | None = None
    messages: tuple[ChatMessage, ...] = ()


class ExchangeWriter:
    """Stores exchanges; those stored while a write runs go together in the next one."""

    def __init__(self, units: UnitsOfWork) -> None:
        self._units = units
        self._batches: Coalescer[Exchange, Exception | None] = Coalescer(self._write_all, max_batch=MAX_BATCH)

    async def store(self, exchange: Exchange) -> None:
        """Return once the exchange is committed; raise what stopped it being stored."""
        [failure] = await self._batches([exchange])
        if failure is not None:
            raise failure

    async def _write_all(self, exchanges: list[Exchange]) -> list[Exception | None]:
        """Each tenant's exchanges in one transaction. If that fails, they are written one by one, so
        an exchange that cannot be stored (its chat deleted meanwhile, say) fails alone."""
        failures: list[Exception | None] = [None] * len(exchanges)
        by_tenant: dict[TenantId, list[int]] = {}
        for i, exchange in enumerate(exchanges):
            by_tenant.setdefault(exchange.tenant, []).append(i)
        for tenant, indexes in by_tenant.items():
            try:
                await self._write(tenant, [exchanges[i] for i in indexes])
            except Exception as error:
                if len(indexes) == 1:
                    failures[indexes[0]] = error
                else:
                    for i in indexes:
                        failures[i] = await self._write_alone(tenant, exchanges[i])
        return failures

    async def _write_alone(self, tenant: TenantId, exchange: Exchange) -> Exception | None:
        try:
            await self._write(tenant, [exchange])
        except Exception as error:
            return error
        return None

    async def _write(self, tenant: TenantId, exchanges: Sequence[Exchange]) -> None:
        async with self._units(tenant) as transaction:
            for exchange in exchanges:
                if exchange.chat_id is not None:
                    chat = await transaction.chats.get(tenant, exchange.chat_id, for_update=True)
                    await transaction.chats.save(*chat.appended(exchange.messages, datetime.now(UTC)))
                transaction.publish(exchange.event)
            await transaction.commit()
