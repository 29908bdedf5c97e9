"""The audit trail: every domain event becomes a linked, signed record inside the event's own
transaction, and chains are walked to verify or export them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from ..audit import ChainVerdict, ChainWalker, canonical_details, chain_of, linked
from ..events import DomainEvent
from ..models import AuditEvent, AuditRecord, TenantId
from ..ports import AuditSigner
from ..scope import scope_of
from .transactions import Transaction, UnitsOfWork

PAGE = 1000


def audit_event(event: DomainEvent) -> AuditEvent:
    """What the trail keeps of a domain event: who, what, on what, and its non-personal details."""
    return AuditEvent(
        event.tenant_id,
        event.caller.actor,
        event.action,
        event.target,
        event.caller.request_id,
        dict(event.audit_details()),
    )


class AuditRecorder:
    """The in-transaction handler that appends one record per domain event."""

    def __init__(self, signer: AuditSigner) -> None:
        self._signer = signer

    async def on_event(self, event: DomainEvent, transaction: Transaction) -> None:
        """The in-transaction handler: the record commits (or rolls back) with the event's rows."""
        await self.append(transaction, audit_event(event))

    async def append(self, transaction: Transaction, event: AuditEvent) -> AuditRecord:
        """Link the event after its chain's head (held until commit), sign and store it."""
        details = canonical_details(event.details)  # refuse what is not plain JSON, before any write
        seq, prev_hash = await transaction.audit.head(chain_of(event))
        record = linked(
            event,
            seq=seq + 1,
            prev_hash=prev_hash,
            key_id=self._signer.key_id,
            sign=self._signer.sign,
            details=json.loads(details),
        )
        await transaction.audit.add(record)
        return record


class AuditTrail:
    """Reads chains back, to export or verify them."""

    def __init__(self, signer: AuditSigner, units: UnitsOfWork) -> None:
        self._signer = signer
        self._units = units

    async def chains(self) -> list[str]:
        async with self._units(None, read_only=True) as transaction:
            return sorted(await transaction.audit.chains())

    async def last_seq(self, chain: str) -> int:
        """The sequence number of the chain's last record (0 if it has none)."""
        scope = scope_of(TenantId(chain))  # the system's chain in the system scope
        async with self._units(scope, read_only=True) as transaction:
            return (await transaction.audit.head(chain))[0]

    async def records(self, chain: str, *, after_seq: int = 0) -> AsyncIterator[AuditRecord]:
        """Every record of the chain after `after_seq`, in order, read page by page (a tenant's chain
        under that tenant's scope)."""
        scope = scope_of(TenantId(chain))  # the system's chain in the system scope
        while True:
            async with self._units(scope, read_only=True) as transaction:
                page = await transaction.audit.read(chain, after_seq=after_seq, limit=PAGE)
            for record in page:
                yield record
            if len(page) < PAGE:
                return
            after_seq = page[-1].seq

    async def verify(self, chain: str, anchor: tuple[int, str] | None = None) -> ChainVerdict:
        """Walk the whole chain; the verdict names the first broken record, if any."""
        walker = ChainWalker(chain, self._signer.signature_valid, anchor)
        async for record in self.records(chain):
            broken = walker.check(record)
            if broken is not None:
                return broken
        return walker.verdict()
