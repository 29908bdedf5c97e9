"""Videos end to end on the shipped embedded profile: a fact shown only on a slide of a silent video
is answered with seconds inside that slide's window; a fact only said is answered from the audio
track; a truncated video fails with a reason."""

from __future__ import annotations

import asyncio

import pytest

from ragloom.core.models import DEFAULT_TENANT
from tests.e2e.conftest import app_client
from tests.e2e.scenario import upload
from tests.helpers.images import sign
from tests.helpers.media import make_video, recording
from tests.helpers.runtime import parse_sse, wait_for_status
from tests.helpers.tenants import onboard

WELCOME = sign(["Welcome to the harbour tour"])
CRANE = sign(["The harbour crane lifts", "at most 40 tonnes."])
THANKS = sign(["Thank you for visiting"])
SIZE = (960, 540)


def long_video(tmp_path):
    """About a minute of slides and speech: long enough to be watched while it is processed."""
    samples, _ = recording(["The night ferry leaves at eleven."] * 6, gap_seconds=8.0)
    seconds = len(samples) / 16_000
    scenes = [(WELCOME, seconds / 3), (CRANE, seconds / 3), (THANKS, seconds / 3)]
    return make_video(tmp_path / "long.mp4", scenes, samples, fps=10, size=SIZE)


async def ask(client, question):
    response = await client.post("/v1/query", json={"question": question})
    assert response.status_code == 200, response.text
    return parse_sse(response.text)[-1][1]


async def ingested(client, name, data):
    created = await upload(client, name, data)
    assert created.status_code == 201, created.text
    document = await wait_for_status(client, created.json()["id"], timeout=180)
    assert document["status"] == "ready", document.get("error")
    return created.json()


async def test_a_slide_shown_only_in_a_silent_video_is_answered_within_its_seconds(client, tmp_path):
    video = make_video(tmp_path / "tour.mp4", [(WELCOME, 20), (CRANE, 20), (THANKS, 20)], fps=5, size=SIZE)
    created = await ingested(client, "tour.mp4", video.read_bytes())
    assert created["media_type"] == "video/mp4"
    done = await ask(client, "How many tonnes can the harbour crane lift?")
    assert "40 tonnes" in done["answer"] and not done["no_answer"], done["answer"]
    top = done["citations"][0]
    assert top["source"] == "tour.mp4" and top["media_type"] == "video/mp4"
    assert 20 <= top["start_seconds"] < top["end_seconds"] <= 40, top
    assert top["track"] == "frame" and top["frame"] > 1

    frames = f"/v1/documents/{created['id']}/frames"
    thumbnail = await client.get(f"{frames}/{top['frame']}")
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert thumbnail.content.startswith(b"\xff\xd8") and len(thumbnail.content) < 60_000
    for missing in ("999", "0", "abc", "-1"):
        assert (await client.get(f"{frames}/{missing}")).status_code == 404
    _, other = await onboard(client, "Other")
    assert (await client.get(f"{frames}/{top['frame']}", headers=other)).status_code == 404
    assert (await client.delete(f"/v1/documents/{created['id']}")).status_code == 204
    assert (await client.get(f"{frames}/{top['frame']}")).status_code == 404
    runtime = client.app.state.runtime
    blobs = await runtime.get("blob_store")
    assert [key async for key, _ in blobs.keys(DEFAULT_TENANT, f"documents/{created['id']}/")] == []


async def test_a_fact_only_said_in_a_video_is_answered_from_its_audio_track(client, tmp_path):
    said = "Please send the report to the office before lunch."
    samples, spoken = recording(["Good morning everyone.", said], gap_seconds=6.0)
    seconds = len(samples) / 16_000
    video = make_video(
        tmp_path / "briefing.mkv", [(WELCOME, seconds / 2), (THANKS, seconds / 2)], samples, fps=5, size=SIZE
    )
    created = await ingested(client, "briefing.mkv", video.read_bytes())
    assert created["media_type"] == "video/x-matroska"
    done = await ask(client, "Where should the report be sent before lunch?")
    assert "office" in done["answer"], done["answer"]
    top = done["citations"][0]
    assert top["start_seconds"] <= spoken[1].start + 1.0 and top["end_seconds"] >= spoken[1].end - 1.0
    assert top["track"] == "speech" and top["frame"] is None


@pytest.mark.parametrize("cut", [0.5, 0.05])
async def test_a_truncated_video_fails_with_a_reason(client, tmp_path, cut):
    whole = make_video(tmp_path / "whole.mp4", [(WELCOME, 4), (CRANE, 4)], fps=5, size=SIZE).read_bytes()
    created = await upload(client, "cut.mp4", whole[: int(len(whole) * cut)])
    assert created.status_code == 201, created.text
    failed = await wait_for_status(client, created.json()["id"])
    assert failed["status"] == "failed" and "video" in failed["error"], failed


async def test_a_video_deleted_while_it_is_processed_leaves_nothing_behind(client, tmp_path):
    created = await upload(client, "long.mp4", long_video(tmp_path).read_bytes())
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    status = "queued"
    while status == "queued":
        await asyncio.sleep(0.05)
        status = (await client.get(f"/v1/documents/{document_id}")).json()["status"]
    assert status == "processing"  # deleted mid-way, not after
    assert (await client.delete(f"/v1/documents/{document_id}")).status_code == 204
    runtime = client.app.state.runtime
    await runtime.lifecycle.wait_idle()
    assert (await client.get(f"/v1/documents/{document_id}")).status_code == 404
    index = await runtime.get("vector_index")
    blobs = await runtime.get("blob_store")
    assert await index.count(DEFAULT_TENANT, document_id) == 0
    assert [key async for key, _ in blobs.keys(DEFAULT_TENANT, f"documents/{document_id}/")] == []


async def test_a_long_video_reports_its_progress_while_it_is_processed(embedded_settings, tmp_path):
    # progress written five times a second, so a fast run still shows several steps
    settings = embedded_settings.model_copy(
        update={"ingest": embedded_settings.ingest.model_copy(update={"progress_interval_seconds": 0.2})}
    )
    async with app_client(settings) as client:
        await _watch_progress(client, tmp_path)


async def _watch_progress(client, tmp_path):
    created = await upload(client, "long.mp4", long_video(tmp_path).read_bytes())
    assert created.status_code == 201, created.text
    seen = []
    async with asyncio.timeout(300):
        while True:
            body = (await client.get(f"/v1/documents/{created.json()['id']}")).json()
            if body["status"] != "processing" and seen:
                break
            if body["status"] == "processing":
                seen.append(body["progress"])
            await asyncio.sleep(0.1)
    assert body["status"] == "ready" and body["progress"] == 1.0, body
    assert seen == sorted(seen), seen  # it only moves forward
    during = sorted({share for share in seen if 0 < share < 1})
    assert len(during) >= 3, seen  # several steps between the start and the end
