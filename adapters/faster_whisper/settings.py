"""Settings of the faster-whisper transcriber (`plugins.speech_to_text.faster_whisper`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FasterWhisperSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field("tiny.en", description="tiny.en, base, or a local CTranslate2 Whisper folder")
    compute_type: str = Field("int8", description="CTranslate2 compute type: int8, float32, ...")
    threads: int = Field(2, ge=1, le=64, description="CPU threads of one transcription")
    beam_size: int = Field(
        5,
        ge=1,
        le=10,
        description="beam search width of decoding (1: greedy, the fastest; 5 cut tiny.en's word error "
        "rate on the answer suite from 0.276 to 0.221, bench/README.md)",
    )
    language: str | None = Field("en", description="None: detected (multilingual models only)")
    vad_filter: bool = Field(True, description="skip silence with Silero VAD")
    word_timestamps: bool = Field(
        True, description="time segments by their first and last word (Whisper's own are coarse)"
    )
    cache: str | None = Field(None, description="folder for assembled models (default: the user cache)")
