"""SemanticCache in Redis: two hashes per (tenant, pipeline, corpus version), with one field per
answer in each: the question's vector (the field's 16 bytes, then raw float32) in `<key>:vectors`,
the answer with its citations as JSON in `<key>`.

A lookup reads the vectors only and compares them here as one matrix product (plain Redis has no
vector search; a hash holds at most `max_entries`), then reads the one answer that matched. Reading
every answer's JSON for each lookup took 33 ms at 1,000 entries; this takes 7.8 ms
(`bench/semantic_cache.py`). A new corpus version starts new hashes, so a changed corpus never gets
an old answer, and the old hashes expire with their time to live. When Redis cannot be reached,
lookups miss and writes are dropped: answers keep flowing, with one warning until it answers again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import numpy as np
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import CachedAnswer, Citation, Location, TenantId, Vector

from .settings import RedisCacheSettings

log = logging.getLogger(__name__)
_GLOB = re.compile(r"([*?\[\]\\])")


class RedisSemanticCache:
    def __init__(self, client: aioredis.Redis, settings: RedisCacheSettings) -> None:
        self._client = client
        self._settings = settings
        self._unreachable = False

    async def get(
        self, tenant: TenantId, query: Vector, *, corpus_version: int, pipeline: str
    ) -> CachedAnswer | None:
        key = self._key(tenant, pipeline, corpus_version)
        stored = await self._call(self._client.hvals(_vectors(key)))
        probe = _unit(query)
        rows = [row for row in stored or () if len(row) == FIELD_BYTES + probe.nbytes]
        if not rows:
            return None
        table = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), -1)
        similarities = table[:, FIELD_BYTES:].copy().view(np.float32) @ probe
        best = int(np.argmax(similarities))
        if similarities[best] < self._settings.threshold:
            return None
        field = table[best, :FIELD_BYTES].tobytes().hex()
        raw = await self._call(self._client.hget(key, field))
        return None if raw is None else _answer(json.loads(raw))

    async def put(
        self, tenant: TenantId, query: Vector, answer: CachedAnswer, *, corpus_version: int, pipeline: str
    ) -> None:
        key = self._key(tenant, pipeline, corpus_version)
        vector = _unit(query).tobytes()
        field = hashlib.sha256(vector).digest()[:FIELD_BYTES]
        ttl = self._settings.ttl_seconds
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hlen(_vectors(key))
            pipe.hsetnx(_vectors(key), field.hex(), field + vector)
            pipe.hsetnx(key, field.hex(), json.dumps(_answer_json(answer)))
            pipe.expire(_vectors(key), ttl)
            pipe.expire(key, ttl)
            done = await self._call(pipe.execute())
        if done and done[0] >= self._settings.max_entries and done[1]:  # full: keep the answers it has
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.hdel(_vectors(key), field.hex())
                pipe.hdel(key, field.hex())
                await self._call(pipe.execute())

    async def invalidate(self, tenant: TenantId) -> int:
        """Forget the tenant's answers; how many. Raises if Redis cannot be reached, so a tenant's
        deletion says so rather than report a clean purge."""
        escaped = _GLOB.sub(r"\\\1", str(tenant))  # the tenant id, literal in the pattern
        pattern = f"{self._settings.key_prefix}:{escaped}:*"
        forgotten = 0
        async for key in self._client.scan_iter(match=pattern, count=500):
            if not _text(key).endswith(VECTORS):
                forgotten += int(await self._client.hlen(key))
            await self._client.delete(key)
        return forgotten

    async def _call(self, awaitable: Any) -> Any:
        try:
            result = await awaitable
        except (RedisError, OSError) as error:
            if not self._unreachable:
                self._unreachable = True
                log.warning("the semantic cache (Redis) is unreachable, answering without it: %s", error)
            return None
        if self._unreachable:
            self._unreachable = False
            log.warning("the semantic cache (Redis) answers again")
        return result

    def _key(self, tenant: TenantId, pipeline: str, corpus_version: int) -> str:
        digest = hashlib.sha256(pipeline.encode()).hexdigest()[:16]
        return f"{self._settings.key_prefix}:{tenant}:{digest}:{corpus_version}"


VECTORS = ":vectors"
FIELD_BYTES = 16  # an answer's field: the first bytes of its question vector's SHA-256


def _vectors(key: str) -> str:
    """The hash of the questions' vectors beside the answers' hash `key`."""
    return key + VECTORS


def _text(key: Any) -> str:
    return key.decode() if isinstance(key, bytes) else str(key)


def _unit(vector: Sequence[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


def _answer_json(answer: CachedAnswer) -> dict[str, Any]:
    return {"answer": answer.answer, "citations": [_citation_json(c) for c in answer.citations]}


def _citation_json(citation: Citation) -> dict[str, Any]:
    """Flat: the location's keys beside the citation's others, as entries cached before `Location`."""
    named = {f.name: getattr(citation, f.name) for f in dataclasses.fields(citation) if f.name != "location"}
    return {**named, **citation.location.to_dict()}


def _answer(entry: dict[str, Any]) -> CachedAnswer:
    citations = tuple(
        Citation(
            **{key: value for key, value in c.items() if key not in Location.KEYS},
            location=Location.from_dict(c),
        )
        for c in entry["citations"]
    )
    return CachedAnswer(entry["answer"], citations)


@asynccontextmanager
async def open_redis_cache(settings: RedisCacheSettings) -> AsyncIterator[RedisSemanticCache]:
    """Connects lazily: a Redis that is down at start only makes the cache miss."""
    timeout = settings.timeout_seconds
    try:
        client = aioredis.Redis.from_url(
            settings.url.get_secret_value(), socket_timeout=timeout, socket_connect_timeout=timeout
        )
    except ValueError as error:  # a malformed URL is a configuration error, not an outage
        raise ProviderUnavailable(
            f"plugins.semantic_cache.redis.url is not a Redis URL: {error}", retryable=False
        ) from error
    try:
        yield RedisSemanticCache(client, settings)
    finally:
        await client.aclose()
