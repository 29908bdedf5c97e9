"""Semantic cache lookups at a full tenant: the in-memory cache and the Redis one, side by side.

    .venv/bin/python bench/semantic_cache.py --entries 1000 --redis redis://127.0.0.1:6379/0

Each cache gets `--entries` answers for one tenant (random 384-d questions, an answer of about 400
characters with three citations of about 400 characters each, as the extractive model gives), then
answers `--lookups` questions that match none of them (a miss reads every vector). Prints the mean
lookup time in milliseconds. The Redis keys live under a prefix of their own and are deleted after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import commit
from ragloom.adapters.memory.semantic_cache import InMemorySemanticCache
from ragloom.adapters.redis_cache.cache import open_redis_cache
from ragloom.adapters.redis_cache.settings import RedisCacheSettings
from ragloom.core.models import CachedAnswer, Citation, DocumentId, TenantId

TENANT = TenantId("bench")
KEY = {"corpus_version": 1, "pipeline": "extractive|hybrid"}


def _answer() -> CachedAnswer:
    citations = tuple(
        Citation(
            marker=i,
            document_id=DocumentId(f"doc-{i}"),
            title="A title " * 5,
            source="paper.pdf",
            chunk=1,
            score=0.5,
            text="word " * 80,
        )
        for i in range(1, 4)
    )
    return CachedAnswer("answer " * 60, citations)


async def _time(cache, entries: int, lookups: int) -> float:
    rng = np.random.default_rng(0)
    answer = _answer()
    for _ in range(entries):
        await cache.put(TENANT, rng.standard_normal(384).tolist(), answer, **KEY)
    questions = [rng.standard_normal(384).tolist() for _ in range(lookups)]
    await cache.get(TENANT, questions[0], **KEY)
    began = time.perf_counter()
    for question in questions:
        await cache.get(TENANT, question, **KEY)
    return (time.perf_counter() - began) / lookups * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=100)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="a Redis URL, or '' to skip")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, commit {commit()}, {args.entries} entries, {args.lookups} misses")
    memory = InMemorySemanticCache(max_entries=args.entries)
    print(f"memory  {await _time(memory, args.entries, args.lookups):8.2f} ms per lookup")
    if args.redis:
        prefix = f"bench-cache-{uuid.uuid4().hex[:8]}"
        settings = RedisCacheSettings(url=args.redis, key_prefix=prefix, max_entries=args.entries)
        async with open_redis_cache(settings) as cache:
            try:
                print(f"redis   {await _time(cache, args.entries, args.lookups):8.2f} ms per lookup")
            finally:
                await cache.invalidate(TENANT)


if __name__ == "__main__":
    asyncio.run(main())
