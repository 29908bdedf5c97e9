"""Contract tests of the audit trail: `AuditTrailContract` for every MetadataStore (the records live in
its units of work), `AuditSignerContract` for every AuditSigner. Subclasses provide `adapter`.

The chains are checked with `ragloom.core.audit.verify_chain`, the verifier the CLI uses.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from ragloom.core.audit import GENESIS_HASH, linked, verify_chain
from ragloom.core.errors import InvalidInput
from ragloom.core.models import SYSTEM_CHAIN, AuditEvent, AuditRecord, TenantId
from ragloom.core.services.audit import AuditRecorder
from ragloom.core.services.transactions import EventBus, UnitsOfWork

TENANT_A = TenantId("tenant-a")
TENANT_B = TenantId("tenant-b")


def make_event(tenant: TenantId | None = TENANT_A, **overrides: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "tenant_id": tenant,
        "actor": "key:0123abcd",
        "action": "document.upload",
        "target": "document:42",
        "request_id": "req-1",
        "details": {"size_bytes": 12, "media_type": "text/plain"},
    }
    values.update(overrides)
    return AuditEvent(**values)


class AuditCalls:
    """Append and read audit records one unit of work at a time, as the application does."""

    def __init__(self, store: Any, signer: Any) -> None:
        self.units = UnitsOfWork(store, EventBus())
        self.recorder = AuditRecorder(signer)
        self.signature_valid = signer.signature_valid

    async def append(self, event: AuditEvent) -> AuditRecord:
        async with self.units(event.tenant_id) as transaction:
            record = await self.recorder.append(transaction, event)
            await transaction.commit()
        return record

    async def read(self, chain: str, **paging: int) -> Any:
        scope = None if chain == SYSTEM_CHAIN else TenantId(chain)
        async with self.units(scope, read_only=True) as transaction:
            return await transaction.audit.read(chain, **paging)

    async def chains(self) -> Any:
        async with self.units(None, read_only=True) as transaction:
            return await transaction.audit.chains()


async def verified(log: Any, chain: str) -> Any:
    """The verdict of the whole chain as the store keeps it."""
    return verify_chain(chain, await log.read(chain), log.signature_valid)


class AuditTrailContract:
    """How a MetadataStore keeps audit chains: linked, per tenant, append-only, concurrent-safe.
    Besides `adapter` (the store), the test module provides `signer`, any AuditSigner."""

    @pytest.fixture
    def audit_log(self, adapter: Any, signer: Any) -> AuditCalls:
        return AuditCalls(adapter, signer)

    async def test_appends_link_a_chain_that_verifies(self, audit_log: Any) -> None:
        records = [
            await audit_log.append(make_event(action=f"action.{n}", request_id=None)) for n in range(3)
        ]
        assert [r.seq for r in records] == [1, 2, 3]
        assert records[0].prev_hash == GENESIS_HASH
        assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
        assert {r.chain for r in records} == {TENANT_A}
        assert [r.action for r in records] == ["action.0", "action.1", "action.2"]
        assert all(r.time.utcoffset() == timedelta(0) for r in records)
        assert await audit_log.read(TENANT_A) == records  # stored exactly as returned
        verdict = await verified(audit_log, TENANT_A)
        assert verdict.ok, verdict.reason
        assert (verdict.checked, verdict.head_hash) == (3, records[-1].hash)

    async def test_each_tenant_has_its_chain_and_tenantless_events_go_to_the_system_chain(
        self, audit_log: Any
    ) -> None:
        a1 = await audit_log.append(make_event(TENANT_A))
        system = await audit_log.append(make_event(None, actor="admin", action="tenant.create"))
        b1 = await audit_log.append(make_event(TENANT_B))
        a2 = await audit_log.append(make_event(TENANT_A))
        assert (a1.chain, a1.seq, a2.seq) == (TENANT_A, 1, 2)
        assert (b1.chain, b1.seq, b1.tenant_id) == (TENANT_B, 1, TENANT_B)
        assert (system.chain, system.seq, system.tenant_id) == (SYSTEM_CHAIN, 1, None)
        assert sorted(await audit_log.chains()) == sorted([SYSTEM_CHAIN, TENANT_A, TENANT_B])
        assert await audit_log.read(TENANT_A) == [a1, a2]
        assert await audit_log.read(TENANT_B) == [b1]
        assert await audit_log.read(SYSTEM_CHAIN) == [system]
        for chain in (SYSTEM_CHAIN, TENANT_A, TENANT_B):
            assert (await verified(audit_log, chain)).ok

    async def test_read_pages_by_seq(self, audit_log: Any) -> None:
        records = [await audit_log.append(make_event()) for _ in range(5)]
        assert await audit_log.read(TENANT_A, after_seq=2, limit=2) == records[2:4]
        assert await audit_log.read(TENANT_A, after_seq=4) == records[4:]
        assert await audit_log.read(TENANT_A, after_seq=5) == []
        assert await audit_log.read(TENANT_A, limit=0) == []
        assert await audit_log.read(TenantId("nobody")) == []
        with pytest.raises(InvalidInput):
            await audit_log.read(TENANT_A, after_seq=-1)
        assert await audit_log.chains() == [TENANT_A]

    async def test_concurrent_appends_get_every_seq_once(self, audit_log: Any) -> None:
        records = await asyncio.gather(*(audit_log.append(make_event(target=f"t{n}")) for n in range(50)))
        assert sorted(r.seq for r in records) == list(range(1, 51))
        stored = await audit_log.read(TENANT_A)
        assert [r.seq for r in stored] == list(range(1, 51))
        assert sorted(r.target for r in stored) == sorted(f"t{n}" for n in range(50))
        verdict = await verified(audit_log, TENANT_A)
        assert verdict.ok and verdict.checked == 50, verdict.reason

    async def test_details_round_trip_as_json(self, audit_log: Any) -> None:
        details = {"name": "Zoë ✓", "count": 3, "ratio": 0.25, "ok": True, "none": None, "list": [1, "2"]}
        record = await audit_log.append(make_event(details={"nested": details, "b": 1}))
        assert record.details == {"nested": details, "b": 1}
        assert (await audit_log.read(TENANT_A))[0].details == record.details
        assert (await verified(audit_log, TENANT_A)).ok

    async def test_details_that_are_not_json_are_invalid_input(self, audit_log: Any) -> None:
        with pytest.raises(InvalidInput):
            await audit_log.append(make_event(details={"when": object()}))
        assert await audit_log.read(TENANT_A) == []


def signed(signer: Any, seq: int = 1, prev_hash: str = GENESIS_HASH, **overrides: Any) -> AuditRecord:
    return linked(
        make_event(**overrides), seq=seq, prev_hash=prev_hash, key_id=signer.key_id, sign=signer.sign
    )


class AuditSignerContract:
    """The semantics of `ragloom.core.ports.AuditSigner`, for any adapter."""

    def test_signature_valid_only_for_the_signed_hash(self, adapter: Any) -> None:
        record = signed(adapter)
        assert adapter.signature_valid(record)
        other = signed(adapter, seq=2, prev_hash=record.hash, target="document:43")
        flipped = ("0" if record.signature[0] != "0" else "1") + record.signature[1:]
        assert not adapter.signature_valid(dataclasses.replace(record, signature=flipped))
        assert not adapter.signature_valid(dataclasses.replace(record, signature=other.signature))
        assert not adapter.signature_valid(dataclasses.replace(record, hash=other.hash))
        assert not adapter.signature_valid(dataclasses.replace(record, key_id="0" * 16))
        assert not adapter.signature_valid(dataclasses.replace(record, signature="not hex"))

    def test_key_id_is_a_stable_fingerprint(self, adapter: Any) -> None:
        assert adapter.key_id == adapter.key_id and len(adapter.key_id) == 16
        assert signed(adapter).key_id == adapter.key_id

    def test_keyed_digests_are_stable_distinct_and_not_plain_hashes(self, adapter: Any) -> None:
        import hashlib

        digest = adapter.keyed_digest("what is the vault code?")
        assert digest == adapter.keyed_digest("what is the vault code?") and len(digest) == 64
        assert digest != adapter.keyed_digest("what is the vault code")
        assert digest != hashlib.sha256(b"what is the vault code?").hexdigest()
