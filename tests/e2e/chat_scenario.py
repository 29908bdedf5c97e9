"""A chat scenario run on every profile: start, ask, follow up, read back, delete."""

from __future__ import annotations

from typing import Any

from tests.helpers.runtime import parse_sse, wait_for_status

BUILT = {
    "lighthouse.txt": b"The Brightwater lighthouse stands on a basalt reef. The Brightwater lighthouse was "
    b"built in 1871 and its lamp is visible for 22 nautical miles.",
    "mill.txt": b"The Kessel mill grinds rye on the river Aa. The Kessel mill was built in 1820 and "
    b"still turns on Saturdays.",
    "bridge.txt": b"The Vossen bridge spans the canal. The Vossen bridge was built in 1905 of riveted steel.",
}


async def upload_all(client: Any, documents: dict[str, bytes]) -> None:
    ids = []
    for name, data in documents.items():
        response = await client.post("/v1/documents", files={"file": (name, data, "text/plain")})
        assert response.status_code in (200, 201), response.text
        ids.append(response.json()["id"])
    for document_id in ids:
        assert (await wait_for_status(client, document_id))["status"] == "ready"


async def ask(client: Any, question: str, **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/query", json={"question": question, **body})
    assert response.status_code == 200, response.text
    events = parse_sse(response.text)
    assert events[-1][0] == "done", events[-1]
    return events[-1][1]


async def run_chat_scenario(client: Any) -> None:
    await upload_all(client, BUILT)
    created = await client.post("/v1/chats")
    assert created.status_code == 201 and created.headers["location"] == f"/v1/chats/{created.json()['id']}"
    chat = created.json()["id"]
    assert set(created.json()) >= {"id", "created_at"}

    first = await ask(client, "Tell me about the Brightwater lighthouse.", chat_id=chat)
    assert first["chat_id"] == chat and first["no_answer"] is False
    follow_up = await ask(client, "When was it built?", chat_id=chat)
    assert "1871" in follow_up["answer"]
    assert follow_up["citations"][0]["source"] == "lighthouse.txt"

    messages = (await client.get(f"/v1/chats/{chat}/messages")).json()["messages"]
    assert [(m["seq"], m["role"]) for m in messages] == [
        (1, "user"),
        (2, "assistant"),
        (3, "user"),
        (4, "assistant"),
    ]
    assert messages[2]["content"] == "When was it built?"
    answer = messages[3]
    assert answer["content"] == follow_up["answer"] and answer["finished"] is True
    assert answer["model"] and answer["latency_ms"] >= 0 and answer["cached"] is False
    assert answer["no_answer"] is False
    cited = answer["references"][0]
    assert cited["document_id"] == follow_up["citations"][0]["document_id"]
    assert set(cited) >= {
        "marker",
        "chunk",
        "score",
        "page",
        "start_seconds",
        "end_seconds",
        "track",
        "frame",
    }
    assert cited["media_type"] == "text/plain"

    second = (await client.post("/v1/chats")).json()["id"]
    listed = (await client.get("/v1/chats")).json()["chats"]
    assert [c["id"] for c in listed][:2] == [second, chat]  # newest first
    assert (await client.delete(f"/v1/chats/{chat}")).status_code == 204
    assert (await client.get(f"/v1/chats/{chat}/messages")).status_code == 404
    assert (await client.delete(f"/v1/chats/{chat}")).status_code == 404
