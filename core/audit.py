"""The audit chain's arithmetic: canonical bodies, link hashes and verification (no I/O, no crypto keys).

A record's hash is SHA-256 over its canonical body, which includes the previous record's hash, so
changing, removing or reordering any record breaks every link after it. The signature over the hash
(made by the AuditLog adapter) stops anyone without the key from rewriting the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime

from .errors import InvalidInput
from .models import SYSTEM_CHAIN, AuditEvent, AuditRecord

GENESIS_HASH = "0" * 64


UNHASHED_FIELDS = ("hash", "signature")


def canonical_body(record: AuditRecord) -> bytes:
    """The exact bytes that are hashed: every field but the hash and signature, as sorted-key compact
    JSON, the time in UTC microseconds."""
    body = {f.name: getattr(record, f.name) for f in fields(record) if f.name not in UNHASHED_FIELDS}
    body["time"] = record.time.isoformat(timespec="microseconds")
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: AuditRecord) -> str:
    """The hash the record should carry, recomputed from its fields."""
    return hashlib.sha256(canonical_body(record)).hexdigest()


def canonical_details(details: Mapping[str, object]) -> str:
    """Details as the sorted-key compact JSON that is stored; InvalidInput if they are not plain JSON."""
    try:
        return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"audit details must be plain JSON values: {error}") from error


def chain_of(event: AuditEvent) -> str:
    """The chain an event goes to: its tenant's, or the system chain."""
    return event.tenant_id or SYSTEM_CHAIN


def linked(
    event: AuditEvent,
    *,
    seq: int,
    prev_hash: str,
    key_id: str,
    sign: Callable[[str], str],
    details: Mapping[str, object] | None = None,
) -> AuditRecord:
    """The event as record `seq` of its chain after `prev_hash`: timed now, hashed, then signed.

    `details` replaces the event's when the store keeps them in another (canonical) form.
    """
    unsigned = AuditRecord(
        chain=chain_of(event),
        seq=seq,
        time=datetime.now(UTC),
        tenant_id=event.tenant_id,
        actor=event.actor,
        action=event.action,
        target=event.target,
        request_id=event.request_id,
        details=event.details if details is None else details,
        prev_hash=prev_hash,
        hash="",
        signature="",
        key_id=key_id,
    )
    digest = record_hash(unsigned)
    return replace(unsigned, hash=digest, signature=sign(digest))


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    """The outcome of walking one chain: `broken_seq` and `reason` name the first bad record."""

    chain: str
    checked: int
    head_hash: str
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


class ChainWalker:
    """Checks one chain record by record (so a long chain never has to sit in memory)."""

    def __init__(
        self,
        chain: str,
        signature_valid: Callable[[AuditRecord], bool],
        anchor: tuple[int, str] | None = None,
    ) -> None:
        """`anchor` is a (seq, hash) the chain was seen to hold earlier, kept outside the database:
        it catches what the chain alone cannot, the removal of its newest records."""
        self.chain = chain
        self._signature_valid = signature_valid
        self._anchor = anchor
        self._expected_seq = 1
        self._prev_hash = GENESIS_HASH
        self._checked = 0

    def check(self, record: AuditRecord) -> ChainVerdict | None:
        """None if the record extends the chain correctly; else the verdict naming it."""
        if record.seq > self._expected_seq:  # name the first missing record, not the one after it
            missing = f"record seq {self._expected_seq} is missing (the next one stored is seq {record.seq})"
            return ChainVerdict(self.chain, self._checked, self._prev_hash, self._expected_seq, missing)
        fault = self._fault(record)
        if fault is not None:
            return ChainVerdict(self.chain, self._checked, self._prev_hash, record.seq, fault)
        self._checked += 1
        self._expected_seq += 1
        self._prev_hash = record.hash
        return None

    def verdict(self) -> ChainVerdict:
        """The verdict for a chain whose every record passed `check`."""
        if self._anchor is not None and self._checked < self._anchor[0]:
            return ChainVerdict(
                self.chain,
                self._checked,
                self._prev_hash,
                self._checked + 1,
                f"the chain ends at seq {self._checked} but held seq {self._anchor[0]} when anchored "
                "(its newest records were removed)",
            )
        return ChainVerdict(self.chain, self._checked, self._prev_hash)

    def _fault(self, record: AuditRecord) -> str | None:
        if record.chain != self.chain:
            return f"record belongs to chain {record.chain!r}"
        if record.seq != self._expected_seq:
            return f"expected seq {self._expected_seq}, found {record.seq} (a record was moved or copied)"
        if record.prev_hash != self._prev_hash:
            return "prev_hash does not match the previous record's hash (removed or reordered)"
        if record_hash(record) != record.hash:
            return "hash does not match the record's content (the record was altered)"
        if not self._signature_valid(record):
            return "signature is not valid for the hash (forged, or re-hashed without the key)"
        if self._anchor is not None and record.seq == self._anchor[0] and record.hash != self._anchor[1]:
            return "hash differs from the anchored hash of this seq (the chain was rewritten and re-signed)"
        return None


def verify_chain(
    chain: str,
    records: Iterable[AuditRecord],
    signature_valid: Callable[[AuditRecord], bool],
    anchor: tuple[int, str] | None = None,
) -> ChainVerdict:
    """Check seq continuity, each link, each hash and each signature, stopping at the first failure."""
    walker = ChainWalker(chain, signature_valid, anchor)
    for record in records:
        broken = walker.check(record)
        if broken is not None:
            return broken
    return walker.verdict()
