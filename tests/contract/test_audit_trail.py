"""The audit trail contract on every metadata store, the signer contract on both signers, and what is
particular to the SQL store (several writers, the append-only triggers, tampering that
`verify_chain` must pin down) and to the Ed25519 signer (keys, key files, rotation)."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import stat
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from ragloom.adapters.ed25519.keys import key_id
from ragloom.adapters.ed25519.settings import Ed25519Settings
from ragloom.adapters.ed25519.signing import generate_private_key, open_audit_signer, public_key_of
from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.adapters.memory.signer import HmacSigner
from ragloom.adapters.sqlalchemy.database import translated
from ragloom.adapters.sqlalchemy.settings import SqlAlchemySettings
from ragloom.adapters.sqlalchemy.unit_of_work import open_metadata_store
from ragloom.contracts.testing.audit import (
    TENANT_A,
    TENANT_B,
    AuditCalls,
    AuditSignerContract,
    AuditTrailContract,
    make_event,
    verified,
)
from ragloom.core.audit import record_hash, verify_chain
from ragloom.core.errors import Conflict, InvalidInput
from ragloom.core.models import AuditRecord


@dataclass(frozen=True)
class Backend:
    """A fresh database: `url` as the application connects, `admin_url` as an attacker with full rights."""

    dialect: str
    url: str
    admin_url: str

    @asynccontextmanager
    async def log(self, signing_key: str | None = None, **signer: Any) -> AsyncIterator[AuditCalls]:
        """The audit trail on this database, signed with `signing_key` (a new one by default)."""
        migrate = signer.pop("migrate", True)
        key = Ed25519Settings(signing_key=signing_key or generate_private_key(), **signer)
        store_settings = SqlAlchemySettings(url=self.url, pool_size=2, max_overflow=2, migrate=migrate)
        async with open_metadata_store(store_settings) as store, open_audit_signer(key) as ed25519:
            calls = AuditCalls(store, ed25519)
            calls.store = store  # type: ignore[attr-defined]
            calls.signer = ed25519  # type: ignore[attr-defined]
            yield calls


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'audit.sqlite'}"
        return Backend("sqlite", url, url)
    database = request.getfixturevalue("postgres_database")
    return Backend("postgresql", database.url, database.admin_url)


@pytest.fixture
def signer() -> HmacSigner:
    return HmacSigner()


class TestInMemoryAuditTrail(AuditTrailContract):
    @pytest.fixture
    async def adapter(self) -> AsyncIterator[Any]:
        yield InMemoryMetadataStore()


class TestSqliteAuditTrail(AuditTrailContract):
    @pytest.fixture
    async def adapter(self, tmp_path: Path) -> AsyncIterator[Any]:
        url = f"sqlite+aiosqlite:///{tmp_path / 'audit.sqlite'}"
        async with open_metadata_store(SqlAlchemySettings(url=url)) as store:
            yield store


@pytest.mark.postgres
class TestPostgresAuditTrail(AuditTrailContract):
    @pytest.fixture
    async def adapter(self, postgres_url: str) -> AsyncIterator[Any]:
        async with open_metadata_store(SqlAlchemySettings(url=postgres_url, pool_size=2)) as store:
            yield store


class TestHmacSigner(AuditSignerContract):
    @pytest.fixture
    def adapter(self) -> HmacSigner:
        return HmacSigner()


class TestEd25519Signer(AuditSignerContract):
    @pytest.fixture
    async def adapter(self) -> AsyncIterator[Any]:
        async with open_audit_signer(Ed25519Settings(signing_key=generate_private_key())) as signer:
            yield signer


# Settings and keys.


def test_settings_need_exactly_one_key() -> None:
    with pytest.raises(ValidationError, match="needs a key"):
        Ed25519Settings()
    with pytest.raises(ValidationError, match="not both"):
        Ed25519Settings(signing_key=generate_private_key(), signing_key_file="k")
    with pytest.raises(ValidationError, match="create_key_file needs signing_key_file"):
        Ed25519Settings(signing_key=generate_private_key(), create_key_file=True)
    with pytest.raises(ValidationError, match="extra"):
        Ed25519Settings(signing_key=generate_private_key(), key="x")  # type: ignore[call-arg]


def test_bad_key_material_is_named() -> None:
    with pytest.raises(ValidationError, match="signing_key is not valid base64"):
        Ed25519Settings(signing_key="not base64!")
    with pytest.raises(ValidationError, match="must be 32 bytes"):
        Ed25519Settings(signing_key="c2hvcnQ=")
    with pytest.raises(ValidationError, match=r"trusted_public_keys\[1\]"):
        Ed25519Settings(
            signing_key=generate_private_key(),
            trusted_public_keys=[public_key_of(generate_private_key()), "x"],
        )
    secret = generate_private_key()
    assert secret not in repr(Ed25519Settings(signing_key=secret))


async def test_missing_or_bad_key_file_is_invalid_input(tmp_path: Path) -> None:
    missing = tmp_path / "missing.key"
    with pytest.raises(InvalidInput, match="does not exist"):
        async with open_audit_signer(Ed25519Settings(signing_key_file=str(missing))):
            pass
    assert not missing.exists()
    garbage = tmp_path / "garbage.key"
    garbage.write_text("not a key\n")
    with pytest.raises(InvalidInput, match="not valid base64"):
        async with open_audit_signer(Ed25519Settings(signing_key_file=str(garbage))):
            pass


async def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    store = InMemoryMetadataStore()
    key_file = tmp_path / "keys" / "audit.key"
    settings = Ed25519Settings(signing_key_file=str(key_file), create_key_file=True)
    async with open_audit_signer(settings) as signer:
        first = await AuditCalls(store, signer).append(make_event())
        first_key_id = signer.key_id
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_text()
    assert first_key_id == key_id(base64.b64decode(public_key_of(content.strip())))
    assert [p.name for p in key_file.parent.iterdir()] == ["audit.key"]  # no temporary file left
    async with open_audit_signer(settings) as reopened:
        log = AuditCalls(store, reopened)
        assert reopened.key_id == first_key_id == first.key_id
        second = await log.append(make_event())
        assert reopened.signature_valid(first)
        verdict = await verified(log, TENANT_A)
        assert verdict.ok and verdict.head_hash == second.hash
    assert key_file.read_text() == content


async def test_records_of_another_key_fail_until_that_key_is_trusted(backend: Backend) -> None:
    old_key, new_key = generate_private_key(), generate_private_key()
    async with backend.log(old_key) as old:
        signed_before = [await old.append(make_event()) for _ in range(2)]
    async with backend.log(new_key) as untrusting:
        assert not untrusting.signature_valid(signed_before[0])
        verdict = await verified(untrusting, TENANT_A)
        assert (verdict.broken_seq, verdict.checked) == (1, 0)
        assert "signature" in (verdict.reason or "")
    async with backend.log(new_key, trusted_public_keys=[public_key_of(old_key)]) as rotated:
        assert rotated.signature_valid(signed_before[0])
        after = await rotated.append(make_event())
        assert after.key_id != signed_before[0].key_id
        verdict = await verified(rotated, TENANT_A)
        assert verdict.ok and verdict.checked == 3, verdict.reason
    async with backend.log(old_key) as old_again:
        verdict = await verified(old_again, TENANT_A)  # the old key alone does not vouch for the new one
        assert (verdict.broken_seq, verdict.checked) == (3, 2)


# Several writers.


async def test_two_writers_on_one_database_get_every_seq_once(backend: Backend) -> None:
    key = generate_private_key()
    async with backend.log(key) as first, backend.log(key, migrate=False) as second:
        records = await asyncio.gather(
            *(log.append(make_event(target=f"t{n}")) for n in range(25) for log in (first, second))
        )
        assert sorted(r.seq for r in records) == list(range(1, 51))
        verdict = await verified(first, TENANT_A)
        assert verdict.ok and verdict.checked == 50, verdict.reason


# Append-only.


async def test_update_delete_and_truncate_are_refused(backend: Backend) -> None:
    async with backend.log() as log:
        stored = [await log.append(make_event()) for _ in range(2)]
        statements = [
            "UPDATE audit_records SET actor = 'someone else'",
            "DELETE FROM audit_records WHERE seq = 2",
        ]
        if backend.dialect == "postgresql":
            statements.append("TRUNCATE audit_records")
        for statement in statements:
            with pytest.raises(exc.DBAPIError, match="audit records are append-only"):
                async with log.store.unit_of_work(None) as unit:  # the app role, seeing every row
                    await unit.connection.execute(text(statement))
            with pytest.raises(Conflict, match="append-only"), translated():
                async with log.store.unit_of_work(None) as unit:
                    await unit.connection.execute(text(statement))
        assert await log.read(TENANT_A) == stored
        assert (await verified(log, TENANT_A)).ok


# Tampering, done with rights the application does not have.


@asynccontextmanager
async def tampering(backend: Backend) -> AsyncIterator[AsyncConnection]:
    """A transaction that can rewrite `audit_records`: as the superuser with triggers off on
    PostgreSQL (`session_replication_role = replica`), with the triggers dropped on SQLite."""
    engine = create_async_engine(backend.admin_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            if backend.dialect == "postgresql":
                await connection.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                for trigger in ("audit_records_no_update", "audit_records_no_delete"):
                    await connection.execute(text(f"DROP TRIGGER {trigger}"))
            yield connection
    finally:
        await engine.dispose()


async def _alter_a_field(connection: AsyncConnection, records: list[AuditRecord]) -> None:
    await connection.execute(
        text("UPDATE audit_records SET actor = 'mallory' WHERE chain = :c AND seq = 3"), {"c": TENANT_A}
    )


async def _alter_details(connection: AsyncConnection, records: list[AuditRecord]) -> None:
    await connection.execute(
        text("UPDATE audit_records SET details = :d WHERE chain = :c AND seq = 3"),
        {"d": '{"media_type":"text/plain","size_bytes":13}', "c": TENANT_A},
    )


async def _rehash_without_the_key(connection: AsyncConnection, records: list[AuditRecord]) -> None:
    forged = dataclasses.replace(records[2], target="document:other")
    await connection.execute(
        text("UPDATE audit_records SET target = :t, hash = :h WHERE chain = :c AND seq = 3"),
        {"t": forged.target, "h": record_hash(forged), "c": TENANT_A},
    )


async def _delete(connection: AsyncConnection, records: list[AuditRecord]) -> None:
    await connection.execute(text("DELETE FROM audit_records WHERE chain = :c AND seq = 3"), {"c": TENANT_A})


async def _delete_and_renumber(connection: AsyncConnection, records: list[AuditRecord]) -> None:
    await _delete(connection, records)
    for seq in (4, 5):
        await connection.execute(
            text("UPDATE audit_records SET seq = :new WHERE chain = :c AND seq = :old"),
            {"new": seq - 1, "old": seq, "c": TENANT_A},
        )


async def _swap(connection: AsyncConnection, records: list[AuditRecord]) -> None:
    for old, new in ((2, -2), (3, 2), (-2, 3)):
        await connection.execute(
            text("UPDATE audit_records SET seq = :new WHERE chain = :c AND seq = :old"),
            {"new": new, "old": old, "c": TENANT_A},
        )


Tamper = Callable[[AsyncConnection, list[AuditRecord]], Any]


@pytest.mark.parametrize(
    ("tamper", "broken_seq", "checked", "reason"),
    [
        (_alter_a_field, 3, 2, "altered"),
        (_alter_details, 3, 2, "altered"),
        (_rehash_without_the_key, 3, 2, "signature"),
        (_delete, 3, 2, "record seq 3 is missing"),  # the deleted record itself is named
        (_delete_and_renumber, 3, 2, "prev_hash"),
        (_swap, 2, 1, "prev_hash"),
    ],
    ids=["alter-field", "alter-details", "rehash", "delete", "delete-renumber", "swap"],
)
async def test_tampering_is_reported_at_the_first_bad_record(
    backend: Backend, tamper: Tamper, broken_seq: int, checked: int, reason: str
) -> None:
    async with backend.log() as log:
        records = [await log.append(make_event(target=f"document:{n}")) for n in range(1, 6)]
        other_chain = [await log.append(make_event(TENANT_B)) for _ in range(2)]
        assert (await verified(log, TENANT_A)).ok
        async with tampering(backend) as connection:
            await tamper(connection, records)
        verdict = verify_chain(TENANT_A, await log.read(TENANT_A), log.signature_valid)
        assert verdict.broken_seq == broken_seq, verdict
        assert reason in (verdict.reason or "")
        assert verdict.checked == checked
        assert (await verified(log, TENANT_B)).ok
        assert await log.read(TENANT_B) == other_chain
