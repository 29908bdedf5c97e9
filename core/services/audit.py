"""Recording actions in the audit trail, and checking the trail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from ..audit import ChainVerdict, ChainWalker
from ..models import AuditEvent, AuditRecord, Caller, TenantId
from ..ports import AuditLog

PAGE = 1000


class AuditTrail:
    """Appends one record per action and walks chains to verify or export them."""

    def __init__(self, log: AuditLog) -> None:
        self._log = log

    async def record(
        self,
        tenant: TenantId | None,
        caller: Caller,
        action: str,
        target: str,
        details: Mapping[str, object] | None = None,
    ) -> AuditRecord:
        """Append the action; `details` must hold no personal data (hashes and counts, not text)."""
        event = AuditEvent(tenant, caller.actor, action, target, caller.request_id, dict(details or {}))
        return await self._log.append(event)

    async def chains(self) -> list[str]:
        return sorted(await self._log.chains())

    async def records(self, chain: str, *, after_seq: int = 0) -> AsyncIterator[AuditRecord]:
        """Every record of the chain after `after_seq`, in order, read page by page."""
        while True:
            page = await self._log.read(chain, after_seq=after_seq, limit=PAGE)
            for record in page:
                yield record
            if len(page) < PAGE:
                return
            after_seq = page[-1].seq

    async def verify(self, chain: str, anchor: tuple[int, str] | None = None) -> ChainVerdict:
        """Walk the whole chain; the verdict names the first broken record, if any."""
        walker = ChainWalker(chain, self._log.signature_valid, anchor)
        async for record in self.records(chain):
            broken = walker.check(record)
            if broken is not None:
                return broken
        return walker.verdict()
