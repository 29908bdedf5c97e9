"""Row-level security on PostgreSQL: the database itself keeps tenants apart, behind the adapters.

Data is written through the real store and audit log; then a plain asyncpg connection as the
application's role (an ordinary role that owns the tables) shows what each scope can see and write.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from ragloom.adapters.memory.signer import HmacSigner
from ragloom.adapters.sqlalchemy.settings import SqlAlchemySettings
from ragloom.adapters.sqlalchemy.unit_of_work import open_metadata_store
from ragloom.contracts.testing.audit import AuditCalls
from ragloom.contracts.testing.metadata_store import (
    TENANT_A,
    TENANT_B,
    StoreCalls,
    make_api_key,
    make_chat,
    make_document,
    make_message,
    make_tenant,
)
from ragloom.core.models import AuditEvent
from tests.conftest import PostgresDatabase

pytestmark = pytest.mark.postgres

TABLES = ("documents", "api_keys", "tenants", "audit_records", "chats", "chat_messages")
EVERYTHING = {
    "documents": 3,
    "api_keys": 3,
    "tenants": 2,
    "audit_records": 4,
    "chats": 3,
    "chat_messages": 3,
}


@pytest.fixture
async def database(postgres_database: PostgresDatabase) -> PostgresDatabase:
    """Tenant A: 2 documents, 1 key, 2 audit records, 1 chat with 2 messages; tenant B: 1 document,
    2 keys, 1 record, 2 chats with 1 message; plus 1 system-chain record."""
    settings = SqlAlchemySettings(url=postgres_database.url, pool_size=1, max_overflow=0)
    async with open_metadata_store(settings) as opened:
        store = StoreCalls(opened)
        for tenant in (TENANT_A, TENANT_B):
            await store.add_tenant(make_tenant(tenant))
        for tenant in (TENANT_A, TENANT_A, TENANT_B):
            await store.add_document(make_document(tenant))
        for tenant in (TENANT_A, TENANT_B, TENANT_B):
            await store.add_api_key(make_api_key(tenant))
        chats = {
            t: [await store.add_chat(make_chat(t)) for _ in range(n)]
            for t, n in ((TENANT_A, 1), (TENANT_B, 2))
        }
        await store.append(chats[TENANT_A][0].id, [make_message("user", "a"), make_message("assistant", "b")])
        await store.append(
            chats[TENANT_B][0].id, [make_message("user", "c", tenant=TENANT_B)], tenant=TENANT_B
        )
        log = AuditCalls(opened, HmacSigner())
        for tenant in (TENANT_A, TENANT_A, TENANT_B, None):
            await log.append(AuditEvent(tenant, "test", "seed", "-"))
    return postgres_database


@pytest.fixture
async def app_connection(database: PostgresDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection as the application's role, with no scope set."""
    connection = await asyncpg.connect(database.dsn(database.url))
    try:
        yield connection
    finally:
        await connection.close()


async def _scope(connection: asyncpg.Connection, tenant: str | None = None, system: bool = False) -> None:
    if tenant is not None:
        await connection.execute("SELECT set_config('ragloom.tenant_id', $1, true)", tenant)
    if system:
        await connection.execute("SELECT set_config('ragloom.system', 'on', true)")


async def _counts(connection: asyncpg.Connection) -> dict[str, int]:
    return {table: await connection.fetchval(f"SELECT count(*) FROM {table}") for table in TABLES}


async def test_the_application_role_is_bound_by_the_policies(
    database: PostgresDatabase, app_connection: asyncpg.Connection
) -> None:
    role = await app_connection.fetchrow(
        "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    assert (role["rolname"], role["rolsuper"], role["rolbypassrls"]) == (database.role, False, False)
    owners = await app_connection.fetch(
        "SELECT relname, pg_get_userbyid(relowner) AS owner, relrowsecurity, relforcerowsecurity "
        "FROM pg_class WHERE relname = ANY($1::text[])",
        list(TABLES),
    )
    # The role owns the tables, so only FORCE makes the policies bind it.
    assert {(r["relname"], r["owner"], r["relrowsecurity"], r["relforcerowsecurity"]) for r in owners} == {
        (table, database.role, True, True) for table in TABLES
    }


async def test_without_a_tenant_setting_no_row_is_visible(
    database: PostgresDatabase, app_connection: asyncpg.Connection
) -> None:
    assert await _counts(app_connection) == dict.fromkeys(TABLES, 0)
    admin = await asyncpg.connect(database.dsn(database.admin_url))
    try:
        assert await _counts(admin) == EVERYTHING  # the rows are there: the superuser bypasses RLS
    finally:
        await admin.close()


async def test_a_tenant_setting_shows_only_that_tenants_rows(app_connection: asyncpg.Connection) -> None:
    async with app_connection.transaction():
        await _scope(app_connection, TENANT_A)
        assert await _counts(app_connection) == {
            "documents": 2,
            "api_keys": 1,
            "tenants": 1,
            "audit_records": 2,
            "chats": 1,
            "chat_messages": 2,
        }
        for table, column in (
            ("documents", "tenant_id"),
            ("api_keys", "tenant_id"),
            ("tenants", "id"),
            ("chats", "tenant_id"),
            ("chat_messages", "tenant_id"),
        ):
            seen = await app_connection.fetch(f"SELECT DISTINCT {column} FROM {table}")
            assert [row[0] for row in seen] == [TENANT_A]
    async with app_connection.transaction():
        await _scope(app_connection, TENANT_B)
        assert await _counts(app_connection) == {
            "documents": 1,
            "api_keys": 2,
            "tenants": 1,
            "audit_records": 1,
            "chats": 2,
            "chat_messages": 1,
        }
    # set_config(..., true) lasts one transaction: a pooled connection carries no scope over.
    assert await _counts(app_connection) == dict.fromkeys(TABLES, 0)


async def test_the_system_scope_opens_the_directory_but_not_documents(
    app_connection: asyncpg.Connection,
) -> None:
    async with app_connection.transaction():
        await _scope(app_connection, system=True)
        assert await _counts(app_connection) == {**EVERYTHING, "documents": 0, "chats": 0, "chat_messages": 0}


async def test_writing_another_tenants_rows_is_refused(app_connection: asyncpg.Connection) -> None:
    intruder = make_document(TENANT_B)
    now = datetime.now(UTC)
    insert_document = (
        "INSERT INTO documents (id, tenant_id, title, filename, media_type, size_bytes, content_hash, "
        "blob_key, status, created_at, updated_at) VALUES ($1, $2, 't', 'f', 'text/plain', 1, $3, 'k', "
        "'queued', $4, $4)"
    )
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with app_connection.transaction():
            await _scope(app_connection, TENANT_A)
            await app_connection.execute(insert_document, intruder.id, TENANT_B, intruder.content_hash, now)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with app_connection.transaction():
            await _scope(app_connection, TENANT_A)
            await app_connection.execute(
                "INSERT INTO api_keys (id, tenant_id, secret_hash, created_at) VALUES ($1, $2, $3, $4)",
                "f" * 32,
                TENANT_B,
                "0" * 64,
                now,
            )
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with app_connection.transaction():  # moving a row to another tenant fails WITH CHECK
            await _scope(app_connection, TENANT_A)
            await app_connection.execute("UPDATE documents SET tenant_id = $1", TENANT_B)
    async with app_connection.transaction():  # unfiltered writes reach the tenant's own rows only
        await _scope(app_connection, TENANT_A)
        assert await app_connection.execute("UPDATE documents SET title = 'mine'") == "UPDATE 2"
        assert await app_connection.execute("DELETE FROM api_keys") == "DELETE 1"
        assert await app_connection.execute("DELETE FROM chat_messages") == "DELETE 2"
        assert (
            await app_connection.execute("DELETE FROM documents WHERE tenant_id = $1", TENANT_B) == "DELETE 0"
        )
    async with app_connection.transaction():
        await _scope(app_connection, TENANT_B)
        titles = [row["title"] for row in await app_connection.fetch("SELECT title FROM documents")]
        assert len(titles) == 1 and titles[0] != "mine"
        assert await _counts(app_connection) == {
            "documents": 1,
            "api_keys": 2,
            "tenants": 1,
            "chats": 2,
            "chat_messages": 1,
            "audit_records": 1,
        }


async def test_a_superuser_connection_is_warned_about(
    database: PostgresDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ragloom.adapters.sqlalchemy"):
        async with open_metadata_store(SqlAlchemySettings(url=database.url, migrate=False)):
            pass
        assert not [r for r in caplog.records if "row-level security" in r.getMessage()]
        async with open_metadata_store(SqlAlchemySettings(url=database.admin_url, migrate=False)):
            pass
    warnings = [r.getMessage() for r in caplog.records if "row-level security" in r.getMessage()]
    assert len(warnings) == 1
    assert "row-level security is bypassed by role postgres" in warnings[0]
