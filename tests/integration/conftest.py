"""Fixtures of the integration tests."""

from __future__ import annotations

import os

import pytest

from tests.conftest import REDIS_URL, PostgresDatabase
from tests.helpers.tenants import ADMIN, new_signing_key


@pytest.fixture
def environment(tmp_path, postgres_database: PostgresDatabase, redis_prefix) -> dict[str, str]:
    """The production profile (PostgreSQL, Redis) for `ragloom` processes started by a test, with the
    vector index in memory and the hashing embedder; the outbox relay runs every half second."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")},
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_DATABASE_URL": postgres_database.url,
        "RAGLOOM_REDIS_URL": REDIS_URL,
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
        "RAGLOOM_ADAPTERS__BLOB_STORE": "local",  # on disk, shared by the processes here
        "RAGLOOM_ADAPTERS__VECTOR_INDEX": "memory",
        "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
        "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
        "RAGLOOM_PLUGINS__JOB_QUEUE__REDIS__QUEUE_PREFIX": redis_prefix,
        "RAGLOOM_INGEST__OUTBOX_RELAY_AFTER_SECONDS": "1",
        "RAGLOOM_INGEST__OUTBOX_RELAY_INTERVAL_SECONDS": "0.5",
    }
