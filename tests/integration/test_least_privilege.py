"""PostgreSQL with the schema owner and the service's role apart (`ragloom db migrate` + `app_role`).

The owner migrates and grants; the service connects as an ordinary role that owns nothing: it works
normally, but it cannot change or remove audit records, nor drop the trigger or the policies.
"""

from __future__ import annotations

import subprocess
import sys

import asyncpg
import pytest

from ragloom.adapters.memory.signer import HmacSigner
from ragloom.adapters.sqlalchemy.settings import SqlAlchemySettings
from ragloom.adapters.sqlalchemy.unit_of_work import open_metadata_store
from ragloom.contracts.testing.audit import AuditCalls, verified
from ragloom.contracts.testing.metadata_store import TENANT_A, StoreCalls, make_document, make_tenant
from ragloom.core.models import AuditEvent
from tests.conftest import POSTGRES_ADMIN_DSN, PostgresDatabase
from tests.helpers.tenants import new_signing_key

pytestmark = pytest.mark.postgres


@pytest.fixture
async def app_role(postgres_database: PostgresDatabase):
    """An ordinary LOGIN role for the service, dropped (with its grants) after the test."""
    role = f"{postgres_database.role}_app"
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    await admin.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS')
    try:
        yield role
    finally:
        in_database = await asyncpg.connect(postgres_database.dsn(postgres_database.admin_url))
        await in_database.execute(f'DROP OWNED BY "{role}"')
        await in_database.close()
        await admin.execute(f'DROP ROLE "{role}"')
        await admin.close()


def _as(url: str, role: str) -> str:
    user_and_rest = url.split("://", 1)[1]
    return url.replace(user_and_rest.split("@", 1)[0] + "@", f"{role}@", 1)


def _migrate_with_the_cli(owner_url: str, role: str, tmp_path) -> None:
    env = {
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_ADAPTERS__BLOB_STORE": "local",  # on disk, shared by the processes here
        "RAGLOOM_HOME": str(tmp_path),
        "RAGLOOM_DATABASE_URL": owner_url,
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_REDIS_URL": "unused",
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_PLUGINS__METADATA_STORE__SQLALCHEMY__APP_ROLE": role,
        "RAGLOOM_PLUGINS__METADATA_STORE__SQLALCHEMY__MIGRATE": "false",  # the command turns it on
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "ragloom.entrypoints.cli", "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stderr


async def test_the_service_role_works_but_cannot_touch_the_audit_trail(postgres_database, app_role, tmp_path):
    _migrate_with_the_cli(postgres_database.url, app_role, tmp_path)
    service_url = _as(postgres_database.url, app_role)

    metadata = SqlAlchemySettings(url=service_url, migrate=False, pool_size=2, max_overflow=0)
    async with open_metadata_store(metadata) as opened:
        store = StoreCalls(opened)
        await store.add_tenant(make_tenant(TENANT_A))
        document = await store.add_document(make_document(TENANT_A))
        assert await store.list_documents(TENANT_A) == [document]
        await store.delete_document(TENANT_A, document.id)
        log = AuditCalls(opened, HmacSigner())
        for n in range(3):
            await log.append(AuditEvent(TENANT_A, "test", f"action.{n}", "-"))
        assert (await verified(log, TENANT_A)).ok

    connection = await asyncpg.connect(PostgresDatabase.dsn(service_url))
    try:
        async with connection.transaction():
            await connection.execute("SELECT set_config('ragloom.tenant_id', $1, true)", TENANT_A)
            assert await connection.fetchval("SELECT count(*) FROM audit_records") == 3
        for statement in (
            "UPDATE audit_records SET actor = 'x'",
            "DELETE FROM audit_records",
            "TRUNCATE audit_records",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(statement)
        for statement in (
            "ALTER TABLE audit_records DISABLE TRIGGER ALL",
            "ALTER TABLE documents NO FORCE ROW LEVEL SECURITY",
            "DROP TABLE audit_records",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="must be owner"):
                await connection.execute(statement)
    finally:
        await connection.close()
