"""Score (query, passage) pairs with a cross-encoder and keep the best, on one worker thread."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import SearchHit


class CrossEncoderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(
        description="folder of a sentence-transformers CrossEncoder (e.g. ms-marco-MiniLM-L-6-v2)"
    )
    batch_size: int = Field(32, ge=1, le=1024, description="(question, passage) pairs per model call")
    max_length: int = Field(
        512, ge=8, le=4096, description="tokens of a question and passage pair; longer ones are truncated"
    )
    device: str = Field("cpu", description="torch device the model runs on, e.g. cpu or cuda")


def load_cross_encoder(settings: CrossEncoderSettings) -> Any:
    path = Path(settings.model).expanduser()
    if not path.is_dir():
        raise ProviderUnavailable(f"cross-encoder folder {settings.model!r} does not exist", retryable=False)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import CrossEncoder

    try:
        return CrossEncoder(str(path), max_length=settings.max_length, device=settings.device)
    except (OSError, ValueError) as error:
        raise ProviderUnavailable(
            f"cannot load cross-encoder from {path}: {error}", retryable=False
        ) from error


class CrossEncoderReranker:
    def __init__(self, model: Any, settings: CrossEncoderSettings) -> None:
        self._model = model
        self._settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rerank")

    def _scores(self, query: str, texts: list[str]) -> list[float]:
        pairs = [(query, text) for text in texts]
        scores = self._model.predict(pairs, batch_size=self._settings.batch_size, show_progress_bar=False)
        return [float(s) for s in scores]

    async def rerank(self, query: str, hits: Sequence[SearchHit], top_n: int) -> Sequence[SearchHit]:
        if not hits or top_n <= 0:
            return []
        texts = [
            f"{hit.payload.title}\n{hit.payload.text}" if hit.payload.title else hit.payload.text
            for hit in hits
        ]
        loop = asyncio.get_running_loop()
        scores = await loop.run_in_executor(self._executor, self._scores, query, texts)
        order = sorted(range(len(hits)), key=lambda i: (-scores[i], i))[:top_n]
        return [replace(hits[i], score=scores[i]) for i in order]

    def close(self) -> None:
        self._executor.shutdown(wait=True)


@asynccontextmanager
async def open_reranker(settings: CrossEncoderSettings) -> AsyncIterator[CrossEncoderReranker]:
    model = await asyncio.to_thread(load_cross_encoder, settings)
    reranker = CrossEncoderReranker(model, settings)
    try:
        yield reranker
    finally:
        reranker.close()
