"""The image media types and the image extractor's settings (`plugins.media_extractor.image`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

IMAGE_MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif", "image/tiff"})


class ImageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_pixels: int = Field(
        40_000_000, ge=1, description="larger images fail before they are decoded (decompression bombs)"
    )
