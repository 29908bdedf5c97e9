"""Coalesce concurrent embedding calls into large batches (many small documents -> one model call)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ..models import Vector
from ..ports import TextEmbedder


class CoalescingEmbedder:
    """A TextEmbedder that batches `embed_documents` calls made at about the same time.

    While one model call runs, new requests queue up and go out together in the next one, up to
    `max_batch` texts; the inner embedder sorts each batch by length, so padding stays small.
    """

    def __init__(self, inner: TextEmbedder, *, max_batch: int = 256, max_wait_seconds: float = 0.002) -> None:
        self._inner = inner
        self._max_batch = max_batch
        self._max_wait = max_wait_seconds
        self._pending: list[tuple[Sequence[str], asyncio.Future[Sequence[Vector]]]] = []
        self._runner: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    async def embed_query(self, text: str) -> Vector:
        return await self._inner.embed_query(text)

    async def embed_documents(self, texts: Sequence[str]) -> Sequence[Vector]:
        if not texts:
            return []
        future: asyncio.Future[Sequence[Vector]] = asyncio.get_running_loop().create_future()
        self._pending.append((list(texts), future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._drain())
        return await future

    def _take_batch(self) -> list[tuple[Sequence[str], asyncio.Future[Sequence[Vector]]]]:
        batch: list[tuple[Sequence[str], asyncio.Future[Sequence[Vector]]]] = []
        size = 0
        while self._pending and (not batch or size + len(self._pending[0][0]) <= self._max_batch):
            request = self._pending.pop(0)
            if request[1].cancelled():
                continue
            batch.append(request)
            size += len(request[0])
        return batch

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(self._max_wait)
            batch = self._take_batch()
            if not batch:
                continue
            texts = [text for request, _ in batch for text in request]
            try:
                vectors = await self._inner.embed_documents(texts)
            except Exception as error:  # handed to every waiting caller
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            start = 0
            for request, future in batch:
                end = start + len(request)
                if not future.done():
                    future.set_result(vectors[start:end])
                start = end
