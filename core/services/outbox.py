"""The outbox relay: it publishes the jobs a crash left in the outbox between a unit of work's
commit and its hand-over to the queue (services.transactions), and the jobs scheduled for later
(retries) once they are due. A job may so be published twice: handlers are idempotent."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from ..errors import ProviderUnavailable
from ..ports import JobQueue
from .transactions import UnitsOfWork

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, *, units: UnitsOfWork, queue: JobQueue) -> None:
        self._units = units
        self._queue = queue

    async def relay(self, limit: int = 500) -> int:
        """Publish the entries that are due and still here; return how many. Relays running side by
        side share the work."""
        async with self._units(None) as transaction:
            due = await transaction.outbox.due(now=datetime.now(UTC), limit=limit)
            for entry in due:
                await self._queue.enqueue(entry.job)
            await transaction.outbox.remove([entry.id for entry in due])
            await transaction.commit()
        if due:
            log.info("relayed %d jobs from the outbox", len(due))
        return len(due)

    async def relay_every(self, interval_seconds: float) -> None:
        """Relay until cancelled; a broker or store that fails is tried again at the next turn."""
        while True:
            try:
                while await self.relay() > 0:
                    pass
            except ProviderUnavailable as error:
                log.warning("the outbox relay will try again: %s", error)
            await asyncio.sleep(interval_seconds)
