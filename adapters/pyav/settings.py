"""The audio media types and the audio extractor's settings (`plugins.media_extractor.audio`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

AUDIO_MEDIA_TYPES = frozenset(
    {
        "audio/wav",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/flac",
        "audio/opus",
    }
)


class AudioSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_seconds: float = Field(3600, gt=0, description="longer recordings fail instead of being decoded")
