"""The open_clip ImageEmbedder on a tiny CLIP generated here (no CLIP weights exist on this machine):
the ImageEmbedder contract, the saved weights really loaded, and clear errors for bad weights and
bad pictures."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from ragloom.adapters.open_clip.embedder import open_clip_embedder
from ragloom.adapters.open_clip.settings import OpenClipSettings
from ragloom.contracts.testing.image_embedder import ImageEmbedderContract
from ragloom.core.errors import InvalidInput, ProviderUnavailable
from tests.helpers.clip import EMBED_DIM, save_tiny_clip


def png(color: str, size: tuple[int, int] = (120, 90)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.paste("white", (10, 10, 60, 40))
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory):
    return save_tiny_clip(tmp_path_factory.mktemp("clip") / "tiny")


@pytest.fixture
async def embedder(tiny_clip):
    folder, _ = tiny_clip
    async with open_clip_embedder(OpenClipSettings(weights=str(folder), max_pixels=1_000_000)) as adapter:
        yield adapter


class TestOpenClipEmbedder(ImageEmbedderContract):
    @pytest.fixture
    def adapter(self, embedder):
        return embedder

    @pytest.fixture
    def images(self):
        return png("navy"), png("orange")


async def test_the_saved_weights_are_the_ones_loaded(embedder, tiny_clip):
    import open_clip
    import torch

    _, saved = tiny_clip
    assert embedder.dimension == EMBED_DIM
    tokens = open_clip.get_tokenizer("ViT-B-32")(["a navy square"])
    with torch.inference_mode():
        expected = saved.encode_text(tokens, normalize=True)[0].tolist()
    assert list(await embedder.embed_text("a navy square")) == pytest.approx(expected, abs=1e-5)


async def test_pictures_over_the_pixel_limit_are_refused_before_decoding(embedder):
    with pytest.raises(InvalidInput, match=r"picture 1 is 2000 x 1000 pixels.*max_pixels"):
        await embedder.embed_images([png("navy"), png("navy", (2000, 1000))])


async def test_a_batch_larger_than_batch_size_keeps_its_order(tiny_clip):
    folder, _ = tiny_clip
    pictures = [png(color) for color in ("red", "green", "blue")]
    async with open_clip_embedder(OpenClipSettings(weights=str(folder), batch_size=2)) as small_batches:
        batched = await small_batches.embed_images(pictures)
        one_by_one = [(await small_batches.embed_images([p]))[0] for p in pictures]
    for got, alone in zip(batched, one_by_one, strict=True):
        assert list(got) == pytest.approx(list(alone), abs=1e-4)


async def test_weights_that_are_missing_or_incomplete_stop_the_start(tmp_path, tiny_clip):
    folder, _ = tiny_clip
    no_config = tmp_path / "no-config"
    no_config.mkdir()
    (no_config / "open_clip_model.safetensors").write_bytes(b"")
    no_weights = tmp_path / "no-weights"
    no_weights.mkdir()
    (no_weights / "open_clip_config.json").write_text((folder / "open_clip_config.json").read_text())
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "open_clip_config.json").write_text(json.dumps({"model_cfg": {"embed_dim": "x"}}))
    (broken / "open_clip_model.safetensors").write_bytes(b"not weights")
    checkpoint = folder / "open_clip_model.safetensors"
    cases = [
        (OpenClipSettings(weights=str(tmp_path / "absent")), "do not exist"),
        (OpenClipSettings(weights=str(no_config)), "no open_clip_config.json"),
        (OpenClipSettings(weights=str(no_weights)), "holds no weights"),
        (OpenClipSettings(weights=str(broken)), "cannot load the CLIP model"),
        (OpenClipSettings(weights=str(checkpoint)), "needs `model`"),
    ]
    for settings, reason in cases:
        with pytest.raises(ProviderUnavailable, match=reason) as caught:
            async with open_clip_embedder(settings):
                pass
        assert caught.value.retryable is False
