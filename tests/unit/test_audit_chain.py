"""The audit chain's verification (core.audit) over the in-memory log: tampering and truncation."""

from __future__ import annotations

import dataclasses

from ragloom.adapters.memory.audit import InMemoryAuditLog
from ragloom.core.models import AuditEvent, Caller, TenantId
from ragloom.core.services.audit import AuditTrail

T = TenantId("t1")


async def _trail(records: int) -> tuple[InMemoryAuditLog, AuditTrail]:
    log = InMemoryAuditLog()
    trail = AuditTrail(log)
    for n in range(records):
        await trail.record(T, Caller("key:rlk_0", f"req-{n}"), "document.upload", f"doc-{n}", {"n": n})
    return log, trail


async def test_an_intact_chain_verifies_and_reports_its_head():
    log, trail = await _trail(5)
    verdict = await trail.verify(T)
    assert verdict.ok and verdict.checked == 5 and verdict.head_hash == log.records[T][-1].hash


async def test_altering_removing_or_swapping_names_the_record():
    log, trail = await _trail(5)
    original = list(log.records[T])

    log.records[T][2] = dataclasses.replace(original[2], details={"n": 99})
    assert ((await trail.verify(T)).broken_seq, "altered" in (await trail.verify(T)).reason) == (3, True)

    log.records[T] = original[:2] + original[3:]
    removed = await trail.verify(T)
    assert removed.broken_seq == 3 and "record seq 3 is missing" in removed.reason

    swapped = [
        *original[:1],
        dataclasses.replace(original[2], seq=2),
        dataclasses.replace(original[1], seq=3),
    ]
    log.records[T] = swapped + original[3:]
    assert (await trail.verify(T)).broken_seq == 2


async def test_a_forged_signature_is_caught_even_with_a_consistent_hash():
    log, trail = await _trail(3)
    log.records[T][1] = dataclasses.replace(log.records[T][1], signature="00" * 32)
    verdict = await trail.verify(T)
    assert verdict.broken_seq == 2 and "signature" in verdict.reason


async def test_an_anchor_catches_removal_of_the_newest_records():
    log, trail = await _trail(5)
    head = log.records[T][-1]
    anchor = (head.seq, head.hash)
    del log.records[T][-2:]
    assert (await trail.verify(T)).ok  # the chain alone cannot tell
    verdict = await trail.verify(T, anchor)
    assert verdict.broken_seq == 4 and "newest records were removed" in verdict.reason


async def test_an_anchor_catches_a_rewritten_and_re_signed_tail():
    log, trail = await _trail(5)
    anchor = (5, log.records[T][-1].hash)
    del log.records[T][-2:]
    for n in range(2):  # whoever holds the key appends two other records in their place
        await trail.record(T, Caller("key:rlk_0"), "document.delete", f"doc-{n}")
    assert (await trail.verify(T)).ok
    verdict = await trail.verify(T, anchor)
    assert verdict.broken_seq == 5 and "anchored hash" in verdict.reason
    assert (await trail.verify(T, (3, log.records[T][2].hash))).ok  # an older anchor still holds


async def test_chains_are_per_tenant_and_the_system_chain_holds_the_rest():
    log = InMemoryAuditLog()
    trail = AuditTrail(log)
    await trail.record(None, Caller("anonymous"), "auth.fail", "api_key", {"reason": "unknown API key"})
    await trail.record(T, Caller("admin:root"), "tenant.create", T)
    await log.append(AuditEvent(TenantId("t2"), "admin:root", "tenant.create", "t2"))
    assert await trail.chains() == ["_system", "t1", "t2"]
    for chain in await trail.chains():
        verdict = await trail.verify(chain)
        assert verdict.ok and verdict.checked == 1
