"""What tenancy costs per request: API-key authentication, audit appends and audit verification.

    .venv/bin/python bench/tenancy_overhead.py --records 2000 [--postgres postgresql+asyncpg://...]

Runs the real runtime of the embedded profile in a temporary home (SQLite) and, when given a URL of an
empty PostgreSQL database, with PostgreSQL as its metadata store too. Each audit append is a signed
record in a transaction of its own, as a request's action writes it. Prints latencies (p50/p95) and
rates.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from ragloom.core.models import AuditEvent, Caller, TenantId
from ragloom.core.services.audit import AuditRecorder
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.settings import load_settings


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


async def run(home: Path, url: str | None, records: int, label: str) -> None:
    """The real runtime (embedded profile; PostgreSQL as its metadata store when `url` is given)."""
    overrides = {"plugins": {"metadata_store": {"sqlalchemy": {"url": url}}}} if url else {}
    settings = load_settings(environ={"RAGLOOM_HOME": str(home)}, overrides=overrides)
    async with open_runtime(settings) as runtime:
        tenants, units, trail = await runtime.tenants(), await runtime.units(), await runtime.audit()
        recorder = AuditRecorder(await runtime.get("audit_signer"))

        async def append(chain: TenantId, target: str, n: int = 0) -> None:
            """One signed audit record in a transaction of its own, as a request's action writes it."""
            async with units(chain) as transaction:
                event = AuditEvent(chain, "bench", "bench.append", target, details={"n": n})
                await recorder.append(transaction, event)
                await transaction.commit()

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
            await append(chain, f"doc-{n}", n)
            samples.append(time.perf_counter() - began)
        rate = len(samples) / sum(samples)
        print(f"{label}: audit append, one writer ({records} records): {_ms(samples)}, {rate:.0f}/s")

        began = time.perf_counter()
        await asyncio.gather(*(append(chain, f"c-{n}", n) for n in range(records)))
        elapsed = time.perf_counter() - began
        print(f"{label}: audit append, {records} at once on one chain: {records / elapsed:.0f}/s")

        chains = [TenantId(f"bench-{n}") for n in range(8)]
        per_chain = records // len(chains)
        began = time.perf_counter()
        await asyncio.gather(*(append(c, f"m-{n}") for c in chains for n in range(per_chain)))
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
    print(header(vars(args)), flush=True)
    with tempfile.TemporaryDirectory() as home:
        await run(Path(home), None, args.records, "SQLite")
    if args.postgres:
        with tempfile.TemporaryDirectory() as home:
            await run(Path(home), args.postgres, args.records, "PostgreSQL")


if __name__ == "__main__":
    asyncio.run(main())
