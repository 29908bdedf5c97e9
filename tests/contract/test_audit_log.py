"""AuditLog contract on SQLite and PostgreSQL, plus what is particular to the SQL adapter: keys,
several writers, the append-only triggers, and tampering that `verify_chain` must pin down."""

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

from ragloom.adapters.sqlalchemy import SqlAuditLog, SqlAuditSettings, open_audit_log
from ragloom.adapters.sqlalchemy.database import scoped, translated
from ragloom.adapters.sqlalchemy.signing import generate_private_key, key_id, public_key_of
from ragloom.contracts.testing.audit_log import TENANT_A, TENANT_B, AuditLogContract, make_event, verified
from ragloom.core.audit import record_hash, verify_chain
from ragloom.core.errors import Conflict, InvalidInput
from ragloom.core.models import AuditRecord


@dataclass(frozen=True)
class Backend:
    """A fresh database: `url` as the application connects, `admin_url` as an attacker with full rights."""

    dialect: str
    url: str
    admin_url: str

    def settings(self, **overrides: Any) -> SqlAuditSettings:
        values: dict[str, Any] = {"url": self.url, "pool_size": 2, "max_overflow": 2}
        if "signing_key_file" not in overrides:
            values["signing_key"] = generate_private_key()
        values.update(overrides)
        return SqlAuditSettings(**values)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'audit.sqlite'}"
        return Backend("sqlite", url, url)
    database = request.getfixturevalue("postgres_database")
    return Backend("postgresql", database.url, database.admin_url)


class TestSqliteAuditLog(AuditLogContract):
    @pytest.fixture
    async def audit_log(self, tmp_path: Path) -> AsyncIterator[SqlAuditLog]:
        url = f"sqlite+aiosqlite:///{tmp_path / 'audit.sqlite'}"
        async with open_audit_log(SqlAuditSettings(url=url, signing_key=generate_private_key())) as log:
            yield log


@pytest.mark.postgres
class TestPostgresAuditLog(AuditLogContract):
    @pytest.fixture
    async def audit_log(self, postgres_url: str) -> AsyncIterator[SqlAuditLog]:
        settings = SqlAuditSettings(url=postgres_url, signing_key=generate_private_key(), pool_size=2)
        async with open_audit_log(settings) as log:
            yield log


# Settings and keys.


def test_settings_need_exactly_one_key() -> None:
    url = "sqlite+aiosqlite:///audit.sqlite"
    with pytest.raises(ValidationError, match="needs a signing key"):
        SqlAuditSettings(url=url)
    with pytest.raises(ValidationError, match="not both"):
        SqlAuditSettings(url=url, signing_key=generate_private_key(), signing_key_file="k")
    with pytest.raises(ValidationError, match="create_key_file needs signing_key_file"):
        SqlAuditSettings(url=url, signing_key=generate_private_key(), create_key_file=True)
    with pytest.raises(ValidationError, match="extra"):
        SqlAuditSettings(url=url, signing_key=generate_private_key(), key="x")  # type: ignore[call-arg]


def test_bad_key_material_is_named() -> None:
    url = "sqlite+aiosqlite:///audit.sqlite"
    with pytest.raises(ValidationError, match="signing_key is not valid base64"):
        SqlAuditSettings(url=url, signing_key="not base64!")
    with pytest.raises(ValidationError, match="must be 32 bytes"):
        SqlAuditSettings(url=url, signing_key="c2hvcnQ=")
    with pytest.raises(ValidationError, match=r"trusted_public_keys\[1\]"):
        SqlAuditSettings(
            url=url,
            signing_key=generate_private_key(),
            trusted_public_keys=[public_key_of(generate_private_key()), "x"],
        )
    secret = generate_private_key()
    assert secret not in repr(SqlAuditSettings(url=url, signing_key=secret))


async def test_missing_or_bad_key_file_is_invalid_input(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'audit.sqlite'}"
    missing = tmp_path / "missing.key"
    with pytest.raises(InvalidInput, match="does not exist"):
        async with open_audit_log(SqlAuditSettings(url=url, signing_key_file=str(missing))):
            pass
    assert not missing.exists()
    garbage = tmp_path / "garbage.key"
    garbage.write_text("not a key\n")
    with pytest.raises(InvalidInput, match="not valid base64"):
        async with open_audit_log(SqlAuditSettings(url=url, signing_key_file=str(garbage))):
            pass


async def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'audit.sqlite'}"
    key_file = tmp_path / "keys" / "audit.key"
    settings = SqlAuditSettings(url=url, signing_key_file=str(key_file), create_key_file=True)
    async with open_audit_log(settings) as log:
        first = await log.append(make_event())
        first_key_id = log.key_id
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_text()
    assert first_key_id == key_id(base64.b64decode(public_key_of(content.strip())))
    assert [p.name for p in key_file.parent.iterdir()] == ["audit.key"]  # no temporary file left
    async with open_audit_log(settings) as reopened:
        assert reopened.key_id == first_key_id == first.key_id
        second = await reopened.append(make_event())
        assert reopened.signature_valid(first)
        verdict = await verified(reopened, TENANT_A)
        assert verdict.ok and verdict.head_hash == second.hash
    assert key_file.read_text() == content


async def test_records_of_another_key_fail_until_that_key_is_trusted(backend: Backend) -> None:
    old_key, new_key = generate_private_key(), generate_private_key()
    async with open_audit_log(backend.settings(signing_key=old_key)) as old:
        signed_before = [await old.append(make_event()) for _ in range(2)]
    async with open_audit_log(backend.settings(signing_key=new_key)) as untrusting:
        assert not untrusting.signature_valid(signed_before[0])
        verdict = await verified(untrusting, TENANT_A)
        assert (verdict.broken_seq, verdict.checked) == (1, 0)
        assert "signature" in (verdict.reason or "")
    rotated_settings = backend.settings(signing_key=new_key, trusted_public_keys=[public_key_of(old_key)])
    async with open_audit_log(rotated_settings) as rotated:
        assert rotated.signature_valid(signed_before[0])
        after = await rotated.append(make_event())
        assert after.key_id != signed_before[0].key_id
        verdict = await verified(rotated, TENANT_A)
        assert verdict.ok and verdict.checked == 3, verdict.reason
    async with open_audit_log(backend.settings(signing_key=old_key)) as old_again:
        verdict = await verified(old_again, TENANT_A)  # the old key alone does not vouch for the new one
        assert (verdict.broken_seq, verdict.checked) == (3, 2)


# Several writers.


async def test_two_writers_on_one_database_get_every_seq_once(backend: Backend) -> None:
    key = generate_private_key()
    async with (
        open_audit_log(backend.settings(signing_key=key)) as first,
        open_audit_log(backend.settings(signing_key=key, migrate=False)) as second,
    ):
        records = await asyncio.gather(
            *(log.append(make_event(target=f"t{n}")) for n in range(25) for log in (first, second))
        )
        assert sorted(r.seq for r in records) == list(range(1, 51))
        verdict = await verified(first, TENANT_A)
        assert verdict.ok and verdict.checked == 50, verdict.reason


# Append-only.


async def test_update_delete_and_truncate_are_refused(backend: Backend) -> None:
    async with open_audit_log(backend.settings()) as log:
        stored = [await log.append(make_event()) for _ in range(2)]
        statements = [
            "UPDATE audit_records SET actor = 'someone else'",
            "DELETE FROM audit_records WHERE seq = 2",
        ]
        if backend.dialect == "postgresql":
            statements.append("TRUNCATE audit_records")
        for statement in statements:
            with pytest.raises(exc.DBAPIError, match="audit records are append-only"):
                async with scoped(log._engine, system=True) as connection:  # the app role, seeing every row
                    await connection.execute(text(statement))
            with pytest.raises(Conflict, match="append-only"), translated():
                async with scoped(log._engine, system=True) as connection:
                    await connection.execute(text(statement))
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
    async with open_audit_log(backend.settings()) as log:
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


class TestInMemoryAuditLog(AuditLogContract):
    @pytest.fixture
    async def audit_log(self) -> AsyncIterator[Any]:
        from ragloom.adapters.memory.audit import InMemoryAuditLog

        yield InMemoryAuditLog()
