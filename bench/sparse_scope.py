"""Where a sparse search's time goes in a large shared index: the tenant filter and the tenant's IDF.

    .venv/bin/python bench/sparse_scope.py --points 1000000 --runs 3

`bench/scale.py` found sparse and hybrid search slower than dense at 1M points. This script builds a
Qdrant Edge shard of sparse vectors only (no HNSW to build, so a million points take about a
minute): `--points` synthetic points spread over 10 tenants, each 40 terms drawn from a Zipf
vocabulary of 30,000 (as `bench/scale.py` makes them), with the IDF modifier and the tenant payload
index the `qdrant_edge` adapter creates. Then the same queries (six terms of a stored point, at
random) run four ways, 10 hits with payloads:

- as the adapter runs them: inside one tenant's filter, IDF over that tenant's points;
- inside the tenant's filter, IDF over all points (what the adapter must not do: one tenant's
  documents would then weigh another's terms);
- with no filter, IDF over all points (the engine's own floor on this shard);
- in a shard holding one tenant's share of the points alone (a shard per tenant).

Each run builds afresh; the script prints each way's median p50 and p95 over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from bench.scale import TENANTS, TERMS_PER_POINT, VOCABULARY, percentiles, query_terms, zipf_terms
from ragloom.adapters.qdrant.common import SPARSE, TENANT_KEY

QUERIES = 200
TENANT_COUNT = len(TENANTS)


def build(folder: str, points: int, tenants: int) -> tuple[Any, list[tuple[list[int], list[float]]]]:
    """A shard of `points` sparse points over `tenants` tenants, optimized; and probes of tenant 0."""
    rng = np.random.default_rng(7)
    config = qe.EdgeConfig(
        vectors={}, sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)}
    )
    shard = qe.EdgeShard.create(folder, config)
    shard.update(qe.UpdateOperation.create_field_index(TENANT_KEY, qe.KeywordIndexParams(is_tenant=True)))
    probes: list[tuple[list[int], list[float]]] = []
    for start in range(0, points, 1_000):
        count = min(1_000, points - start)
        terms = zipf_terms(rng, count)
        batch = []
        for i in range(count):
            number = start + i
            indices = np.unique(terms[i]).tolist()
            values = (1.0 + rng.random(len(indices))).tolist()
            vector = {SPARSE: qe.SparseVector(indices, values)}
            batch.append(
                qe.Point(str(uuid.UUID(int=number + 1)), vector, {TENANT_KEY: f"t{number % tenants}"})
            )
            if number % tenants == 0 and len(probes) < 400:
                probes.append((indices, values))
        shard.update(qe.UpdateOperation.upsert_points(batch))
    shard.optimize()
    return shard, probes


def timed(
    shard: Any, probes: list[tuple[list[int], list[float]]], scoped: bool, tenant_idf: bool
) -> list[float]:
    """Milliseconds of each query, in tenant 0's filter or none, with its IDF or the shard's."""
    rng = np.random.default_rng(1)
    corpus = qe.Filter(must=[qe.FieldCondition(key=TENANT_KEY, match=qe.MatchValue("t0"))])
    params = qe.SearchParams(idf=qe.IdfParams(corpus=corpus)) if tenant_idf else None
    samples = []
    for i in range(QUERIES):
        terms = query_terms(rng, *probes[i % len(probes)])
        query = qe.Query.Nearest(qe.SparseVector(list(terms.indices), list(terms.values)), using=SPARSE)
        request = qe.QueryRequest(
            query=query, params=params, limit=10, filter=corpus if scoped else None, with_payload=True
        )
        began = time.perf_counter()
        shard.query(request)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def one_run(points: int) -> dict[str, tuple[float, float]]:
    """p50 and p95 of each way, on a fresh shared shard and a fresh shard of one tenant."""
    with tempfile.TemporaryDirectory(prefix="ragloom-sparse-") as folder:
        began = time.perf_counter()
        shard, probes = build(str(Path(folder) / "shared"), points, TENANT_COUNT)
        print(f"  built {points:,} points in {time.perf_counter() - began:.1f} s", flush=True)
        figures = {
            "tenant filter, tenant IDF (the adapter)": percentiles(timed(shard, probes, True, True)),
            "tenant filter, IDF over all tenants": percentiles(timed(shard, probes, True, False)),
            "no filter, IDF over all tenants": percentiles(timed(shard, probes, False, False)),
        }
        shard.close()
        own, own_probes = build(str(Path(folder) / "own"), points // TENANT_COUNT, 1)
        alone = f"a shard of one tenant's {points // TENANT_COUNT:,} points"
        figures[alone] = percentiles(timed(own, own_probes, False, False))
        own.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        header(
            {
                **vars(args),
                "tenants": TENANT_COUNT,
                "terms": TERMS_PER_POINT,
                "vocabulary": VOCABULARY,
                "queries": QUERIES,
            }
        )
    )
    runs = [one_run(args.points) for _ in range(args.runs)]
    print("\n| search | p50 ms (median of runs) | p95 ms (median of runs) | p50 of each run |")
    print("| --- | --- | --- | --- |")
    for name in runs[0]:
        p50s = [run[name][0] for run in runs]
        p95s = [run[name][1] for run in runs]
        each = ", ".join(f"{p:.2f}" for p in p50s)
        print(f"| {name} | {statistics.median(p50s):.2f} | {statistics.median(p95s):.2f} | {each} |")


if __name__ == "__main__":
    main()
