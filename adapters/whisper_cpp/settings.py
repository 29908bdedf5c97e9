"""Settings of the whisper.cpp transcriber (`plugins.speech_to_text.whisper_cpp`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WhisperCppSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="a ggml model file, e.g. written by `ragloom models whisper-cpp`")
    threads: int = Field(2, ge=1, le=64, description="CPU threads of one transcription")
    language: str = Field("en", description="language code of the speech, e.g. en or de")
