"""The Redis semantic cache on a real Redis: the SemanticCache contract, a bound on entries, and
what happens when Redis goes away (a Redis server started and stopped by the test): lookups miss,
answers keep flowing, one warning, and it serves again once Redis is back."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis.asyncio as aioredis

from ragloom.adapters.redis_cache.cache import open_redis_cache
from ragloom.adapters.redis_cache.settings import RedisCacheSettings
from ragloom.contracts.testing.semantic_cache import ANSWER, OTHER, PIPELINE, A, SemanticCacheContract, _at
from ragloom.core.models import Location
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.redis


class TestRedisSemanticCache(SemanticCacheContract):
    @pytest.fixture
    async def adapter(self, redis_prefix):
        settings = RedisCacheSettings(url=REDIS_URL, key_prefix=f"{redis_prefix}:cache", ttl_seconds=1)
        async with open_redis_cache(settings) as cache:
            yield cache

    @pytest.fixture
    def expire(self):
        return lambda: asyncio.sleep(1.5)


async def test_a_full_key_keeps_the_answers_it_has(redis_prefix):
    settings = RedisCacheSettings(url=REDIS_URL, key_prefix=f"{redis_prefix}:cache", max_entries=2)
    async with open_redis_cache(settings) as cache:
        for angle in (0.0, 1.0, 2.0):
            await cache.put(A, _at(angle), ANSWER, corpus_version=1, pipeline=PIPELINE)
        assert await cache.get(A, _at(2.0), corpus_version=1, pipeline=PIPELINE) is None
        assert await cache.get(A, _at(1.0), corpus_version=1, pipeline=PIPELINE) == ANSWER
        assert await cache.invalidate(A) == 2


async def test_a_cached_citation_keeps_its_flat_form(redis_prefix):
    """A citation's location is cached as flat keys beside its others, so entries cached before
    `Location` (and by older versions still running) read alike."""
    prefix = f"{redis_prefix}:cache"
    async with open_redis_cache(RedisCacheSettings(url=REDIS_URL, key_prefix=prefix)) as cache:
        await cache.put(A, _at(0.0), ANSWER, corpus_version=1, pipeline=PIPELINE)
        client = aioredis.Redis.from_url(REDIS_URL)
        try:
            [key] = [k async for k in client.scan_iter(match=f"{prefix}:*") if not k.endswith(b":vectors")]
            [(field, raw)] = (await client.hgetall(key)).items()
            [cited] = json.loads(raw)["citations"]
            assert cited == {
                "marker": 1,
                "document_id": "doc-1",
                "title": "Owls",
                "source": "owls.mp4",
                "chunk": 3,
                "score": 0.83,
                "text": "Owls hunt at night.",
                "page": None,
                "start_seconds": 12.5,
                "end_seconds": 18.0,
                "media_type": "video/mp4",
                "track": "frame",
                "frame": 4,
                "boxes": [[10, 20, 300, 60]],
            }
            older = {key: value for key, value in cited.items() if key not in ("page", "boxes")}
            await client.hset(key, field, json.dumps({"answer": ANSWER.answer, "citations": [older]}))
        finally:
            await client.aclose()
        [read] = (await cache.get(A, _at(0.0), corpus_version=1, pipeline=PIPELINE)).citations
        cached = ANSWER.citations[0]
        assert read == dataclasses.replace(cached, location=cached.location.without_boxes())
        assert read.location == Location(start_seconds=12.5, end_seconds=18.0, track="frame", frame=4)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.05)
    server.kill()
    raise AssertionError("redis-server did not start")


async def test_redis_going_away_bypasses_the_cache_with_one_warning(caplog):
    port = _free_port()
    server = _start_redis(port)
    settings = RedisCacheSettings(url=f"redis://127.0.0.1:{port}/0", timeout_seconds=0.5)
    try:
        async with open_redis_cache(settings) as cache:
            await cache.put(A, _at(0.0), ANSWER, corpus_version=1, pipeline=PIPELINE)
            assert await cache.get(A, _at(0.0), corpus_version=1, pipeline=PIPELINE) == ANSWER
            server.terminate()
            server.wait(10)
            with caplog.at_level(logging.WARNING, logger="ragloom.adapters.redis_cache.cache"):
                for _ in range(3):
                    assert await cache.get(A, _at(0.0), corpus_version=1, pipeline=PIPELINE) is None
                    await cache.put(A, _at(1.0), OTHER, corpus_version=1, pipeline=PIPELINE)
            warned = [r for r in caplog.records if "unreachable" in r.getMessage()]
            assert len(warned) == 1
            server = _start_redis(port)
            await cache.put(A, _at(0.0), ANSWER, corpus_version=1, pipeline=PIPELINE)
            assert await cache.get(A, _at(0.0), corpus_version=1, pipeline=PIPELINE) == ANSWER
            assert any("answers again" in r.getMessage() for r in caplog.records)
    finally:
        server.kill()
        server.wait(10)


async def test_answers_keep_flowing_while_the_cache_redis_is_down(tmp_path, caplog):
    from ragloom.core.models import DEFAULT_TENANT, AnswerDone
    from ragloom.core.streams import IncomingFile
    from ragloom.entrypoints.bootstrap import open_runtime
    from tests.helpers.runtime import memory_settings

    port = _free_port()
    server = _start_redis(port)
    settings = memory_settings(
        tmp_path,
        adapters={"semantic_cache": "redis"},
        plugins={"semantic_cache": {"redis": {"url": f"redis://127.0.0.1:{port}/0"}}},
    )
    try:
        async with open_runtime(settings) as runtime:
            await runtime.lifecycle.start_all()
            documents = await runtime.documents()
            await documents.upload(
                DEFAULT_TENANT, IncomingFile.from_bytes("owls.txt", b"Owls hunt at night.")
            )
            await runtime.lifecycle.wait_idle()
            answers = await runtime.answer()

            async def done(question):
                return [e async for e in answers.answer(DEFAULT_TENANT, question)][-1]

            assert not (await done("When do owls hunt?")).cached
            assert (await done("When do owls hunt?")).cached
            server.terminate()
            server.wait(10)
            with caplog.at_level(logging.WARNING, logger="ragloom.adapters.redis_cache.cache"):
                for _ in range(3):
                    answer = await done("When do owls hunt?")
                    assert isinstance(answer, AnswerDone) and not answer.cached
                    assert "Owls hunt at night" in answer.answer
            assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
    finally:
        server.kill()
        server.wait(10)
