"""The video media types and the video extractor's settings (`plugins.media_extractor.video`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

VIDEO_MEDIA_TYPES = frozenset({"video/mp4", "video/webm", "video/x-matroska", "video/quicktime"})


class VideoSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_seconds: float = Field(3600, gt=0, description="longer videos fail instead of being decoded")
    max_pixels: int = Field(
        16_777_216,
        ge=1,
        description="pixels of one frame (4096 x 4096): larger videos fail before a frame is decoded",
    )
    max_frame_rate: float = Field(
        240, gt=0, description="frames per second: faster videos fail before a frame is decoded"
    )
    sample_seconds: float = Field(
        1.0, gt=0, le=60, description="how often a frame is looked at for a scene change"
    )
    floor_seconds: float = Field(
        10.0, gt=0, le=600, description="a keyframe at least this often, even without a scene change"
    )
    max_keyframes_per_minute: int = Field(12, ge=1, le=600, description="keyframes read by OCR, at most")
    scene_change: float = Field(
        0.01, gt=0, le=1, description="share of a frame's pixels that must change to start a new scene"
    )
