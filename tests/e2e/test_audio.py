"""Recordings end to end on the shipped embedded profile: heard, cited to the second, and every lie
or defect in an upload met with a clear answer while ingestion goes on."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.e2e.scenario import upload
from tests.helpers.media import encode, recording, write_wav
from tests.helpers.runtime import parse_sse, wait_for_status

SENTENCES = [
    "Our team will meet in the library on Friday to review the budget.",
    "Please send the report to the office before lunch.",
    "The river flows past the old mill and into the lake.",
]


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    """Three sentences 15 s apart as an mp3 (about 45 s), one of them alone as a WAV."""
    samples, spoken = recording(SENTENCES, gap_seconds=15.0)
    folder = tmp_path_factory.mktemp("meeting")
    wav = write_wav(recording(SENTENCES[1:2])[0], folder / "m.wav")
    return encode(samples, folder / "meeting.mp3").read_bytes(), wav, spoken


async def ask(client, question):
    response = await client.post("/v1/query", json={"question": question})
    assert response.status_code == 200, response.text
    return parse_sse(response.text)[-1][1]


async def test_a_fact_said_only_in_a_recording_is_answered_and_cited_to_its_seconds(client, meeting):
    mp3, _, spoken = meeting
    created = await upload(client, "meeting.mp3", mp3, "audio/mpeg")
    assert created.status_code == 201, created.text
    assert created.json()["media_type"] == "audio/mpeg"
    body = await wait_for_status(client, created.json()["id"])
    assert body["status"] == "ready", body
    assert body["chunk_count"] >= 2  # 45 s make more than one chunk of at most 30 s

    done = await ask(client, "Where does the river flow?")
    assert "old mill" in done["answer"]
    top = done["citations"][0]
    assert top["source"] == "meeting.mp3" and top["page"] is None
    river = spoken[2]
    assert top["media_type"] == "audio/mpeg"
    assert top["start_seconds"] <= river.start + 1.0 and top["end_seconds"] >= river.end - 1.0
    assert top["start_seconds"] >= spoken[0].end  # not the first sentence's part of the recording
    assert top["end_seconds"] <= river.end + 1.0


async def test_uploads_are_typed_by_their_bytes_not_their_names(client, meeting):
    _, wav, _ = meeting
    posing = await upload(client, "talk.mp3", wav.read_bytes(), "audio/mpeg")
    assert posing.status_code == 201 and posing.json()["media_type"] == "audio/wav"

    note = b"Otters hold hands while they sleep so they do not drift apart."
    as_audio = await upload(client, "otters.mp3", note, "audio/mpeg")
    assert as_audio.status_code == 201 and as_audio.json()["media_type"] == "text/plain"
    assert (await wait_for_status(client, as_audio.json()["id"]))["status"] == "ready"

    elf = await upload(client, "song.wav", b"\x7fELF\x02\x01\x01" + bytes(64), "audio/wav")
    assert elf.status_code == 415 and "application/x-executable" in elf.json()["error"]["message"]
    archive = await upload(client, "voice.ogg", b"PK\x03\x04" + bytes(64), "audio/ogg")
    assert archive.status_code == 415 and "application/zip" in archive.json()["error"]["message"]
    assert (await wait_for_status(client, posing.json()["id"]))["status"] == "ready"


async def test_broken_recordings_fail_with_a_reason_and_ingestion_goes_on(client, meeting):
    mp3, wav, _ = meeting
    broken = {
        "cut.m4a": encode(np.zeros(16_000, np.float32), wav.parent / "cut.m4a").read_bytes()[:200],
        "empty.wav": wav.read_bytes()[:44],
        "garbage.flac": b"fLaC" + bytes(range(256)) * 20,
    }
    failed = []
    for name, data in broken.items():
        created = await upload(client, name, data, "application/octet-stream")
        assert created.status_code == 201, (name, created.text)
        failed.append(created.json()["id"])
    good = await upload(client, "meeting.mp3", mp3, "audio/mpeg")
    for document_id in failed:
        body = await wait_for_status(client, document_id)
        assert body["status"] == "failed" and body["error"], body
        assert "/" not in body["error"]
    assert (await wait_for_status(client, good.json()["id"]))["status"] == "ready"


@pytest.mark.parametrize(
    ("data", "declared", "status", "reason"),
    [
        ("caf\u00e9 au lait".encode("cp1252"), "text/plain", "failed", "not valid UTF-8 at byte 3"),
        ("caf\u00e9 au lait".encode("cp1252"), "text/plain; charset=windows-1252", "ready", None),
        (b"ok \xff\xfe", "text/plain; charset=utf-8", "failed", "not valid utf-8 at byte 3"),
    ],
)
async def test_text_must_be_valid_in_its_encoding(client, data, declared, status, reason):
    created = await upload(client, "menu.txt", data, declared)
    assert created.status_code == 201
    body = await wait_for_status(client, created.json()["id"])
    assert body["status"] == status, body
    if reason:
        assert reason in body["error"]


async def test_an_unknown_charset_is_415_before_anything_is_stored(client):
    created = await upload(client, "menu.txt", b"hello", "text/plain; charset=klingon")
    assert created.status_code == 415 and "klingon" in created.json()["error"]["message"]
    assert (await client.get("/v1/documents")).json()["documents"] == []


async def test_a_name_said_in_a_recording_is_masked_before_it_is_indexed(client, tmp_path):
    said = "John Smith opened the harbour office in Rotterdam in nineteen ninety eight."
    created = await upload(
        client, "intro.wav", write_wav(recording([said])[0], tmp_path / "i.wav").read_bytes()
    )
    body = await wait_for_status(client, created.json()["id"])
    assert body["status"] == "ready" and body["pii_entities"].get("PERSON", 0) >= 1, body
    done = await ask(client, "Where was the harbour office opened?")
    quoted = " ".join(c["text"] for c in done["citations"]) + done["answer"]
    assert "Rotterdam" in quoted and "<PERSON>" in quoted
    assert "John" not in quoted and "Smith" not in quoted


async def test_questions_are_answered_while_a_recording_is_transcribed(client, meeting):
    note = await upload(client, "otters.txt", b"Otters hold hands while they sleep.", "text/plain")
    await wait_for_status(client, note.json()["id"])
    mp3, _, _ = meeting
    created = await upload(client, "meeting.mp3", mp3, "audio/mpeg")
    during = []
    while (await client.get(f"/v1/documents/{created.json()['id']}")).json()["status"] != "ready":
        began = time.monotonic()
        done = await ask(client, "What do otters hold while they sleep?")
        status = (await client.get(f"/v1/documents/{created.json()['id']}")).json()["status"]
        if status == "processing":
            during.append(time.monotonic() - began)
        assert "hands" in done["answer"]
    assert during, "no question was asked while the recording was being transcribed"
    assert max(during) < 2, during
