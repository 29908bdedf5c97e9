"""`ragloom worker --modality audio` as a real process pool on PostgreSQL and Redis: a worker killed
with SIGKILL in the middle of a transcription is replaced, its job is delivered again, and the
document ends ready with its points and rows once, nothing lost.

The service side (upload and queue) runs in this process with an in-memory vector index; the
workers own the qdrant-client local index folder, one process at a time (the killed worker's lock
dies with it)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
import yaml
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from ragloom.core.models import DocumentStatus, TenantId
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.settings import load_settings
from tests.conftest import REDIS_URL, PostgresDatabase
from tests.helpers.media import encode, recording
from tests.helpers.server import free_port
from tests.helpers.tenants import new_signing_key

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
TENANT = TenantId("acme")
SENTENCES = [
    "Our team will meet in the library on Friday to review the budget.",
    "Please send the report to the office before lunch.",
    "The river flows past the old mill and into the lake.",
] * 4


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _workers(pool: int) -> list[int]:
    """The pool's worker processes (not multiprocessing's resource tracker)."""
    return [
        pid for pid in _children(pool) if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


async def _document(runtime, document_id):
    return await (await runtime.documents()).get(TENANT, document_id)


async def test_a_worker_killed_mid_transcription_is_replaced_and_its_job_completes_once(
    tmp_path, postgres_database: PostgresDatabase, redis_prefix
):
    index_folder = tmp_path / "qdrant-local"
    config = tmp_path / "worker.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "plugins": {
                    "vector_index": {"qdrant": {"url": None, "path": str(index_folder)}},
                    "job_queue": {"redis": {"queue_prefix": redis_prefix, "redelivery_idle_seconds": 2}},
                },
                "extraction": {"processes": 1},
                "ingest": {"max_attempts": 3},
            }
        )
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")},
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_ADAPTERS__BLOB_STORE": "local",  # on disk, shared by the processes here
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_CONFIG": str(config),
        "RAGLOOM_DATABASE_URL": postgres_database.url,
        "RAGLOOM_REDIS_URL": REDIS_URL,
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_TELEMETRY__METRICS_PORT": str(metrics_port := free_port()),
    }
    service_settings = load_settings(
        environ={k: v for k, v in env.items() if k.startswith("RAGLOOM_") and k != "RAGLOOM_CONFIG"},
        overrides={
            "adapters": {"vector_index": "memory"},
            "plugins": {"job_queue": {"redis": {"queue_prefix": redis_prefix}}},
        },
    )
    samples, _ = recording(SENTENCES, gap_seconds=0.5)  # about 40 s of speech
    clip = encode(samples, tmp_path / "minutes.mp3").read_bytes()

    async with open_runtime(service_settings) as runtime:
        await runtime.lifecycle.start_all(ingestion=False)
        await (await runtime.tenants()).ensure(TENANT, "Acme")
        uploaded = await (await runtime.documents()).upload(
            TENANT, IncomingFile.from_bytes("minutes.mp3", clip)
        )
        document_id = uploaded.document.id

        log = tmp_path / "pool.log"
        pool = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ragloom.entrypoints.cli",
                "worker",
                "--modality",
                "audio",
                "--workers",
                "1",
            ],
            env=env,
            stderr=log.open("w"),  # a file, not a pipe: a full pipe would stall the workers
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while (document := await _document(runtime, document_id)).status != DocumentStatus.PROCESSING:
                assert pool.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"not started in 120 s: {document}\n{_stacks(pool, log)}"
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # well into the transcription of a minute of speech
            assert (await _document(runtime, document_id)).status == DocumentStatus.PROCESSING
            [worker] = _workers(pool.pid)
            doomed = [worker, *_descendants(worker)]
            os.kill(worker, signal.SIGKILL)

            deadline = time.monotonic() + 180
            while (document := await _document(runtime, document_id)).status not in (
                DocumentStatus.READY,
                DocumentStatus.FAILED,
            ):
                assert time.monotonic() < deadline, f"not finished in 180 s: {document}\n{_stacks(pool, log)}"
                await asyncio.sleep(0.2)
            assert document.status == DocumentStatus.READY, document.error
            assert document.attempts == 2  # the killed run, then the redelivered one
            [replacement] = _workers(pool.pid)
            assert replacement != worker
            time.sleep(1)
            assert not [pid for pid in doomed if Path(f"/proc/{pid}").exists()]  # nothing left running
            # the pool serves its workers' metrics: the killed run never finished, its successor did
            scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
            ready = 'ragloom_ingestions_total{modality="audio",outcome="ready"} 1.0'
            assert ready in scraped, scraped
            assert 'ragloom_ingestions_total{modality="audio",outcome="failed"}' not in scraped
        finally:
            pool.send_signal(signal.SIGTERM)
            pool.wait(timeout=60)
        errors = log.read_text()
        assert pool.returncode == 0, errors
        assert "exited with code -9" in errors and errors.count("started (pid") == 2

    await _assert_once(postgres_database, redis_prefix, index_folder, document_id, document.chunk_count)


def _stacks(pool: subprocess.Popen, log: Path) -> str:
    """The pool's output, after its workers printed their threads' stacks (SIGUSR1)."""
    for pid in _workers(pool.pid):
        os.kill(pid, signal.SIGUSR1)
    time.sleep(2)
    return log.read_text()


async def _assert_once(database, prefix, index_folder, document_id, chunk_count):
    """One row, one `document.ready` audit record, exactly chunk_count points, an empty queue."""
    engine = create_async_engine(database.admin_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("select count(*) from documents"))).scalar_one()
        indexed = (
            await conn.execute(text("select count(*) from audit_records where action = 'document.ready'"))
        ).scalar_one()
    await engine.dispose()
    assert (rows, indexed) == (1, 1)

    from qdrant_client import QdrantClient, models

    client = QdrantClient(path=str(index_folder))
    try:
        [collection] = [c.name for c in client.get_collections().collections]
        match = models.Filter(
            must=[models.FieldCondition(key="document_id", match=models.MatchValue(value=document_id))]
        )
        assert client.count(collection, count_filter=match, exact=True).count == chunk_count > 0
    finally:
        client.close()

    redis = aioredis.from_url(REDIS_URL)
    try:
        stream = f"{prefix}:ingest:audio:{TENANT}"
        assert await redis.xlen(stream) == 0
        assert (await redis.xpending(stream, f"{prefix}-workers"))["pending"] == 0
    finally:
        await redis.aclose()
