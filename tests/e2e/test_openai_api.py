"""The OpenAI-compatible API driven by the official `openai` package on the shipped embedded
profile: a cited answer streamed and not, `no_answer`, a stored chat continued, usage, the models
list, and errors in OpenAI's shape (which the SDK turns into its own exceptions)."""

from __future__ import annotations

import httpx2
import openai
import pytest
from openai.types import Model
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.shared import ErrorObject

from tests.e2e.scenario import upload
from tests.helpers.runtime import default_key, wait_for_status

LIGHTHOUSE = (
    b"# The Brightwater Lighthouse\n\nThe Brightwater lighthouse was built in 1871 on a basalt reef. "
    b"Its lamp is visible for 22 nautical miles. The keeper's cottage now houses a small museum."
)
QUESTION = "How far is the Brightwater lighthouse lamp visible?"


@pytest.fixture
async def sdk(client, embedded_settings):
    created = await upload(client, "lighthouse.md", LIGHTHOUSE)
    assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
    transport = httpx2.ASGITransport(app=client.app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://ragloom.test") as http:
        yield openai.AsyncOpenAI(
            base_url="http://ragloom.test/v1", api_key=default_key(embedded_settings), http_client=http
        )


async def test_a_cited_answer_without_streaming(sdk):
    reply = await sdk.chat.completions.create(
        model="ragloom",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": QUESTION}],
    )
    message = reply.choices[0].message
    assert "22 nautical miles" in message.content and "[1]" in message.content
    assert "Sources:\n[1] The Brightwater Lighthouse" in message.content  # for clients that ignore extensions
    extension = message.model_extra
    assert extension["no_answer"] is False
    assert extension["citations"][0]["source"] == "lighthouse.md"
    assert reply.choices[0].finish_reason == "stop" and reply.model == "ragloom"
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


async def test_a_cited_answer_streamed(sdk):
    stream = await sdk.chat.completions.create(
        model="ragloom",
        messages=[{"role": "user", "content": QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "22 nautical miles" in text and "Sources:" in text
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason][-1]
    assert final.choices[0].finish_reason == "stop"
    assert final.choices[0].delta.model_extra["citations"][0]["source"] == "lighthouse.md"
    assert len([c for c in chunks if c.choices]) >= 3  # role, the answer's pieces, the end
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


async def test_no_answer_is_carried_the_same_way(sdk):
    reply = await sdk.chat.completions.create(
        model="ragloom", messages=[{"role": "user", "content": "What is the boiling point of tungsten?"}]
    )
    message = reply.choices[0].message
    assert message.model_extra["no_answer"] is True and message.model_extra["citations"] == []
    assert "Sources" not in message.content


async def test_a_stored_chat_is_continued_with_chat_id(sdk, client):
    chat_id = (await client.post("/v1/chats")).json()["id"]
    for extra in ({"extra_body": {"chat_id": chat_id}}, {"user": f"chat:{chat_id}"}):
        reply = await sdk.chat.completions.create(
            model="ragloom", messages=[{"role": "user", "content": QUESTION}], **extra
        )
        assert reply.model_extra["ragloom"]["chat_id"] == chat_id
    messages = (await client.get(f"/v1/chats/{chat_id}/messages")).json()["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"] * 2
    assert messages[1]["references"][0]["document_id"]


async def test_models_and_errors_speak_openai(sdk, embedded_settings):
    assert [m.id async for m in sdk.models.list()] == ["ragloom"]
    with pytest.raises(openai.NotFoundError) as unknown:
        await sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert unknown.value.body["type"] == "invalid_request_error" and "model" in unknown.value.body["message"]
    with pytest.raises(openai.BadRequestError) as bad:
        await sdk.chat.completions.create(model="ragloom", messages=[{"role": "assistant", "content": "hi"}])
    assert "last message" in bad.value.body["message"]
    with pytest.raises(openai.BadRequestError):
        await sdk.chat.completions.create(model="ragloom", messages=[])
    with pytest.raises(openai.NotFoundError):
        await sdk.chat.completions.create(
            model="ragloom", messages=[{"role": "user", "content": QUESTION}], extra_body={"chat_id": "nope"}
        )
    wrong_key = sdk.with_options(api_key="rl_wrong")
    with pytest.raises(openai.AuthenticationError) as denied:
        await wrong_key.chat.completions.create(model="ragloom", messages=[{"role": "user", "content": "hi"}])
    assert denied.value.body["type"] == "authentication_error"


async def test_every_response_validates_against_the_openai_packages_own_models(sdk, client):
    """The SDK builds its objects without validating them; here each body is validated
    with the `openai` package's pydantic models: a completion, each chunk of a stream, the models
    list, an error."""
    asked = {"model": "ragloom", "messages": [{"role": "user", "content": QUESTION}]}
    completion = await client.post("/v1/chat/completions", json=asked)
    assert completion.status_code == 200, completion.text
    ChatCompletion.model_validate(completion.json())
    streamed = await client.post(
        "/v1/chat/completions", json={**asked, "stream": True, "stream_options": {"include_usage": True}}
    )
    data = [line.removeprefix("data: ") for line in streamed.text.splitlines() if line.startswith("data: ")]
    assert data[-1] == "[DONE]" and len(data) >= 4
    for chunk in data[:-1]:
        ChatCompletionChunk.model_validate_json(chunk)
    models = (await client.get("/v1/models")).json()
    assert models["object"] == "list"
    for model in models["data"]:
        Model.model_validate(model)
    unknown = await client.post("/v1/chat/completions", json={**asked, "model": "gpt-4o"})
    assert unknown.status_code == 404
    ErrorObject.model_validate(unknown.json()["error"])
