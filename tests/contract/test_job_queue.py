"""The JobQueue contract: the in-memory fake, Taskiq in-process, and Taskiq on the real Redis."""

from __future__ import annotations

import pytest

from ragloom.adapters.memory.job_queue import InMemoryJobQueue
from ragloom.adapters.taskiq.queue import open_inprocess_queue, open_redis_queue
from ragloom.adapters.taskiq.settings import InProcessQueueSettings, RedisQueueSettings
from ragloom.contracts.testing.job_queue import JobQueueContract, job
from ragloom.core.errors import ProviderUnavailable
from tests.conftest import REDIS_URL


class TestInMemoryJobQueue(JobQueueContract):
    @pytest.fixture
    async def adapter(self):
        queue = InMemoryJobQueue()
        yield queue
        await queue.wait_idle()


class TestTaskiqInProcessQueue(JobQueueContract):
    @pytest.fixture
    async def adapter(self):
        async with open_inprocess_queue(InProcessQueueSettings(max_concurrent_jobs=4)) as queue:
            yield queue


@pytest.mark.redis
class TestTaskiqRedisQueue(JobQueueContract):
    @pytest.fixture
    async def adapter(self, redis_prefix):
        settings = RedisQueueSettings(url=REDIS_URL, queue_prefix=redis_prefix, redelivery_idle_seconds=60)
        async with open_redis_queue(settings) as queue:
            yield queue


async def test_an_unreachable_redis_is_provider_unavailable():
    settings = RedisQueueSettings(url="redis://127.0.0.1:1/0", queue_prefix="nowhere")
    async with open_redis_queue(settings) as queue:
        with pytest.raises(ProviderUnavailable, match="job queue unavailable"):
            await queue.enqueue(job(1))
