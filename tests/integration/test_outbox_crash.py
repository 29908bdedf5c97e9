"""The crash the transactional outbox exists for, on the production profile for real (PostgreSQL,
Redis streams): the API process is killed (SIGKILL, by a fault-injection point only tests enable)
after the upload's commit and before its job is published. The document row and its job were
committed together; once an API process runs again its relay publishes the job, and a worker takes
the document to `ready`."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from ragloom.core.models import Modality
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.faults import FAULT_INJECTION
from ragloom.entrypoints.settings import load_settings
from ragloom.entrypoints.worker.consumer import consume
from tests.conftest import PostgresDatabase
from tests.helpers.server import RAGLOOM, free_port, running_server, wait_until_ok
from tests.helpers.tenants import onboard

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def _rows(url: str, query: str) -> list:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(query))).all())
    finally:
        await engine.dispose()


async def test_an_upload_whose_process_died_before_publishing_still_reaches_ready(
    environment, postgres_database: PostgresDatabase, redis_prefix
):
    port = free_port()
    doomed = subprocess.Popen(
        [*RAGLOOM, "serve", "--port", str(port)],
        env={**environment, FAULT_INJECTION: "kill-before-publish"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_ok(f"{url}/readyz", doomed, 120)
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            _, headers = await onboard(client, "Acme")
            with pytest.raises(httpx.TransportError):  # the server died answering
                await client.post(
                    "/v1/documents",
                    files={"file": ("puffins.txt", b"Puffins nest in burrows on the cliffs.", "text/plain")},
                    headers=headers,
                )
        assert doomed.wait(timeout=30) == -9
    finally:
        with contextlib.suppress(ProcessLookupError):
            doomed.kill()
    admin = postgres_database.admin_url
    [(document_id, status)] = await _rows(admin, "select id, status from documents")
    assert status == "queued"
    assert [tuple(row) for row in await _rows(admin, "select kind, subject from outbox")] == [
        ("ingest", document_id)
    ]

    worker_settings = load_settings(
        environ={k: v for k, v in environment.items() if k.startswith("RAGLOOM_")}
    )
    async with open_runtime(worker_settings) as worker_runtime:
        await worker_runtime.lifecycle.start_ingestion()
        worker = asyncio.create_task(consume(worker_runtime, Modality.TEXT))
        try:
            with running_server(environment):  # restarted: its relay publishes the job
                deadline = time.monotonic() + 120
                while (await _rows(admin, "select status from documents"))[0][0] != "ready":
                    assert time.monotonic() < deadline, await _rows(
                        admin, "select status, error from documents"
                    )
                    await asyncio.sleep(0.2)
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    assert await _rows(admin, "select id from outbox") == []
    [(chunks, attempts)] = await _rows(admin, "select chunk_count, attempts from documents")
    assert (chunks, attempts) == (1, 1)
