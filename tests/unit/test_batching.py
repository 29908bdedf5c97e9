import asyncio

import pytest

from ragloom.core.services.batching import Coalescer, CoalescingEmbedder


class CountingEmbedder:
    dimension = 1

    def __init__(self, fail: bool = False):
        self.batches: list[list[str]] = []
        self.fail = fail

    async def embed_documents(self, texts):
        self.batches.append(list(texts))
        await asyncio.sleep(0.01)
        if self.fail:
            raise RuntimeError("boom")
        return [[float(len(t))] for t in texts]

    async def embed_query(self, text):
        return [0.0]


async def test_concurrent_calls_share_model_calls_and_get_their_own_vectors():
    inner = CountingEmbedder()
    embedder = CoalescingEmbedder(inner, max_batch=64)
    requests = [["a" * i, "b" * (i + 1)] for i in range(1, 21)]
    results = await asyncio.gather(*(embedder.embed_documents(r) for r in requests))
    assert results == [[[float(len(t))] for t in r] for r in requests]
    assert len(inner.batches) < 5
    assert all(len(b) <= 64 for b in inner.batches)


async def test_errors_reach_every_caller_of_the_batch():
    embedder = CoalescingEmbedder(CountingEmbedder(fail=True))
    results = await asyncio.gather(
        embedder.embed_documents(["x"]), embedder.embed_documents(["y"]), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)


async def test_an_oversized_request_goes_alone_and_empty_requests_cost_nothing():
    inner = CountingEmbedder()
    embedder = CoalescingEmbedder(inner, max_batch=4)
    assert await embedder.embed_documents([]) == []
    vectors = await embedder.embed_documents(["x"] * 10)
    assert len(vectors) == 10 and inner.batches == [["x"] * 10]


@pytest.mark.parametrize("n", [1, 3])
async def test_cancelled_callers_do_not_block_others(n):
    inner = CountingEmbedder()
    embedder = CoalescingEmbedder(inner)
    cancelled = asyncio.ensure_future(embedder.embed_documents(["gone"]))
    cancelled.cancel()
    results = await asyncio.gather(*(embedder.embed_documents([str(i)]) for i in range(n)))
    assert [r[0][0] for r in results] == [1.0] * n


async def test_without_a_limit_every_call_made_during_a_batch_goes_in_the_next():
    batches: list[list[int]] = []

    async def double(items):
        batches.append(list(items))
        await asyncio.sleep(0.01)
        return [2 * i for i in items]

    coalescer = Coalescer(double)
    first = asyncio.ensure_future(coalescer([0]))
    await asyncio.sleep(0.001)  # the first batch is running
    later = await asyncio.gather(*(coalescer([i, i + 100]) for i in range(1, 50)))
    assert await first == [0]
    assert later == [[2 * i, 2 * (i + 100)] for i in range(1, 50)]
    assert batches == [[0], [item for i in range(1, 50) for item in (i, i + 100)]]
