"""One end-to-end scenario, run on every profile: upload, ingest, ask, cite, dedup, delete."""

from __future__ import annotations

from typing import Any

from tests.helpers.pdf import make_pdf
from tests.helpers.runtime import parse_sse, wait_for_status

DOCUMENTS = {
    "lighthouse.md": b"# The Brightwater Lighthouse\n\nThe Brightwater lighthouse was built in 1871 on a "
    b"basalt reef. Its lamp is visible for 22 nautical miles. "
    b"The keeper's cottage now houses a small museum.",
    "bees.html": b"<html><head><title>Honey bees</title><script>var x=1;</script></head><body><h1>Bees</h1>"
    b"<p>A honey bee colony has one queen. Worker bees communicate the direction of flowers with a waggle "
    b"dance.</p></body></html>",
    "volcano.pdf": make_pdf(
        ["Mount Tarsa is a shield volcano.", "Mount Tarsa last erupted in 1963, covering the valley in ash."],
        title="Mount Tarsa",
    ),
    "bread.txt": b"Sourdough bread rises because wild yeast and lactic acid bacteria ferment the dough.",
}


async def upload(client: Any, name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return await client.post("/v1/documents", files={"file": (name, data, content_type)})


async def run_scenario(client: Any) -> None:
    ids = {}
    for name, data in DOCUMENTS.items():
        response = await upload(client, name, data)
        assert response.status_code == 201, response.text
        assert response.headers["location"] == f"/v1/documents/{response.json()['id']}"
        ids[name] = response.json()["id"]
    for name, document_id in ids.items():
        body = await wait_for_status(client, document_id)
        assert body["status"] == "ready", (name, body)
        assert body["chunk_count"] >= 1

    listed = (await client.get("/v1/documents")).json()["documents"]
    assert {d["id"] for d in listed} == set(ids.values())

    response = await client.post("/v1/query", json={"question": "When did Mount Tarsa last erupt?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    assert [e for e, _ in events][-1] == "done" and events[0][0] == "delta"
    done = events[-1][1]
    assert "1963" in done["answer"]
    assert "".join(d["text"] for e, d in events if e == "delta") == done["answer"]
    top = done["citations"][0]
    assert (top["document_id"], top["title"], top["source"], top["page"]) == (
        ids["volcano.pdf"],
        "Mount Tarsa",
        "volcano.pdf",
        2,
    )
    assert set(top) >= {"document_id", "title", "chunk", "score", "page"}

    response = await client.post(
        "/v1/query", json={"question": "How do bees tell each other where flowers are?"}
    )
    done = parse_sse(response.text)[-1][1]
    assert "waggle dance" in done["answer"]
    assert done["citations"][0]["title"] == "Honey bees"

    again = await upload(client, "copy.txt", DOCUMENTS["bread.txt"])
    assert again.status_code == 200 and again.json()["id"] == ids["bread.txt"]

    assert (await client.delete(f"/v1/documents/{ids['volcano.pdf']}")).status_code == 204
    assert (await client.get(f"/v1/documents/{ids['volcano.pdf']}")).status_code == 404
    response = await client.post("/v1/query", json={"question": "When did Mount Tarsa last erupt?"})
    done = parse_sse(response.text)[-1][1]
    assert all(c["document_id"] != ids["volcano.pdf"] for c in done["citations"])
