"""MetadataStore contract: the in-memory fake, SQLite and PostgreSQL pass the same suite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.adapters.sqlalchemy.database import alembic_config, migrate
from ragloom.adapters.sqlalchemy.settings import SqlAlchemySettings
from ragloom.adapters.sqlalchemy.unit_of_work import SqlMetadataStore, open_metadata_store
from ragloom.contracts.testing.metadata_store import MetadataStoreContract, StoreCalls, make_document
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.ports import HealthCheck


class TestInMemoryMetadataStore(MetadataStoreContract):
    @pytest.fixture
    async def adapter(self) -> AsyncIterator[InMemoryMetadataStore]:
        yield InMemoryMetadataStore()


class TestSqliteMetadataStore(MetadataStoreContract):
    @pytest.fixture
    async def adapter(self, tmp_path: Path) -> AsyncIterator[SqlMetadataStore]:
        url = f"sqlite+aiosqlite:///{tmp_path}/nested/dir/metadata.sqlite"
        async with open_metadata_store(SqlAlchemySettings(url=url)) as store:
            yield store


@pytest.mark.postgres
class TestPostgresMetadataStore(MetadataStoreContract):
    @pytest.fixture
    async def adapter(self, postgres_url: str) -> AsyncIterator[SqlMetadataStore]:
        settings = SqlAlchemySettings(url=postgres_url, pool_size=2, max_overflow=2)
        async with open_metadata_store(settings) as store:
            yield store


_TRIGGERS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_records'::regclass "
    "AND NOT tgisinternal ORDER BY tgname",
}
HEAD_REVISION = "0012"
_TENANT_TABLES = (
    "api_keys",
    "audit_records",
    "chat_messages",
    "chats",
    "documents",
    "outbox",
    "tenants",
    "webhook_deliveries",
    "webhook_endpoints",
)
_TABLES = sorted(("alembic_version", "embedding_spaces", *_TENANT_TABLES))
_RLS = (
    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.policyname FROM pg_class c "
    "LEFT JOIN pg_policies p ON p.tablename = c.relname WHERE c.relkind = 'r' "
    "AND c.relnamespace = 'public'::regnamespace ORDER BY c.relname, p.policyname"
)


async def _schema(store: SqlMetadataStore) -> dict[str, object]:
    async with store.engine.connect() as connection:
        dialect = connection.dialect.name
        version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        tables = await connection.run_sync(lambda c: sorted(inspect(c).get_table_names()))
        indexes = await connection.run_sync(
            lambda c: sorted(i["name"] for t in ("documents", "api_keys") for i in inspect(c).get_indexes(t))
        )
        triggers = (await connection.execute(text(_TRIGGERS[dialect]))).scalars().all()
        rls = [tuple(row) for row in await connection.execute(text(_RLS))] if dialect == "postgresql" else []
    return {"tables": tables, "version": version, "indexes": indexes, "triggers": triggers, "rls": rls}


async def _assert_migrations_idempotent(url: str) -> None:
    settings = SqlAlchemySettings(url=url, pool_size=1, max_overflow=0)
    async with open_metadata_store(settings) as store:
        document = await StoreCalls(store).add_document(make_document())
        before = await _schema(store)
        assert before["tables"] == _TABLES
        assert before["version"] == HEAD_REVISION
        assert {"ix_api_keys_tenant_id", "ix_documents_tenant_created"} <= set(before["indexes"])
        if url.startswith("postgresql"):
            assert before["triggers"] == ["audit_records_append_only", "audit_records_no_truncate"]
            assert before["rls"] == sorted(
                [("alembic_version", False, False, None)]
                + [("embedding_spaces", True, True, "embedding_spaces_system_scope")]
                + [(table, True, True, f"{table}_tenant_scope") for table in _TENANT_TABLES]
            )
        else:
            assert before["triggers"] == ["audit_records_no_delete", "audit_records_no_update"]
        await migrate(store.engine)
        assert await _schema(store) == before
    async with open_metadata_store(settings) as reopened:
        assert await _schema(reopened) == before
        assert await StoreCalls(reopened).get_document(document.tenant_id, document.id) == document


async def test_sqlite_migrations_twice_are_a_no_op(tmp_path: Path) -> None:
    await _assert_migrations_idempotent(f"sqlite+aiosqlite:///{tmp_path / 'metadata.sqlite'}")


@pytest.mark.postgres
async def test_postgres_migrations_twice_are_a_no_op(postgres_url: str) -> None:
    await _assert_migrations_idempotent(postgres_url)


async def test_sqlite_uses_wal(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'metadata.sqlite'}"
    async with open_metadata_store(SqlAlchemySettings(url=url)) as store:
        async with store.engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
            timeout = (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one()
        assert (mode, timeout) == ("wal", 5000)
        assert isinstance(store, HealthCheck)
        await store.health()


async def test_sqlite_writers_queue_for_the_write_lock_instead_of_failing(tmp_path: Path) -> None:
    """Twelve writing units holding the write lock half a second each: the last waits 5.5 s, past
    SQLite's busy timeout, and still writes (it failed with "database is locked" when the units
    polled the file lock). A writer cancelled while it waits takes nobody's turn."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'metadata.sqlite'}"
    async with open_metadata_store(SqlAlchemySettings(url=url)) as store:
        async with store.engine.begin() as connection:
            await connection.execute(text("CREATE TABLE scratch (n INTEGER)"))

        async def write(n: int) -> None:
            async with store.unit_of_work(None) as unit:
                await unit.connection.execute(text("INSERT INTO scratch VALUES (:n)"), {"n": n})
                await asyncio.sleep(0.5)
                await unit.commit()

        writers = [asyncio.create_task(write(n)) for n in range(12)]
        doomed = asyncio.create_task(write(99))
        await asyncio.sleep(0.2)
        doomed.cancel()
        await asyncio.gather(*writers)
        async with store.unit_of_work(None, read_only=True) as unit:
            rows = (await unit.connection.execute(text("SELECT n FROM scratch ORDER BY n"))).scalars()
            assert list(rows) == list(range(12))


@pytest.mark.parametrize("migrate_at_open", [True, False])
async def test_unreachable_postgres_is_provider_unavailable(migrate_at_open: bool) -> None:
    settings = SqlAlchemySettings(
        url="postgresql+asyncpg://postgres@127.0.0.1:1/ragloom", migrate=migrate_at_open
    )
    with pytest.raises(ProviderUnavailable) as raised:
        async with open_metadata_store(settings) as store:
            with pytest.raises(ProviderUnavailable) as unhealthy:
                await store.health()
            assert unhealthy.value.retryable
            await StoreCalls(store).list_documents(make_document().tenant_id)
    assert raised.value.retryable


def test_settings_forbid_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        SqlAlchemySettings(url="sqlite+aiosqlite:///x.sqlite", pool=3)  # type: ignore[call-arg]


async def _assert_downgrade_and_upgrade_keep_documents(url: str) -> None:
    from alembic import command

    def _to(revision: str, down: bool):
        def run(connection):
            config = alembic_config()
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)

        return run

    settings = SqlAlchemySettings(url=url, pool_size=1, max_overflow=0)
    async with open_metadata_store(settings) as store:
        document = await StoreCalls(store).add_document(make_document())
        async with store.engine.begin() as connection:
            await connection.run_sync(_to("0001", down=True))
            tables = await connection.run_sync(lambda c: sorted(inspect(c).get_table_names()))
        assert tables == ["alembic_version", "documents"]
        async with store.engine.begin() as connection:
            await connection.run_sync(_to("head", down=False))
        schema = await _schema(store)
        assert schema["version"] == HEAD_REVISION and schema["tables"] == _TABLES
        assert await StoreCalls(store).get_document(document.tenant_id, document.id) == document


async def test_sqlite_migration_0002_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    await _assert_downgrade_and_upgrade_keep_documents(f"sqlite+aiosqlite:///{tmp_path / 'metadata.sqlite'}")


@pytest.mark.postgres
async def test_postgres_migration_0002_downgrades_and_upgrades_again(postgres_url: str) -> None:
    await _assert_downgrade_and_upgrade_keep_documents(postgres_url)
