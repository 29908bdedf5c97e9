"""Settings of the BM25 sparse encoder (`plugins.sparse_encoder.bm25`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Bm25Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = Field("english", description="a Snowball stemmer language, or 'none'")
    k1: float = Field(0.9, ge=0, description="term-frequency saturation (tuned on SciFact train)")
    b: float = Field(0.4, ge=0, le=1, description="length normalisation (tuned on SciFact train)")
    average_length: float = Field(100.0, gt=0, description="expected terms per chunk")
    stopwords: bool = Field(True, description="drop English stopwords (whatever the language)")
    min_token_length: int = Field(
        2, ge=1, description="shorter words are ignored (characters, before stemming)"
    )
    max_token_length: int = Field(
        40, ge=1, description="longer words are ignored (characters, before stemming)"
    )
