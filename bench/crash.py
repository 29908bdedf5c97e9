"""Crash target of the job layer: uploads on the production profile (PostgreSQL, Redis streams) while
the API and the workers are killed (SIGKILL) at random moments and started again.

    .venv/bin/python bench/crash.py --uploads 200 --kills 20

Processes: `ragloom serve` and `ragloom worker --modality text --workers 0` (one worker process; the
supervisor of a pool would replace a killed worker itself, and this script wants to do the killing).
The worker keeps its vectors in a Qdrant Edge shard on disk, which one process opens at a time; the
API never searches here, so it runs with the in-memory index. (Two worker pools side by side need a
Qdrant server, which this machine does not have.) A client uploads distinct texts of 1 to 8 chunks,
retrying an upload whose connection broke (the same bytes are stored once, by hash). Meanwhile a
killer picks the API or the worker at random moments, kills it and starts it again after a pause.

Printed at the end: documents ready, failed (with their reasons), stuck (neither, 5 minutes after
the last restart), points in the index against the chunk counts (duplicates and missing), the time
to settle, and the audit verification of every chain.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

RAGLOOM = [sys.executable, "-m", "ragloom.entrypoints.cli"]
POSTGRES = os.environ.get("RAGLOOM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("RAGLOOM_TEST_REDIS", "redis://127.0.0.1:6379/0")
ADMIN = ("bench", "bench-password")
WORDS = [
    "tide",
    "gannet",
    "cliff",
    "burrow",
    "ledge",
    "skua",
    "tern",
    "puffin",
    "fulmar",
    "kittiwake",
    "shag",
    "razorbill",
]
SETTLE_SECONDS = 300


def text_of(n: int, rng: random.Random) -> bytes:
    """A distinct document of 1 to 8 chunks (180 words each)."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(60, 1400))]
    return (f"Report {n}. " + " ".join(words) + ".").encode()


class Process:
    """One `ragloom` process that the killer may kill and start again."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(self.command, env=self.env, stdout=output, stderr=output)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def wait_ready(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError("the API did not become ready")


async def upload_all(url: str, headers: dict[str, str], count: int, span: float, rng: random.Random) -> float:
    """Upload every document, spread over `span` seconds (so the kills fall among uploads and
    ingestion), retrying one whose connection broke or whose server was down."""
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
        for n in range(count):
            await asyncio.sleep(max(0.0, started + n * span / count - time.monotonic()))
            body = text_of(n, rng)
            while True:
                try:
                    response = await client.post(
                        "/v1/documents", files={"file": (f"report-{n}.txt", body, "text/plain")}
                    )
                    if response.status_code in (200, 201):
                        break
                    if response.status_code not in (429, 503):
                        raise RuntimeError(f"upload {n}: {response.status_code} {response.text}")
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
    return time.monotonic() - started


async def killer(
    processes: list[Process], kills: int, span: float, rng: random.Random, url: str, database: str
) -> tuple[float, list[int]]:
    """Kill `kills` times at random moments over `span` seconds; return when the last restart was
    and how many documents were queued or being ingested at each kill."""
    start = last = time.monotonic()
    in_flight = []
    for moment in sorted(rng.uniform(0, span) for _ in range(kills)):
        await asyncio.sleep(max(0.0, start + moment - time.monotonic()))  # none if a restart overran
        victim = rng.choice(processes)
        counts = await statuses(database)
        in_flight.append(counts.get("queued", 0) + counts.get("processing", 0))
        victim.kill()
        await asyncio.sleep(rng.uniform(0.2, 1.5))
        victim.start()
        if victim.name == "api":
            await wait_ready(url)
        last = time.monotonic()
    return last, in_flight


async def statuses(database: str) -> dict[str, int]:
    connection = await asyncpg.connect(database)
    try:
        rows = await connection.fetch("select status, count(*) from documents group by status")
        return {row["status"]: row["count"] for row in rows}
    finally:
        await connection.close()


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--span", type=float, default=60.0, help="seconds over which the kills spread")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--hashing", action="store_true", help="the hashing embedder (fast) instead of the shipped model"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    suffix = uuid.uuid4().hex[:10]
    name = f"ragloom_crash_{suffix}"
    admin = await asyncpg.connect(POSTGRES)
    await admin.execute(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOBYPASSRLS')
    await admin.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
    server = POSTGRES.split("://", 1)[1].split("@", 1)[-1].rsplit("/", 1)[0]
    home = Path(tempfile.mkdtemp(prefix="ragloom-crash-"))
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")},
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_HOME": str(home),
        "RAGLOOM_DATABASE_URL": f"postgresql+asyncpg://{name}@{server}/{name}",
        "RAGLOOM_REDIS_URL": REDIS,
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_AUDIT_SIGNING_KEY": base64.b64encode(
            Ed25519PrivateKey.generate().private_bytes_raw()
        ).decode(),
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
        "RAGLOOM_ADAPTERS__BLOB_STORE": "local",
        "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
        "RAGLOOM_PLUGINS__JOB_QUEUE__REDIS__QUEUE_PREFIX": f"crash-{suffix}",
        "RAGLOOM_PLUGINS__JOB_QUEUE__REDIS__REDELIVERY_IDLE_SECONDS": "10",
        "RAGLOOM_PLUGINS__JOB_QUEUE__REDIS__MAX_CONCURRENT_JOBS": "4",
        "RAGLOOM_INGEST__OUTBOX_RELAY_AFTER_SECONDS": "2",
        "RAGLOOM_INGEST__OUTBOX_RELAY_INTERVAL_SECONDS": "1",
    }
    if args.hashing:
        base["RAGLOOM_ADAPTERS__TEXT_EMBEDDER"] = "hashing"
    api_env = {**base, "RAGLOOM_ADAPTERS__VECTOR_INDEX": "memory"}
    worker_env = {
        **base,
        "RAGLOOM_ADAPTERS__VECTOR_INDEX": "qdrant_edge",
        "RAGLOOM_PLUGINS__VECTOR_INDEX__QDRANT_EDGE__PATH": str(home / "qdrant"),
    }
    port = 18000 + rng.randint(0, 999)
    url = f"http://127.0.0.1:{port}"
    api = Process("api", [*RAGLOOM, "serve", "--port", str(port)], api_env, home / "api.log")
    worker = Process(
        "worker",
        [*RAGLOOM, "worker", "--modality", "text", "--workers", "0"],
        worker_env,
        home / "worker.log",
    )
    database = POSTGRES.rsplit("/", 1)[0] + f"/{name}"  # as the superuser: every tenant's rows
    try:
        api.start()
        await wait_ready(url)
        worker.start()
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            created = await client.post(
                "/admin/tenants", json={"name": "Crash"}, auth=httpx.BasicAuth(*ADMIN)
            )
            created.raise_for_status()
            tenant, headers = created.json()["id"], {"Authorization": f"Bearer {created.json()['api_key']}"}
        killing = asyncio.create_task(killer([api, worker], args.kills, args.span, rng, url, database))
        upload_seconds = await upload_all(url, headers, args.uploads, args.span, random.Random(args.seed))
        last_restart, in_flight = await killing
        settled_after = None
        while time.monotonic() - last_restart < SETTLE_SECONDS:
            counts = await statuses(database)
            if sum(counts.values()) >= args.uploads and set(counts) <= {"ready", "failed"}:
                settled_after = time.monotonic() - last_restart
                break
            await asyncio.sleep(1)
        counts = await statuses(database)
        worker.stop()
        api.stop()
        connection = await asyncpg.connect(database)
        try:
            documents = await connection.fetch("select id, status, chunk_count, error from documents")
        finally:
            await connection.close()
        duplicates, missing = await points_against_chunks(worker_env, tenant, documents)
        verified = subprocess.run(
            [*RAGLOOM, "audit", "verify", "--json"], env=api_env, capture_output=True, text=True, check=False
        )
        stuck = [d["id"] for d in documents if d["status"] not in ("ready", "failed")]
        failed = [(d["id"], d["error"]) for d in documents if d["status"] == "failed"]
        print(
            f"uploads: {args.uploads} accepted in {upload_seconds:.1f} s; documents stored: {len(documents)}"
        )
        print(f"kills: api {api.kills}, worker {worker.kills} (seed {args.seed})")
        print(f"documents queued or being ingested at each kill: {in_flight}")
        print(f"statuses: {counts}")
        shown = "not settled" if settled_after is None else f"{settled_after:.1f} s"
        print(f"settled after the last restart: {shown}")
        print(f"stuck: {len(stuck)} {stuck[:5]}")
        print(f"failed: {len(failed)} {failed[:5]}")
        print(f"points: duplicates {duplicates}, missing {missing}")
        print(f"audit verify: exit {verified.returncode} {verified.stdout.strip()[:300]}")
        ok = not stuck and not failed and duplicates == 0 and missing == 0 and verified.returncode == 0
        return 0 if ok else 1
    finally:
        api.stop()
        worker.stop()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'DROP ROLE IF EXISTS "{name}"')
        await admin.close()
        await clear_redis(f"crash-{suffix}")


async def points_against_chunks(env: dict[str, str], tenant: str, documents: list) -> tuple[int, int]:
    """Points stored per document in the worker's shard, against each ready document's chunk count."""
    from ragloom.core.models import DocumentId, TenantId
    from ragloom.entrypoints.bootstrap import open_runtime
    from ragloom.entrypoints.settings import load_settings

    settings = load_settings(environ={k: v for k, v in env.items() if k.startswith("RAGLOOM_")})
    duplicates = missing = 0
    async with open_runtime(settings) as runtime:
        index = await runtime.get("vector_index")
        for document in documents:
            points = await index.count(TenantId(tenant), DocumentId(document["id"]))
            expected = document["chunk_count"] if document["status"] == "ready" else 0
            duplicates += max(0, points - expected)
            missing += max(0, expected - points)
    return duplicates, missing


async def clear_redis(prefix: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
