"""Settings of the open_clip image embedder (`plugins.image_embedder.open_clip`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class OpenClipSettings(BaseModel):
    """Where the CLIP weights are; nothing is downloaded, so they must be on disk."""

    model_config = ConfigDict(extra="forbid")

    weights: str = Field(
        description="A folder in open_clip's own layout (open_clip_config.json beside "
        "open_clip_model.safetensors or open_clip_pytorch_model.bin, as published on the Hugging "
        "Face hub), or a checkpoint file, with `model` naming its architecture."
    )
    model: str | None = Field(
        default=None,
        description="open_clip's name of the architecture of a checkpoint file, e.g. ViT-B-32 "
        "(unused with a folder, whose config names it).",
    )
    batch_size: int = Field(default=16, ge=1, description="Pictures per model call.")
    max_pixels: int = Field(
        default=40_000_000,
        ge=1,
        description="Pictures over this many pixels are refused before they are decoded.",
    )
