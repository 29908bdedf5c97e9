"""The scale curve of the vector index: search latency, build time, disk and memory as it grows.

    .venv/bin/python bench/scale.py --sizes 10000 100000 1000000
    .venv/bin/python bench/scale.py --adapter qdrant --sizes 10000      # qdrant-client's local mode

Each size runs in a fresh process (so its peak RSS is its own) on an empty index in a temporary
folder: synthetic points (384-d unit dense vectors, BM25-like sparse vectors of 40 terms over a
30,000-term vocabulary, payloads like a real chunk's: title, source, ordinal, about 400 characters of
text) spread over 10 tenants are upserted in batches, the index is optimized (HNSW built), then
`--queries` searches run inside one tenant's filter, dense, sparse and hybrid (dense + sparse fused
by the adapter), each for the 10 best with their payloads; a query is a stored point's vector with
noise and six of its sparse terms at random. Prints p50 and p95 in milliseconds, the
build time, the folder's size and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import commit
from ragloom.core.models import (
    ChunkPayload,
    DocumentId,
    Location,
    SearchQuery,
    SparseVector,
    TenantId,
    VectorPoint,
)

DIMENSION = 384
TENANTS = [TenantId(f"tenant-{i}") for i in range(10)]
VOCABULARY = 30_000
TERMS_PER_POINT = 40
BATCH = 1_000
WORDS = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "at", "from"]


def zipf_terms(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` rows of TERMS_PER_POINT term ids drawn from a Zipf law over the vocabulary (repeats
    included: np.unique of a row gives a point's terms)."""
    return np.minimum(rng.zipf(1.3, (count, TERMS_PER_POINT)), VOCABULARY) - 1


def query_terms(rng: np.random.Generator, indices: list[int], values: list[float]) -> SparseVector:
    """Six of a stored point's terms at random: its first six would be the six most frequent terms of
    the whole vocabulary (np.unique sorts), the stopwords BM25 leaves out."""
    chosen = rng.choice(len(indices), min(6, len(indices)), replace=False)
    return SparseVector([indices[j] for j in chosen], [values[j] for j in chosen])


def _points(rng: np.random.Generator, start: int, count: int) -> list[tuple[TenantId, VectorPoint]]:
    dense = rng.standard_normal((count, DIMENSION)).astype(np.float32)
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    zipf = zipf_terms(rng, count)
    made = []
    for i in range(count):
        number = start + i
        terms = np.unique(zipf[i])
        text = " ".join(rng.choice(WORDS, 70))
        payload = ChunkPayload(
            document_id=DocumentId(f"doc-{number // 4}"),
            title=f"Document {number // 4}",
            source=f"doc-{number // 4}.pdf",
            ordinal=number % 4,
            text=text,
            location=Location(page=number % 30 + 1),
        )
        sparse = SparseVector(indices=terms.tolist(), values=(1.0 + rng.random(len(terms))).tolist())
        made.append(
            (TENANTS[number % len(TENANTS)], VectorPoint(str(number), dense[i].tolist(), payload, sparse))
        )
    return made


async def _open(adapter: str, folder: Path, layout: dict[str, Any]) -> Any:
    if adapter == "edge":
        from ragloom.adapters.qdrant.edge import open_vector_index
        from ragloom.adapters.qdrant.settings import QdrantEdgeSettings

        settings = QdrantEdgeSettings(path=str(folder / "shard"), dense_dimension=DIMENSION, **layout)
        return open_vector_index(settings)
    from ragloom.adapters.qdrant.server import open_vector_index as open_client
    from ragloom.adapters.qdrant.settings import QdrantSettings

    return open_client(QdrantSettings(path=str(folder / "local"), dense_dimension=DIMENSION, **layout))


class AnonymousMemory:
    """The peak of the process's anonymous resident memory (RssAnon), sampled every 0.2 s: the memory
    it cannot give back. Peak RSS also counts file pages it has mapped (an on-disk index), which the
    kernel drops when memory is short."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("RssAnon:"):
                    self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)

    def __enter__(self) -> AnonymousMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


async def one_size(adapter: str, size: int, queries: int, layout: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    with AnonymousMemory() as anonymous, tempfile.TemporaryDirectory(prefix="ragloom-scale-") as folder:
        async with await _open(adapter, Path(folder), layout) as index:
            began = time.perf_counter()
            probes: list[VectorPoint] = []
            for start in range(0, size, BATCH):
                batch = _points(rng, start, min(BATCH, size - start))
                for tenant in TENANTS:
                    mine = [point for owner, point in batch if owner == tenant]
                    if mine:
                        await index.upsert(tenant, mine)
                probes += [p for owner, p in batch if owner == TENANTS[0]][:2]
            upserted = time.perf_counter() - began
            if hasattr(index, "optimize"):
                await index.optimize()
            built = time.perf_counter() - began
            timings: dict[str, list[float]] = {"dense": [], "sparse": [], "hybrid": []}
            for i in range(queries):
                probe = probes[i % len(probes)]
                noisy = np.asarray(probe.dense) + rng.normal(0, 0.05, DIMENSION)
                dense = (noisy / np.linalg.norm(noisy)).tolist()
                assert probe.sparse is not None
                sparse = query_terms(rng, list(probe.sparse.indices), list(probe.sparse.values))
                for mode, query in (
                    ("dense", SearchQuery(dense=dense, limit=10)),
                    ("sparse", SearchQuery(dense=[], sparse=sparse, limit=10)),
                    ("hybrid", SearchQuery(dense=dense, sparse=sparse, limit=10)),
                ):
                    t0 = time.perf_counter()
                    hits = await index.search(TENANTS[0], query)
                    timings[mode].append((time.perf_counter() - t0) * 1000)
                    assert hits, mode
            count = await index.count(TENANTS[0])
        disk = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())
    figures: dict[str, Any] = {
        "size": size,
        "tenant_points": count,
        "upsert_s": upserted,
        "build_s": built,
        "disk_mb": disk / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_anon_mb": anonymous.peak_mb,
    }
    for mode, samples in timings.items():
        figures[f"{mode}_p50"], figures[f"{mode}_p95"] = percentiles(samples)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", choices=["edge", "qdrant"], default="edge")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--on-disk", action="store_true", help="the index's on_disk setting")
    parser.add_argument("--int8", action="store_true", help="the index's quantization: int8")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size, JSON out
    args = parser.parse_args()
    layout = {"on_disk": args.on_disk, "quantization": "int8" if args.int8 else "none"}
    if args.one:
        print(json.dumps(asyncio.run(one_size(args.adapter, args.one, args.queries, layout))))
        return
    print(
        f"cores {os.cpu_count()}, commit {commit()}, adapter {args.adapter} {layout}, "
        f"{len(TENANTS)} tenants, "
        f"{DIMENSION}-d dense + {TERMS_PER_POINT}-term sparse, "
        f"{args.queries} queries in one tenant, limit 10\n"
    )
    print(
        "| points | build s | disk MB | peak RSS MB | peak anonymous MB | dense p50 / p95 ms "
        "| sparse p50 / p95 ms | hybrid p50 / p95 ms |"
    )
    print("| --- " * 8 + "|")
    for size in args.sizes:
        ran = subprocess.run(
            [
                sys.executable,
                __file__,
                "--adapter",
                args.adapter,
                "--queries",
                str(args.queries),
                *(["--on-disk"] if args.on_disk else []),
                *(["--int8"] if args.int8 else []),
                "--one",
                str(size),
            ],
            capture_output=True,
            text=True,
        )
        if ran.returncode != 0:
            print(f"| {size:,} | failed: {(ran.stderr.strip().splitlines() or [ran.returncode])[-1]} |")
            continue
        f = json.loads(ran.stdout.strip().splitlines()[-1])
        print(
            f"| {size:,} | {f['build_s']:.1f} | {f['disk_mb']:.0f} | {f['peak_rss_mb']:.0f} | "
            f"{f['peak_anon_mb']:.0f} | "
            f"{f['dense_p50']:.2f} / {f['dense_p95']:.2f} | {f['sparse_p50']:.2f} / {f['sparse_p95']:.2f} | "
            f"{f['hybrid_p50']:.2f} / {f['hybrid_p95']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
