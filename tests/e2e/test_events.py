"""GET /v1/events through a real `ragloom serve`: a client sees its document uploaded, its progress
and its end without polling; reconnecting with Last-Event-ID resumes after the last event seen
(nothing missed, nothing twice); another tenant's stream shows none of it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from tests.helpers.server import running_server
from tests.helpers.tenants import ADMIN, onboard


@pytest.fixture
def events_env(env):
    return env | {
        "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
        "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
        "RAGLOOM_HTTP__EVENTS_MAX_SECONDS": "8",
        "RAGLOOM_HTTP__EVENTS_POLL_SECONDS": "0.1",
        "RAGLOOM_HTTP__EVENTS_KEEPALIVE_SECONDS": "1",
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
    }


def parse(stream: str) -> list[tuple[int | None, str, dict]]:
    """(id, event, data) of each event; comments (keep-alives) and the retry hint left out."""
    found = []
    for block in stream.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        if "event" in fields:
            found.append(
                (int(fields["id"]) if "id" in fields else None, fields["event"], json.loads(fields["data"]))
            )
    return found


async def read(client: httpx.AsyncClient, until: str | None = None, **request) -> tuple[list, str]:
    """The events of one stream, read until the event `until` arrives, or else until the server
    ends the stream (after events_max_seconds: how long an absence is waited for)."""
    text = ""
    async with client.stream("GET", "/v1/events", **request) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for piece in response.aiter_text():
            text += piece
            if until is not None and f"event: {until}\n" in text and text.endswith("\n\n"):
                break
    return parse(text), text


async def test_a_client_follows_its_documents_and_resumes_where_it_stopped(events_env):
    with running_server(events_env) as url:
        key = (Path(events_env["RAGLOOM_HOME"]) / "default-api-key").read_text().strip()
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
            listening = asyncio.create_task(read(client, "document.ready"))
            await asyncio.sleep(0.5)
            text = "Storm petrels feed at night far out at sea. " * 200
            created = await client.post(
                "/v1/documents", files={"file": ("petrels.txt", text.encode(), "text/plain")}
            )
            document_id = created.json()["id"]
            seen, raw = await listening
            assert ": keep-alive" in raw or len(seen) > 2
            durable = [(name, data["document_id"]) for event_id, name, data in seen if event_id is not None]
            assert durable == [("document.upload", document_id), ("document.ready", document_id)]
            [(upload_id, _, upload)] = [e for e in seen if e[1] == "document.upload"]
            assert (upload["media_type"], upload["size_bytes"]) == ("text/plain", len(text))
            progress = [data["progress"] for _, name, data in seen if name == "document.progress"]
            assert progress == sorted(progress)  # ingestion seen as it ran, never going back

            resumed, _ = await read(client, "document.ready", headers={"Last-Event-ID": str(upload_id)})
            assert [(e[1], e[2]["document_id"]) for e in resumed if e[0] is not None] == [
                ("document.ready", document_id)
            ]
            ready_id = next(e[0] for e in resumed if e[1] == "document.ready")
            assert (await client.delete(f"/v1/documents/{document_id}")).status_code == 204
            after_delete, _ = await read(client, "document.delete", params={"after": ready_id})
            assert [e[1] for e in after_delete if e[0] is not None] == ["document.delete"]
            delete_id = next(e[0] for e in after_delete if e[1] == "document.delete")
            fresh, raw = await read(client, params={"since": "now"})  # no history, but where it starts
            assert [e for e in fresh if e[0] is not None] == [] and f"id: {delete_id}\n" in raw

            bad = await client.get("/v1/events", headers={"Last-Event-ID": "not-a-number"})
            assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_input"

            _, other = await onboard(client, "Other")
            others, _ = await read(client, headers=other)
            assert [e for e in others if e[1].startswith("document.")] == []


def test_ragloom_ingest_follows_a_running_servers_events_with_attachments(events_env, tmp_path):
    from tests.e2e.test_cli import ragloom_process
    from tests.helpers.documents import mail

    folder = tmp_path / "mail"
    folder.mkdir()
    attached = [
        ("dues.txt", "text/plain", b"Berths cost 38 pounds a night."),
        ("tool.exe", "application/x-msdownload", b"MZ"),
    ]
    (folder / "dues.eml").write_bytes(mail("Dues", "The dues are attached.", attachments=attached))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    with running_server(events_env):
        ingested = ragloom_process(events_env, "ingest", str(folder))
    assert ingested.returncode == 1  # the broken PDF
    assert "2 of 3 documents ingested (1 of them attached to e-mails)" in ingested.stderr, ingested.stderr
    assert "broken.pdf:" in ingested.stderr and "PDF" in ingested.stderr.split("broken.pdf:")[1]
