"""CLIP end to end on the embedded profile with a tiny CLIP generated here: pictures (a photo-like
image with no text, and every keyframe of a video) get a named image vector in the Qdrant Edge
collection, the stored vector is the CLIP vector of the stored picture, and a text question finds
them through CLIP's text tower fused into hybrid retrieval, inside the tenant only."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ragloom.adapters.images.extractor import small_jpeg
from ragloom.core.models import DEFAULT_TENANT, SearchQuery, TenantId
from ragloom.entrypoints.settings import load_settings
from tests.e2e.conftest import app_client
from tests.e2e.scenario import upload
from tests.helpers.clip import EMBED_DIM, save_tiny_clip
from tests.helpers.images import sign
from tests.helpers.media import make_video
from tests.helpers.runtime import wait_for_status
from tests.helpers.tenants import ADMIN_SETTINGS, onboard


def harbour_scene() -> Image.Image:
    """A picture with shapes and no text: only an image embedder can make it findable."""
    image = Image.new("RGB", (640, 400), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 260, 640, 400), fill=(20, 50, 90))
    draw.polygon([(200, 260), (440, 260), (400, 300), (240, 300)], fill=(150, 40, 30))
    draw.ellipse((520, 30, 600, 110), fill=(250, 220, 80))
    return image


def encoded(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def clip_folder(tmp_path_factory):
    folder, _ = save_tiny_clip(tmp_path_factory.mktemp("clip") / "tiny")
    return folder


@pytest.fixture
async def client(tmp_path, clip_folder):
    settings = load_settings(
        environ={"RAGLOOM_HOME": str(tmp_path / "home")},
        overrides={
            "http": {"max_upload_bytes": 2_000_000},
            "admin": ADMIN_SETTINGS,
            "adapters": {"image_embedder": "open_clip", "pii_scrubber": "regex"},
            "plugins": {
                "image_embedder": {"open_clip": {"weights": str(clip_folder)}},
                "vector_index": {"qdrant_edge": {"image_dimension": EMBED_DIM}},
            },
        },
    )
    async with app_client(settings) as http:
        yield http


async def ingested(client, name, data):
    created = await upload(client, name, data)
    assert created.status_code == 201, created.text
    document = await wait_for_status(client, created.json()["id"], timeout=180)
    assert document["status"] == "ready", document.get("error")
    return document


async def test_a_picture_without_text_is_indexed_and_found_by_clip(caplog, client):
    assert not [r for r in caplog.get_records("setup") if "no image embedder" in r.getMessage()]
    scene = harbour_scene()
    document = await ingested(client, "harbour.png", encoded(scene, "PNG"))
    assert document["chunk_count"] == 1  # no text: the picture alone (it failed before CLIP)

    runtime = client.app.state.runtime
    clip, index = await runtime.get("images"), await runtime.get("vector_index")
    assert index.image_dimension == EMBED_DIM
    stored_picture = small_jpeg(np.asarray(scene))  # what the extractor kept, byte for byte
    [vector] = await clip.embed_images([stored_picture])
    [hit] = await index.search(DEFAULT_TENANT, SearchQuery(dense=[], image=vector, limit=5))
    assert hit.score == pytest.approx(1.0, abs=1e-4)  # the named vector is this picture's CLIP vector
    assert hit.payload.source == "harbour.png" and hit.payload.location.frame is None

    retriever = await runtime.retriever()
    found = await retriever.retrieve(DEFAULT_TENANT, "a red boat on the water under the sun")
    assert [h.payload.document_id for h in found] == [document["id"]]

    other_id, _ = await onboard(client, "Other")
    other_tenant = TenantId(other_id)
    assert await retriever.retrieve(other_tenant, "a red boat on the water under the sun") == []
    assert await index.search(other_tenant, SearchQuery(dense=[], image=vector)) == []


async def test_every_keyframe_of_a_video_is_a_picture_with_its_seconds(client, tmp_path):
    slide = sign(["The harbour crane lifts", "at most 40 tonnes."])
    video = make_video(tmp_path / "tour.mp4", [(slide, 10), (harbour_scene(), 10)], fps=5, size=(960, 540))
    document = await ingested(client, "tour.mp4", video.read_bytes())

    runtime = client.app.state.runtime
    clip, index = await runtime.get("images"), await runtime.get("vector_index")
    thumbnail = await client.get(f"/v1/documents/{document['id']}/frames/2")
    assert thumbnail.status_code == 200  # the keyframe without text has its thumbnail too
    [vector] = await clip.embed_images([thumbnail.content])
    best = (await index.search(DEFAULT_TENANT, SearchQuery(dense=[], image=vector, limit=5)))[0]
    assert best.score == pytest.approx(1.0, abs=1e-4)
    shown = best.payload.location
    assert shown.frame == 2 and shown.track == "frame"
    assert 9 <= shown.start_seconds < shown.end_seconds <= 20.5
    assert best.payload.text == ""  # nothing is written in that scene

    retriever = await runtime.retriever()
    found = await retriever.retrieve(DEFAULT_TENANT, "How many tonnes can the harbour crane lift?", 10)
    frames = {(h.payload.location.frame, h.payload.text != "") for h in found}
    assert (2, False) in frames  # the textless keyframe, reached only through CLIP
    assert any("40 tonnes" in h.payload.text for h in found)


async def test_a_picture_inside_a_deck_is_found_by_clip_and_cited_by_its_slide(client):
    from tests.helpers.documents import deck

    scene = encoded(harbour_scene(), "PNG")
    slides = [{"title": "Harbour works", "body": ["The works start in May."]}, {"title": "The site"}]
    document = await ingested(client, "works.pptx", deck(slides, picture=scene))
    assert document["chunk_count"] == 3  # each slide's text, and the picture on slide 2

    runtime = client.app.state.runtime
    clip, index = await runtime.get("images"), await runtime.get("vector_index")
    [vector] = await clip.embed_images([small_jpeg(np.asarray(harbour_scene()))])
    [hit] = await index.search(DEFAULT_TENANT, SearchQuery(dense=[], image=vector, limit=5))
    assert hit.score > 0.99  # the picture as the deck holds it (a PNG placed on the slide)
    assert (hit.payload.source, hit.payload.location.page, hit.payload.text) == ("works.pptx", 2, "")
    retriever = await runtime.retriever()
    found = await retriever.retrieve(DEFAULT_TENANT, "a red boat on the water under the sun")
    assert (document["id"], 2) in {(h.payload.document_id, h.payload.location.page) for h in found}
