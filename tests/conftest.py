"""Shared fixtures: real PostgreSQL and Redis on this machine, each test in its own database or key prefix.

When a server is missing the test fails under CI=true and is skipped otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

POSTGRES_ADMIN_DSN = os.environ.get("RAGLOOM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("RAGLOOM_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable: {error}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database (SQLAlchemy asyncpg URL), dropped after the test."""
    import asyncpg

    name = f"ragloom_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    except (OSError, asyncpg.PostgresError) as error:
        _missing("PostgreSQL", error)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


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
