"""A job whose process is killed half way runs again, and a job delivered twice indexes once, on both
brokers for real: the embedded profile (Taskiq in `ragloom serve`, over the in-process fair queue)
and the production profile (a Taskiq worker on Redis streams, PostgreSQL). The process kills itself
(SIGKILL, by a fault-injection point only tests enable) right after the job wrote its points and
before its document is ready; once a process runs the lane again the document reaches `ready` with
exactly one point per chunk in the vector index (Qdrant's engine on disk)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from ragloom.adapters.redis_streams.queue import open_redis_queue
from ragloom.adapters.redis_streams.settings import RedisQueueSettings
from ragloom.core.models import DocumentId, IngestJob, Job, Modality, TenantId
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.faults import FAULT_INJECTION, KILL_AFTER_UPSERT
from ragloom.entrypoints.settings import load_settings
from tests.conftest import REDIS_URL
from tests.helpers.server import RAGLOOM, free_port, running_server, wait_until_ok
from tests.helpers.tenants import onboard

TEXT = b"Puffins nest in burrows on sea cliffs and raise one chick a year. " * 60  # a few chunks


def _index_on_disk(env: dict[str, str], home: Path) -> dict[str, str]:
    return {
        **env,
        "RAGLOOM_ADAPTERS__VECTOR_INDEX": "qdrant_edge",
        "RAGLOOM_PLUGINS__VECTOR_INDEX__QDRANT_EDGE__PATH": str(home / "vectors"),
        "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
        "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
    }


async def _points(env: dict[str, str], tenant: str, document: str) -> int:
    """Points of the document in the index the killed process wrote to (no process holds it now)."""
    settings = load_settings(environ={k: v for k, v in env.items() if k.startswith("RAGLOOM_")})
    async with open_runtime(settings) as runtime:
        index = await runtime.get("vector_index")
        return await index.count(TenantId(tenant), DocumentId(document))


async def _settled(client: httpx.AsyncClient, document: str, headers: dict[str, str]) -> dict:
    deadline = time.monotonic() + 120
    while True:
        found = (await client.get(f"/v1/documents/{document}", headers=headers)).json()
        if found["status"] in ("ready", "failed"):
            return found
        assert time.monotonic() < deadline, found
        await asyncio.sleep(0.2)


def _wait_killed(process: subprocess.Popen, timeout: float = 120) -> None:
    try:
        assert process.wait(timeout=timeout) == -9, "the process did not kill itself after the upsert"
    finally:
        if process.poll() is None:
            process.kill()


async def test_embedded_a_job_killed_half_way_runs_again_at_the_next_start(tmp_path):
    home = tmp_path / "home"
    env = _index_on_disk(
        {
            **{k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")},
            "RAGLOOM_HOME": str(home),
        },
        home,
    )
    port = free_port()
    doomed = subprocess.Popen(
        [*RAGLOOM, "serve", "--port", str(port)],
        env={**env, FAULT_INJECTION: KILL_AFTER_UPSERT},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(f"{url}/readyz", doomed, 120)
        headers = {"Authorization": f"Bearer {(home / 'default-api-key').read_text().strip()}"}
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            created = (
                await client.post("/v1/documents", files={"file": ("puffins.txt", TEXT)}, headers=headers)
            ).json()
    finally:
        _wait_killed(doomed)
    assert await _points(env, "default", created["id"]) > 0  # the job had written points

    with running_server(env) as url:  # the next start takes the unfinished document back
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            document = await _settled(client, created["id"], headers)
    assert document["status"] == "ready", document
    assert await _points(env, "default", created["id"]) == document["chunk_count"] > 1


@pytest.mark.postgres
@pytest.mark.redis
async def test_production_a_job_killed_half_way_runs_on_another_worker_and_twice_indexes_once(
    environment, redis_prefix, tmp_path
):
    worker_env = {
        **_index_on_disk(environment, tmp_path),
        "RAGLOOM_PLUGINS__JOB_QUEUE__REDIS__REDELIVERY_IDLE_SECONDS": "2",
    }
    doomed = subprocess.Popen(
        [*RAGLOOM, "worker", "--modality", "text", "--workers", "0"],
        env={**worker_env, FAULT_INJECTION: KILL_AFTER_UPSERT},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with running_server(environment) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            tenant, headers = await onboard(client, "Acme")
            created = (
                await client.post("/v1/documents", files={"file": ("puffins.txt", TEXT)}, headers=headers)
            ).json()
            _wait_killed(doomed)
            assert await _points(worker_env, tenant, created["id"]) > 0
            assert (await client.get(f"/v1/documents/{created['id']}", headers=headers)).json()[
                "status"
            ] == "processing"

            survivor = subprocess.Popen(  # takes over the job its dead peer never acknowledged
                [*RAGLOOM, "worker", "--modality", "text", "--workers", "0"],
                env=worker_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                document = await _settled(client, created["id"], headers)
                assert document["status"] == "ready", document
                settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix)
                async with open_redis_queue(settings) as queue:
                    job = Job.ingest(IngestJob(TenantId(tenant), DocumentId(created["id"]), Modality.TEXT))
                    await queue.enqueue(job)  # delivered twice more, as a relay after a crash would
                    await queue.enqueue(job)
                    deadline = time.monotonic() + 60
                    while await queue.depth(Modality.TEXT):
                        assert time.monotonic() < deadline, "the worker did not take the repeated jobs"
                        await asyncio.sleep(0.2)
                again = (await client.get(f"/v1/documents/{created['id']}", headers=headers)).json()
            finally:
                survivor.send_signal(subprocess.signal.SIGTERM)
                survivor.wait(timeout=30)
    assert again["status"] == "ready" and again["chunk_count"] == document["chunk_count"] > 1
    assert await _points(worker_env, tenant, created["id"]) == document["chunk_count"]
