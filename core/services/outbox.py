"""The transactional outbox: a use case writes its job in the unit of work that writes its rows,
then publishes it once committed; a relay publishes what a crash between the two left behind. So a
committed upload is never without its job, and a job may be published twice (handlers are
idempotent)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ..errors import ProviderUnavailable
from ..models import IngestJob, OutboxEntry
from ..ports import JobQueue
from .transactions import Transaction, UnitsOfWork

log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, *, units: UnitsOfWork, queue: JobQueue, relay_after_seconds: float = 10.0) -> None:
        self._units = units
        self._queue = queue
        self._relay_after = timedelta(seconds=relay_after_seconds)

    async def submit(self, transaction: Transaction, job: IngestJob) -> OutboxEntry:
        """Write the job in the transaction; publish the entry once it has committed."""
        entry = OutboxEntry.of_ingest(job, str(uuid.uuid4()), datetime.now(UTC))
        await transaction.outbox.add(entry)
        return entry

    async def publish(self, entries: Sequence[OutboxEntry]) -> None:
        """Publish committed entries and forget them. A broker that cannot take them now leaves them
        for the relay (logged), so the caller's request still succeeds."""
        if not entries:
            return
        try:
            for entry in entries:
                await self._queue.enqueue(entry.ingest_job())
        except ProviderUnavailable as error:
            log.warning("%d jobs left in the outbox for the relay: %s", len(entries), error)
            return
        async with self._units(entries[0].tenant_id) as transaction:
            await transaction.outbox.remove([entry.id for entry in entries])
            await transaction.commit()

    async def relay(self, limit: int = 500) -> int:
        """Publish the entries written over `relay_after_seconds` ago and still here (their writer
        stopped before publishing them); return how many. Relays running side by side share the work."""
        before = datetime.now(UTC) - self._relay_after
        async with self._units(None) as transaction:
            due = await transaction.outbox.due(before=before, limit=limit)
            for entry in due:
                await self._queue.enqueue(entry.ingest_job())
            await transaction.outbox.remove([entry.id for entry in due])
            await transaction.commit()
        if due:
            log.info("relayed %d jobs left in the outbox", len(due))
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
