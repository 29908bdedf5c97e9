"""SQL AuditLog: hash-chained, Ed25519-signed records in `audit_records` (SQLite or PostgreSQL).

One chain per tenant (`chain == tenant_id`) plus `SYSTEM_CHAIN`. Appending reads the chain's head,
links and signs the new record, and inserts it at `seq + 1`, in one transaction. Appends of one
process are serialised by an asyncio lock; on PostgreSQL a per-chain advisory lock serialises
processes too, and a (chain, seq) primary-key collision (or a busy SQLite file) is retried.
Triggers make the table append-only (migration 0002); the adapter never updates or deletes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import exc, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ragloom.core.audit import GENESIS_HASH, canonical_details, chain_of, linked
from ragloom.core.errors import InvalidInput, ProviderUnavailable
from ragloom.core.models import SYSTEM_CHAIN, AuditEvent, AuditRecord, TenantId

from .database import is_unique_violation, opened_engine, scoped, translated
from .settings import SqlAuditSettings
from .signing import Signer, Verifier, decode_key, load_private_key
from .tables import audit_records

APPEND_ATTEMPTS = 8
_CHAIN_LOCK_SPACE = 0x72616175  # "raau": the first key of the per-chain advisory locks
_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:space, hashtext(:chain))")


def _to_record(row: Mapping[str, Any]) -> AuditRecord:
    return AuditRecord(
        chain=row["chain"],
        seq=row["seq"],
        time=row["time"],
        tenant_id=None if row["tenant_id"] is None else TenantId(row["tenant_id"]),
        actor=row["actor"],
        action=row["action"],
        target=row["target"],
        request_id=row["request_id"],
        details=json.loads(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        signature=row["signature"],
        key_id=row["key_id"],
    )


def _contended(error: exc.DBAPIError) -> bool:
    """Another writer took this seq first, or held the SQLite file: read the head again."""
    return is_unique_violation(error) or (
        isinstance(error, exc.OperationalError) and "database is locked" in str(error.orig)
    )


class SqlAuditLog:
    """The AuditLog port on SQL. `signature_valid` trusts the signing key and `trusted` keys."""

    def __init__(self, engine: AsyncEngine, signer: Signer, verifier: Verifier) -> None:
        self._engine = engine
        self._signer = signer
        self._verifier = verifier
        self._chain_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @property
    def key_id(self) -> str:
        """The fingerprint of the key that signs new records."""
        return self._signer.key_id

    @property
    def public_key(self) -> str:
        """Base64 raw public key of the signing key (list it in `trusted_public_keys` after rotating)."""
        return self._signer.public_key

    async def health(self) -> None:
        """Run `SELECT 1`; ProviderUnavailable when the database does not answer."""
        with translated():
            async with self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))

    async def append(self, event: AuditEvent) -> AuditRecord:
        details = canonical_details(event.details)
        chain = chain_of(event)
        async with self._chain_locks[chain]:  # one writer per chain here; other chains go on in parallel
            for attempt in range(1, APPEND_ATTEMPTS + 1):
                try:
                    return await self._append_once(chain, event, details)
                except exc.DBAPIError as error:
                    if not _contended(error):
                        with translated():
                            raise
                    if attempt == APPEND_ATTEMPTS:
                        raise ProviderUnavailable(
                            f"audit chain {chain!r} stayed contended for {APPEND_ATTEMPTS} attempts"
                        ) from error
                except (exc.TimeoutError, OSError):
                    with translated():
                        raise
                await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _append_once(self, chain: str, event: AuditEvent, details: str) -> AuditRecord:
        """One attempt; driver errors propagate untranslated so `append` can tell a lost race."""
        async with scoped(self._engine, event.tenant_id, system=event.tenant_id is None) as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(_CHAIN_LOCK, {"space": _CHAIN_LOCK_SPACE, "chain": chain})
            seq, prev_hash = await self._head(connection, chain)
            record = linked(
                event,
                seq=seq + 1,
                prev_hash=prev_hash,
                key_id=self._signer.key_id,
                sign=self._signer.sign,
                details=json.loads(details),  # what read() will give back, so the hash matches
            )
            row = {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}
            await connection.execute(insert(audit_records).values({**row, "details": details}))
        return record

    @staticmethod
    async def _head(connection: AsyncConnection, chain: str) -> tuple[int, str]:
        query = (
            select(audit_records.c.seq, audit_records.c.hash)
            .where(audit_records.c.chain == chain)
            .order_by(audit_records.c.seq.desc())
            .limit(1)
        )
        head = (await connection.execute(query)).first()
        return (0, GENESIS_HASH) if head is None else (head.seq, head.hash)

    async def chains(self) -> Sequence[str]:
        query = select(audit_records.c.chain).distinct().order_by(audit_records.c.chain)
        with translated():
            async with scoped(self._engine, system=True) as connection:
                return list((await connection.execute(query)).scalars().all())

    async def read(self, chain: str, *, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditRecord]:
        if after_seq < 0 or limit < 0:
            raise InvalidInput("after_seq and limit must not be negative")
        query = (
            select(audit_records)
            .where(audit_records.c.chain == chain, audit_records.c.seq > after_seq)
            .order_by(audit_records.c.seq)
            .limit(limit)
        )
        system = chain == SYSTEM_CHAIN  # a tenant's chain is read under that tenant's scope only
        with translated():
            async with scoped(self._engine, None if system else chain, system=system) as connection:
                rows = (await connection.execute(query)).mappings().all()
        return [_to_record(row) for row in rows]

    def signature_valid(self, record: AuditRecord) -> bool:
        return self._verifier.valid(record)


def signer_and_verifier(settings: SqlAuditSettings) -> tuple[Signer, Verifier]:
    """The signer of the configured key; a verifier trusting it and every `trusted_public_keys`."""
    secret = settings.signing_key.get_secret_value() if settings.signing_key is not None else None
    signer = Signer(
        load_private_key(
            signing_key=secret,
            signing_key_file=settings.signing_key_file,
            create_key_file=settings.create_key_file,
        )
    )
    trusted = [decode_key(key, "trusted public key") for key in settings.trusted_public_keys]
    return signer, Verifier([signer.public_raw, *trusted])


@asynccontextmanager
async def open_audit_log(settings: SqlAuditSettings) -> AsyncIterator[SqlAuditLog]:
    """Load the signing key, create the engine, migrate when `settings.migrate`, yield the log."""
    signer, verifier = signer_and_verifier(settings)
    async with opened_engine(
        settings.url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        run_migrations=settings.migrate,
    ) as engine:
        yield SqlAuditLog(engine, signer, verifier)
