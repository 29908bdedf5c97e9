"""What tenancy costs per request: API-key authentication, audit appends and audit verification.

    .venv/bin/python bench/tenancy_overhead.py --records 2000 [--postgres postgresql+asyncpg://...]

Runs the real SQL adapters on a temporary SQLite file (the embedded profile) and, when given a URL of
an empty PostgreSQL database, on PostgreSQL too. Prints latencies (p50/p95) and rates.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.adapters.memory.vector_index import InMemoryVectorIndex
from ragloom.adapters.sqlalchemy import (
    SqlAlchemySettings,
    SqlAuditSettings,
    open_audit_log,
    open_metadata_store,
)
from ragloom.adapters.sqlalchemy.signing import generate_private_key
from ragloom.core.models import Caller, TenantId
from ragloom.core.services.audit import AuditTrail
from ragloom.core.services.tenants import TenantService


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


async def run(url: str, records: int, label: str) -> None:
    metadata_settings = SqlAlchemySettings(url=url, pool_size=8, max_overflow=0)
    audit_settings = SqlAuditSettings(
        url=url, signing_key=generate_private_key(), pool_size=8, max_overflow=0
    )
    async with open_metadata_store(metadata_settings) as metadata, open_audit_log(audit_settings) as log:
        trail = AuditTrail(log)
        tenants = TenantService(
            metadata=metadata, blobs=InMemoryBlobStore(), index=InMemoryVectorIndex(4), audit=trail
        )
        onboarded = await tenants.create("Bench")
        caller = Caller("bench")

        samples = []
        for _ in range(500):
            began = time.perf_counter()
            await tenants.authenticate(onboarded.token, caller=caller)
            samples.append(time.perf_counter() - began)
        print(f"{label}: authenticate a key ({len(samples)} calls): {_ms(samples)}")

        samples = []
        chain = TenantId(onboarded.tenant.id)
        for n in range(records):
            began = time.perf_counter()
            await trail.record(chain, caller, "bench.append", f"doc-{n}", {"n": n})
            samples.append(time.perf_counter() - began)
        rate = len(samples) / sum(samples)
        print(f"{label}: audit append, one writer ({records} records): {_ms(samples)}, {rate:.0f}/s")

        began = time.perf_counter()
        await asyncio.gather(
            *(trail.record(chain, caller, "bench.append", f"c-{n}", {"n": n}) for n in range(records))
        )
        elapsed = time.perf_counter() - began
        print(f"{label}: audit append, {records} at once on one chain: {records / elapsed:.0f}/s")

        chains = [TenantId(f"bench-{n}") for n in range(8)]
        per_chain = records // len(chains)
        began = time.perf_counter()
        await asyncio.gather(
            *(trail.record(c, caller, "bench.append", f"m-{n}") for c in chains for n in range(per_chain))
        )
        elapsed = time.perf_counter() - began
        print(
            f"{label}: audit append, {per_chain * len(chains)} at once over {len(chains)} chains: "
            f"{per_chain * len(chains) / elapsed:.0f}/s"
        )

        began = time.perf_counter()
        verdict = await trail.verify(chain)
        elapsed = time.perf_counter() - began
        assert verdict.ok, verdict
        print(
            f"{label}: verify {verdict.checked} records: {elapsed:.2f} s, {verdict.checked / elapsed:.0f}/s"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database (asyncpg)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        await run(f"sqlite+aiosqlite:///{Path(home) / 'bench.sqlite3'}", args.records, "SQLite")
    if args.postgres:
        await run(args.postgres, args.records, "PostgreSQL")


if __name__ == "__main__":
    asyncio.run(main())
