"""ImageEmbedder with open_clip: pictures and text queries in one CLIP space, on a worker thread.

Weights come from disk only (a folder in open_clip's layout, or a checkpoint file and its
architecture's name); a folder without weights is refused rather than run with random ones.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ragloom.core.errors import InvalidInput, ProviderUnavailable
from ragloom.core.models import Vector

from .settings import OpenClipSettings

_CHECKPOINT_SUFFIXES = (".safetensors", ".bin", ".pth", ".pt")


class OpenClipEmbedder:
    """One model call at a time on its own thread; vectors L2-normalised by the model."""

    def __init__(self, model: Any, preprocess: Any, tokenizer: Any, settings: OpenClipSettings) -> None:
        self._model = model
        self._preprocess = preprocess
        self._tokenizer = tokenizer
        self._settings = settings
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="open-clip")
        self._dimension = len(self._encode_text("a picture"))

    @property
    def dimension(self) -> int:
        return self._dimension

    async def embed_images(self, images: Sequence[bytes]) -> Sequence[Vector]:
        """One vector per picture; InvalidInput naming the first that is no image or too large."""
        if not images:
            return []
        return await self._run(self._encode_images, list(images))

    async def embed_text(self, text: str) -> Vector:
        return await self._run(self._encode_text, text)

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    async def _run(self, function: Any, argument: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, argument)

    def _encode_images(self, images: list[bytes]) -> list[list[float]]:
        import torch

        tensors = [self._preprocess(self._decoded(i, data)) for i, data in enumerate(images)]
        vectors: list[list[float]] = []
        size = self._settings.batch_size
        with torch.inference_mode():
            for start in range(0, len(tensors), size):
                batch = torch.stack(tensors[start : start + size])
                vectors.extend(self._model.encode_image(batch, normalize=True).tolist())
        return vectors

    def _encode_text(self, text: str) -> list[float]:
        import torch

        with torch.inference_mode():
            return self._model.encode_text(self._tokenizer([text]), normalize=True)[0].tolist()

    def _decoded(self, index: int, data: bytes) -> Image.Image:
        try:
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
                if width * height > self._settings.max_pixels:
                    raise InvalidInput(
                        f"picture {index} is {width} x {height} pixels, over the limit of "
                        f"{self._settings.max_pixels} (plugins.image_embedder.open_clip.max_pixels)"
                    )
                return image.convert("RGB")
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
            raise InvalidInput(f"picture {index} is not a readable image: {error}") from error


def load_model(settings: OpenClipSettings) -> tuple[Any, Any, Any]:
    """(model in eval mode, its image preprocessing, its tokenizer) from the configured weights."""
    path = Path(settings.weights).expanduser()
    if path.is_dir():
        if not (path / "open_clip_config.json").is_file():
            raise ProviderUnavailable(
                f"the CLIP folder {str(path)!r} has no open_clip_config.json", retryable=False
            )
        if not any(p.suffix in _CHECKPOINT_SUFFIXES for p in path.iterdir()):
            raise ProviderUnavailable(f"the CLIP folder {str(path)!r} holds no weights file", retryable=False)
        name, pretrained = f"local-dir:{path}", None
    elif path.is_file():
        if settings.model is None:
            raise ProviderUnavailable(
                "a CLIP checkpoint file needs `model`, the name of its architecture "
                "(plugins.image_embedder.open_clip.model)",
                retryable=False,
            )
        name, pretrained = settings.model, str(path)
    else:
        raise ProviderUnavailable(f"the CLIP weights {settings.weights!r} do not exist", retryable=False)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import open_clip

    try:
        model, _, preprocess = open_clip.create_model_and_transforms(name, pretrained=pretrained)
        tokenizer = open_clip.get_tokenizer(name)
    except (RuntimeError, ValueError, KeyError, OSError) as error:
        raise ProviderUnavailable(
            f"cannot load the CLIP model from {str(path)!r}: {error}", retryable=False
        ) from error
    return model.eval(), preprocess, tokenizer


@asynccontextmanager
async def open_clip_embedder(settings: OpenClipSettings) -> AsyncIterator[OpenClipEmbedder]:
    model, preprocess, tokenizer = await asyncio.to_thread(load_model, settings)
    embedder = await asyncio.to_thread(OpenClipEmbedder, model, preprocess, tokenizer, settings)
    try:
        yield embedder
    finally:
        embedder.close()
