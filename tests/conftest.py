"""Shared fixtures: real PostgreSQL and Redis on this machine, each test in its own database or key prefix.

When a server is missing the test fails under CI=true and is skipped otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

POSTGRES_ADMIN_DSN = os.environ.get("RAGLOOM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("RAGLOOM_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable: {error}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class PostgresDatabase:
    """A fresh database owned by a fresh ordinary role (NOSUPERUSER NOBYPASSRLS), as the app runs.

    `url` connects as that role, so row-level security applies; `admin_url` connects to the same
    database as the superuser, for what the application must not be able to do (tampering tests).
    Both are SQLAlchemy asyncpg URLs; `dsn()` gives the plain asyncpg form of either.
    """

    name: str
    role: str
    url: str
    admin_url: str

    @staticmethod
    def dsn(url: str) -> str:
        return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def postgres_database() -> AsyncIterator[PostgresDatabase]:
    """Create the role and its database; afterwards drop the database, then the role."""
    import asyncpg

    suffix = uuid.uuid4().hex[:12]
    name = role = f"ragloom_test_{suffix}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    except (OSError, asyncpg.PostgresError) as error:
        _missing("PostgreSQL", error)
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE')
        await admin.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
        server = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1].split("@", 1)[-1]
        admin_base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        yield PostgresDatabase(
            name=name,
            role=role,
            url=f"postgresql+asyncpg://{role}@{server}/{name}",
            admin_url=f"{admin_base}/{name}",
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()


@pytest.fixture
def postgres_url(postgres_database: PostgresDatabase) -> str:
    """A fresh PostgreSQL database (SQLAlchemy asyncpg URL) as its owner, an ordinary role that
    row-level security binds; database and role are dropped after the test."""
    return postgres_database.url


@pytest.fixture
def postgres_admin_url(postgres_database: PostgresDatabase) -> str:
    """The same database as `postgres_url`, connected as the superuser (bypasses RLS and can
    disable triggers): for tests that play an attacker or inspect every tenant's rows."""
    return postgres_database.admin_url


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A unique Redis key prefix; every key under it is deleted after the test."""
    import redis.asyncio as aioredis

    prefix = f"ragloom-test-{uuid.uuid4().hex[:12]}"
    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, aioredis.ConnectionError) as error:
        await client.aclose()
        _missing("Redis", error)
    try:
        yield prefix
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode) on a free loopback port, for the session."""
    from moto.server import ThreadedMotoServer

    from tests.helpers.server import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_env(s3_endpoint: str) -> dict[str, str]:
    """The production profile's S3 variables for a bucket of this test's own (created at start)."""
    return {
        "RAGLOOM_S3_BUCKET": f"ragloom-test-{uuid.uuid4().hex[:12]}",
        "RAGLOOM_S3_ENDPOINT_URL": s3_endpoint,
        "RAGLOOM_S3_REGION": "us-east-1",
        "RAGLOOM_S3_ACCESS_KEY_ID": "test",
        "RAGLOOM_S3_SECRET_ACCESS_KEY": "test",
        "RAGLOOM_PLUGINS__BLOB_STORE__S3__CREATE_BUCKET": "true",
        "RAGLOOM_PLUGINS__BLOB_STORE__S3__ADDRESSING_STYLE": "path",
    }
