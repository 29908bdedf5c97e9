"""Chats on the embedded profile: stored turns with what they cited, follow-ups searched with their
context, and every way a client can get a chat wrong."""

from __future__ import annotations

import httpx
import pytest

from ragloom.core.errors import ProviderUnavailable
from tests.e2e.chat_scenario import BUILT, ask, run_chat_scenario, upload_all
from tests.helpers.runtime import bearer, parse_sse
from tests.helpers.tenants import ADMIN


async def test_chats_end_to_end(client):
    await run_chat_scenario(client)


async def test_the_same_follow_up_in_two_chats_follows_each_chat(client):
    await upload_all(client, BUILT)
    answers = {}
    for subject in ("the Brightwater lighthouse", "the Kessel mill"):
        chat = (await client.post("/v1/chats")).json()["id"]
        await ask(client, f"Tell me about {subject}.", chat_id=chat)
        answers[subject] = await ask(client, "When was it built?", chat_id=chat)
    assert "1871" in answers["the Brightwater lighthouse"]["answer"]
    assert "1820" in answers["the Kessel mill"]["answer"]
    assert answers["the Kessel mill"]["citations"][0]["source"] == "mill.txt"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": "x", "chat_id": "00000000-0000-0000-0000-000000000000"}, 404, "not found"),
        ({"question": "x", "chat_id": "not-a-uuid"}, 404, "not found"),
        ({"question": "x", "chat_id": 5}, 400, "must be a string"),
    ],
)
async def test_unknown_or_malformed_chat_ids(client, body, status, message):
    response = await client.post("/v1/query", json=body)
    assert response.status_code == status and message in response.json()["error"]["message"]


async def test_chat_id_and_history_together_are_refused(client):
    chat = (await client.post("/v1/chats")).json()["id"]
    response = await client.post(
        "/v1/query",
        json={"question": "x", "chat_id": chat, "history": [{"role": "user", "content": "hi"}]},
    )
    assert response.status_code == 400 and "not both" in response.json()["error"]["message"]


async def test_another_tenants_chat_answers_404_everywhere(client):
    mine = (await client.post("/v1/chats")).json()["id"]
    created = await client.post("/admin/tenants", json={"name": "Other"}, auth=httpx.BasicAuth(*ADMIN))
    other = bearer(created.json()["api_key"])
    for method, path, body in (
        ("GET", f"/v1/chats/{mine}/messages", None),
        ("DELETE", f"/v1/chats/{mine}", None),
        ("POST", "/v1/query", {"question": "hello?", "chat_id": mine}),
    ):
        response = await client.request(method, path, json=body, headers=other)
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get("/v1/chats", headers=other)).json()["chats"] == []
    assert (await client.get(f"/v1/chats/{mine}/messages")).json()["messages"] == []


async def test_a_long_chat_keeps_every_message_and_uses_the_last_ones(client):
    await upload_all(client, BUILT)
    chat = (await client.post("/v1/chats")).json()["id"]
    for n in range(7):  # 14 messages, over the 10 used as context
        await ask(client, f"Question number {n} about the Kessel mill?", chat_id=chat)
    messages = (await client.get(f"/v1/chats/{chat}/messages?limit=1000")).json()["messages"]
    assert [m["seq"] for m in messages] == list(range(1, 15))
    done = await ask(client, "When was it built?", chat_id=chat)
    assert "1820" in done["answer"]
    page = (await client.get(f"/v1/chats/{chat}/messages?offset=14")).json()["messages"]
    assert [m["role"] for m in page] == ["user", "assistant"]


class FailingChatModel:
    """Writes one piece, then its provider fails: what a timeout mid-stream looks like."""

    name = "failing"

    async def stream(self, request):
        from ragloom.core.models import ChatDelta

        yield ChatDelta("The lighthouse was")
        raise ProviderUnavailable("the model server timed out", retryable=True)


async def test_a_model_failing_mid_stream_ends_with_an_error_and_stores_the_partial_answer(tmp_path):
    from ragloom.contracts.spec import Port
    from ragloom.entrypoints.http.app import create_app
    from tests.helpers.runtime import default_key, memory_settings

    settings = memory_settings(tmp_path)
    app = create_app(settings, overrides={Port.CHAT_MODEL: FailingChatModel()})
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = bearer(default_key(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as http:
            await upload_all(http, BUILT)
            chat = (await http.post("/v1/chats")).json()["id"]
            events = parse_sse(
                (
                    await http.post(
                        "/v1/query", json={"question": "When was the lighthouse built?", "chat_id": chat}
                    )
                ).text
            )
            assert [e for e, _ in events] == ["delta", "error"]
            assert events[-1][1]["error"]["code"] == "provider_unavailable"
            stored = (await http.get(f"/v1/chats/{chat}/messages")).json()["messages"]
            assert stored[1]["content"] == "The lighthouse was"
            assert (stored[1]["finished"], stored[1]["error"]) == (False, "provider_unavailable")
            assert (await http.get("/healthz")).status_code == 200  # and the service goes on
            audit = (await http.get("/v1/audit")).text
            assert '"query.unfinished"' in audit
