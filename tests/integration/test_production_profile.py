"""The same end-to-end scenario on the production profile: PostgreSQL, Redis streams, S3 (moto in
server mode), the `qdrant` adapter.

No Qdrant server exists here, so `qdrant` runs on qdrant-client's local mode; PostgreSQL and Redis
are the real servers on this machine. The worker consumes the Redis stream in the same process.
"""

import asyncio
import contextlib

import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from ragloom.core.models import Modality
from ragloom.entrypoints.http.app import create_app
from ragloom.entrypoints.settings import load_settings
from ragloom.entrypoints.worker.consumer import consume
from tests.conftest import REDIS_URL
from tests.e2e.chat_scenario import run_chat_scenario
from tests.e2e.scenario import run_scenario
from tests.helpers.tenants import ADMIN, new_signing_key, onboard

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def production_settings(tmp_path, postgres_url, redis_prefix, s3_env):
    env = {
        **s3_env,
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_DATABASE_URL": postgres_url,
        "RAGLOOM_REDIS_URL": REDIS_URL,
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
    }
    overrides = {
        "plugins": {
            "vector_index": {"qdrant": {"url": None, "path": str(tmp_path / "qdrant-local")}},
            "job_queue": {"redis": {"queue_prefix": redis_prefix}},
            "metadata_store": {"sqlalchemy": {"pool_size": 5, "max_overflow": 5}},
        }
    }
    return load_settings(environ=env, overrides=overrides)


async def test_production_profile_end_to_end(production_settings, postgres_admin_url, redis_prefix):
    app = create_app(production_settings)
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        worker = asyncio.create_task(consume(runtime, Modality.TEXT))
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://ragloom.test") as client:
                _, headers = await onboard(client, "Acme")
                client.headers.update(headers)
                await run_scenario(client)
                assert (await client.get("/readyz")).json()["status"] == "ready"
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    engine = create_async_engine(postgres_admin_url)  # the superuser sees every tenant's rows
    async with engine.connect() as conn:
        statuses = (await conn.execute(text("select status, count(*) from documents group by status"))).all()
        revision = (await conn.execute(text("select version_num from alembic_version"))).scalar_one()
    await engine.dispose()
    assert dict(statuses) == {"ready": 3}
    assert revision
    client = aioredis.from_url(REDIS_URL)
    streams = [key.decode() async for key in client.scan_iter(match=f"{redis_prefix}:ingest:text:*")]
    assert len(streams) == 1  # one stream for the one tenant that uploaded
    pending = await client.xpending(streams[0], f"{redis_prefix}-workers")
    left = await client.xlen(streams[0])
    await client.aclose()
    assert pending["pending"] == 0 and left == 0  # every job acknowledged and removed


async def test_chats_on_the_production_profile(production_settings, postgres_admin_url):
    """Chats in PostgreSQL (row-level security on), a follow-up searched with its chat's context."""
    app = create_app(production_settings)
    async with app.router.lifespan_context(app):
        worker = asyncio.create_task(consume(app.state.runtime, Modality.TEXT))
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://ragloom.test") as client:
                tenant, headers = await onboard(client, "Chatty")
                client.headers.update(headers)
                await run_chat_scenario(client)
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    engine = create_async_engine(postgres_admin_url)
    async with engine.connect() as conn:
        chats = (await conn.execute(text("select tenant_id, message_count from chats"))).all()
        messages = (await conn.execute(text("select count(*) from chat_messages"))).scalar_one()
    await engine.dispose()
    assert [(row.tenant_id, row.message_count) for row in chats] == [(tenant, 0)]  # the second, empty chat
    assert messages == 0  # the first chat's four messages went with it


async def test_an_upload_while_redis_is_down_waits_in_the_outbox(
    tmp_path, postgres_url, postgres_admin_url, s3_env
):
    env = {
        **s3_env,
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_DATABASE_URL": postgres_url,
        "RAGLOOM_REDIS_URL": "redis://127.0.0.1:1/0",
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
    }
    settings = load_settings(
        environ=env,
        overrides={"plugins": {"vector_index": {"qdrant": {"url": None, "path": str(tmp_path / "q")}}}},
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ragloom.test") as client:
            _, headers = await onboard(client, "Acme")
            client.headers.update(headers)
            response = await client.post(
                "/v1/documents", files={"file": ("a.txt", b"Queue me.", "text/plain")}
            )
            assert response.status_code == 201
            assert (response.json()["status"], response.json()["error"]) == ("queued", None)
    engine = create_async_engine(postgres_admin_url)
    async with engine.connect() as conn:
        waiting = (await conn.execute(text("select subject from outbox"))).scalars().all()
    await engine.dispose()
    assert waiting == [response.json()["id"]]  # published by the relay once Redis is back
