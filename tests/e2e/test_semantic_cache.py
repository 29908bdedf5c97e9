"""The tenant's semantic cache on the shipped embedded profile: a repeated question (the same
meaning, here another casing and spacing) is answered from the cache, marked `cached`, and still
stored in the chat and audited; adding or deleting a document invalidates the tenant's answers."""

from __future__ import annotations

import json

from tests.e2e.scenario import upload
from tests.helpers.runtime import parse_sse, wait_for_status

LIGHTHOUSE = (
    b"# The Brightwater Lighthouse\n\nThe Brightwater lighthouse was built in 1871 on a basalt reef. "
    b"Its lamp is visible for 22 nautical miles."
)


async def ask(client, question, **extra):
    response = await client.post("/v1/query", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    return parse_sse(response.text)[-1][1]


async def ingested(client, name, data):
    created = await upload(client, name, data)
    assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
    return created.json()["id"]


async def test_a_repeated_question_is_answered_from_the_cache_and_still_recorded(client):
    await ingested(client, "lighthouse.md", LIGHTHOUSE)
    chat_id = (await client.post("/v1/chats")).json()["id"]
    first = await ask(client, "How far is the Brightwater lamp visible?", chat_id=chat_id)
    again = await ask(client, "  how far is the brightwater LAMP visible?  ", chat_id=chat_id)
    assert first["cached"] is False and again["cached"] is True
    assert again["answer"] == first["answer"] and "22 nautical miles" in again["answer"]
    assert again["citations"] == first["citations"]
    messages = (await client.get(f"/v1/chats/{chat_id}/messages")).json()["messages"]
    assert len(messages) == 4 and messages[3]["references"] == messages[1]["references"]
    audit = [json.loads(line) for line in (await client.get("/v1/audit")).text.splitlines()]
    assert [r["action"] for r in audit].count("query.answer") == 2


async def test_adding_or_deleting_a_document_invalidates_the_tenants_answers(client):
    first_id = await ingested(client, "lighthouse.md", LIGHTHOUSE)
    question = "How far is the Brightwater lamp visible?"
    await ask(client, question)
    assert (await ask(client, question))["cached"] is True
    newer = b"Notice: since the 2024 refit the Brightwater lamp is visible for 25 nautical miles."
    second_id = await ingested(client, "notice.txt", newer)
    after_upload = await ask(client, question)
    assert after_upload["cached"] is False
    assert (await ask(client, question))["cached"] is True
    assert (await client.delete(f"/v1/documents/{second_id}")).status_code == 204
    after_delete = await ask(client, question)
    assert after_delete["cached"] is False
    assert {c["document_id"] for c in after_delete["citations"]} == {first_id}
