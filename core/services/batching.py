"""Coalesce concurrent calls into large batches (many small documents -> one model call)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from ..models import Vector
from ..ports import TextEmbedder

Item = TypeVar("Item")
Result = TypeVar("Result")


class Coalescer(Generic[Item, Result]):
    """Calls made while one batch runs go out together in the next, up to `max_batch` items (a
    larger call goes alone). `run_batch` gives one result per item; each caller gets its own slice,
    or the batch's error. A cancelled caller's items are left out."""

    def __init__(
        self,
        run_batch: Callable[[list[Item]], Awaitable[Sequence[Result]]],
        *,
        max_batch: int | None = None,
        max_wait_seconds: float = 0.0,
    ) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._max_wait = max_wait_seconds
        self._pending: list[tuple[list[Item], asyncio.Future[Sequence[Result]]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def __call__(self, items: Sequence[Item]) -> Sequence[Result]:
        if not items:
            return []
        future: asyncio.Future[Sequence[Result]] = asyncio.get_running_loop().create_future()
        self._pending.append((list(items), future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._drain())
        return await future

    def _take_batch(self) -> list[tuple[list[Item], asyncio.Future[Sequence[Result]]]]:
        batch: list[tuple[list[Item], asyncio.Future[Sequence[Result]]]] = []
        size = 0
        while self._pending and (
            not batch or self._max_batch is None or size + len(self._pending[0][0]) <= self._max_batch
        ):
            call = self._pending.pop(0)
            if call[1].cancelled():
                continue
            batch.append(call)
            size += len(call[0])
        return batch

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(self._max_wait)
            batch = self._take_batch()
            if not batch:
                continue
            try:
                results = await self._run_batch([item for items, _ in batch for item in items])
            except Exception as error:  # handed to every waiting caller
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            start = 0
            for items, future in batch:
                if not future.done():
                    future.set_result(results[start : start + len(items)])
                start += len(items)


class CoalescingEmbedder:
    """A TextEmbedder that batches `embed_documents` calls made at about the same time.

    While one model call runs, new requests queue up and go out together in the next one, up to
    `max_batch` texts; the inner embedder sorts each batch by length, so padding stays small.
    """

    def __init__(self, inner: TextEmbedder, *, max_batch: int = 256, max_wait_seconds: float = 0.002) -> None:
        self._inner = inner
        self._batches: Coalescer[str, Vector] = Coalescer(
            inner.embed_documents, max_batch=max_batch, max_wait_seconds=max_wait_seconds
        )

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    async def embed_query(self, text: str) -> Vector:
        return await self._inner.embed_query(text)

    async def embed_documents(self, texts: Sequence[str]) -> Sequence[Vector]:
        return await self._batches(texts)
