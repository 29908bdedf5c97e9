"""In-memory AuditLog: the same chain arithmetic as the SQL log, signed with an HMAC key of its own."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence

from ragloom.core.audit import GENESIS_HASH, canonical_details, chain_of, linked
from ragloom.core.errors import InvalidInput
from ragloom.core.models import AuditEvent, AuditRecord


class InMemoryAuditLog:
    """Chains in lists; lost at exit (tests and demos). `records` is exposed so tests can tamper."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self.key_id = hashlib.sha256(self._key).hexdigest()[:16]
        self.records: dict[str, list[AuditRecord]] = {}
        self._lock = asyncio.Lock()

    def _sign(self, digest: str) -> str:
        return hmac.new(self._key, digest.encode(), hashlib.sha256).hexdigest()

    async def append(self, event: AuditEvent) -> AuditRecord:
        details = json.loads(canonical_details(event.details))  # plain JSON, as the SQL log keeps it
        async with self._lock:
            records = self.records.setdefault(chain_of(event), [])
            record = linked(
                event,
                seq=len(records) + 1,
                prev_hash=records[-1].hash if records else GENESIS_HASH,
                key_id=self.key_id,
                sign=self._sign,
                details=details,
            )
            records.append(record)
            return record

    async def chains(self) -> Sequence[str]:
        return [chain for chain, records in self.records.items() if records]

    async def read(self, chain: str, *, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditRecord]:
        if after_seq < 0 or limit < 0:
            raise InvalidInput("after_seq and limit must not be negative")
        records = sorted(self.records.get(chain, []), key=lambda r: r.seq)
        return [r for r in records if r.seq > after_seq][:limit]

    def signature_valid(self, record: AuditRecord) -> bool:
        return record.key_id == self.key_id and hmac.compare_digest(record.signature, self._sign(record.hash))
