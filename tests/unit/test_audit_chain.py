"""The audit chain's verification (core.audit) over the in-memory store: tampering and truncation."""

from __future__ import annotations

import dataclasses

from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.adapters.memory.signer import HmacSigner
from ragloom.core.events import AuthenticationFailed, DocumentDeleted, DocumentUploaded, TenantCreated
from ragloom.core.models import Caller, DocumentId, TenantId
from ragloom.core.services.audit import AuditRecorder, AuditTrail
from ragloom.core.services.transactions import DomainEvent, EventBus, UnitsOfWork

T = TenantId("t1")


def _units() -> tuple[InMemoryMetadataStore, UnitsOfWork, AuditTrail]:
    store, signer, bus = InMemoryMetadataStore(), HmacSigner(), EventBus()
    bus.within(DomainEvent, AuditRecorder(signer).on_event)
    units = UnitsOfWork(store, bus)
    return store, units, AuditTrail(signer, units)


def _upload(n: int) -> DocumentUploaded:
    return DocumentUploaded(
        tenant_id=T,
        caller=Caller("key:rlk_0", f"req-{n}"),
        document_id=DocumentId(f"doc-{n}"),
        media_type="text/plain",
        size_bytes=n,
        content_sha256="0" * 64,
    )


async def _trail(records: int) -> tuple[InMemoryMetadataStore, UnitsOfWork, AuditTrail]:
    store, units, trail = _units()
    for n in range(records):
        await units.publish(_upload(n))
    return store, units, trail


async def test_an_intact_chain_verifies_and_reports_its_head():
    store, _, trail = await _trail(5)
    verdict = await trail.verify(T)
    assert verdict.ok and verdict.checked == 5 and verdict.head_hash == store.state.audit[T][-1].hash


async def test_altering_removing_or_swapping_names_the_record():
    store, _, trail = await _trail(5)
    original = list(store.state.audit[T])

    store.tamper(T, [*original[:2], dataclasses.replace(original[2], details={"n": 99}), *original[3:]])
    altered = await trail.verify(T)
    assert (altered.broken_seq, "altered" in altered.reason) == (3, True)

    store.tamper(T, original[:2] + original[3:])
    removed = await trail.verify(T)
    assert removed.broken_seq == 3 and "record seq 3 is missing" in removed.reason

    swapped = [
        *original[:1],
        dataclasses.replace(original[2], seq=2),
        dataclasses.replace(original[1], seq=3),
    ]
    store.tamper(T, swapped + original[3:])
    assert (await trail.verify(T)).broken_seq == 2


async def test_a_forged_signature_is_caught_even_with_a_consistent_hash():
    store, _, trail = await _trail(3)
    records = list(store.state.audit[T])
    records[1] = dataclasses.replace(records[1], signature="00" * 32)
    store.tamper(T, records)
    verdict = await trail.verify(T)
    assert verdict.broken_seq == 2 and "signature" in verdict.reason


async def test_an_anchor_catches_removal_of_the_newest_records():
    store, _, trail = await _trail(5)
    head = store.state.audit[T][-1]
    anchor = (head.seq, head.hash)
    store.tamper(T, store.state.audit[T][:-2])
    assert (await trail.verify(T)).ok  # the chain alone cannot tell
    verdict = await trail.verify(T, anchor)
    assert verdict.broken_seq == 4 and "newest records were removed" in verdict.reason


async def test_an_anchor_catches_a_rewritten_and_re_signed_tail():
    store, units, trail = await _trail(5)
    anchor = (5, store.state.audit[T][-1].hash)
    store.tamper(T, store.state.audit[T][:-2])
    for n in range(2):  # whoever holds the key appends two other records in their place
        await units.publish(
            DocumentDeleted(tenant_id=T, caller=Caller("key:rlk_0"), document_id=DocumentId(f"d{n}"))
        )
    assert (await trail.verify(T)).ok
    verdict = await trail.verify(T, anchor)
    assert verdict.broken_seq == 5 and "anchored hash" in verdict.reason
    assert (await trail.verify(T, (3, store.state.audit[T][2].hash))).ok  # an older anchor still holds


async def test_chains_are_per_tenant_and_the_system_chain_holds_the_rest():
    _, units, trail = _units()
    await units.publish(
        AuthenticationFailed(
            tenant_id=None, caller=Caller("anonymous"), reason="unknown API key", source="0123456789abcdef"
        )
    )
    await units.publish(TenantCreated(tenant_id=T, caller=Caller("admin:root"), key_id="rlk_1"))
    await units.publish(TenantCreated(tenant_id=TenantId("t2"), caller=Caller("admin:root"), key_id="rlk_2"))
    assert await trail.chains() == ["_system", "t1", "t2"]
    for chain in await trail.chains():
        verdict = await trail.verify(chain)
        assert verdict.ok and verdict.checked == 1
