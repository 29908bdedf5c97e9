"""The LLM chat models against the ChatModel contract: `openai` on a real OpenAI-compatible server
(llama-cpp-python's, serving SmolLM2-135M-Instruct), `llama_cpp` on the same GGUF in-process; and
the openai adapter's errors on a server that refuses, fails, stalls or is not there."""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from ragloom.adapters.llama_cpp.model import open_llama_cpp
from ragloom.adapters.llama_cpp.settings import LlamaCppSettings
from ragloom.adapters.openai_chat.model import open_openai_chat
from ragloom.adapters.openai_chat.settings import OpenAIChatSettings
from ragloom.contracts.testing.chat_model import ChatModelContract, collect, request
from ragloom.core.errors import ProviderUnavailable
from tests.helpers.llm import MODEL_NAME, llama_server, smollm2
from tests.helpers.server import free_port


@pytest.fixture(scope="module")
def server():
    with llama_server() as base:
        yield base


class TestOpenAIChatModel(ChatModelContract):
    @pytest.fixture
    async def adapter(self, server):
        async with open_openai_chat(
            OpenAIChatSettings(base_url=server, model=MODEL_NAME, max_tokens=48)
        ) as model:
            yield model


class TestLlamaCppChatModel(ChatModelContract):
    @pytest.fixture
    async def adapter(self):
        async with open_llama_cpp(
            LlamaCppSettings(model_path=smollm2(), context_tokens=2048, max_tokens=48)
        ) as model:
            yield model


class Misbehaving:
    """An OpenAI-compatible endpoint that fails on purpose, served for real on a loopback port:
    `script` is the status of each successive request (200 streams two pieces, then stalls if
    `stall` is set, or drops the connection after the first if `break_off` is)."""

    def __init__(self, script: list[int], stall: float = 0.0, break_off: bool = False) -> None:
        self.script, self.stall, self.break_off, self.requests = list(script), stall, break_off, 0

    async def completions(self, request):
        self.requests += 1
        status = self.script.pop(0) if self.script else 200
        if status != 200:
            return JSONResponse(
                {"error": {"message": f"scripted {status}", "type": "test"}}, status_code=status
            )

        async def chunks():
            for piece in ("The owls ", "hunt at night [1]."):
                choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                body = {
                    "id": "x",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "m",
                    "choices": [choice],
                }
                yield f"data: {json.dumps(body)}\n\n"
                if self.break_off:
                    raise ConnectionResetError("the server went away mid-stream")
                if self.stall:
                    await asyncio.sleep(self.stall)
            yield "data: [DONE]\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream")


@pytest.fixture
async def misbehaving():
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    servers = []

    async def start(script, stall=0.0, break_off=False):
        endpoint = Misbehaving(script, stall, break_off)
        app = Starlette(routes=[Route("/v1/chat/completions", endpoint.completions, methods=["POST"])])
        config = Config()
        port = free_port()
        config.bind = [f"127.0.0.1:{port}"]
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))
        servers.append((stop, task))
        await asyncio.sleep(0.3)
        return endpoint, f"http://127.0.0.1:{port}/v1"

    yield start
    for stop, task in servers:
        stop.set()
        await task


def _settings(base_url: str, **overrides) -> OpenAIChatSettings:
    return OpenAIChatSettings(base_url=base_url, model="m", **overrides)


async def test_a_server_that_is_not_there_is_retryable_before_any_delta():
    async with open_openai_chat(_settings(f"http://127.0.0.1:{free_port()}/v1", max_retries=0)) as model:
        with pytest.raises(ProviderUnavailable) as raised:
            await collect(model, request())
    assert raised.value.retryable


async def test_a_refused_key_is_not_retryable_and_not_retried(misbehaving):
    endpoint, base = await misbehaving([401])
    async with open_openai_chat(_settings(base, max_retries=3)) as model:
        with pytest.raises(ProviderUnavailable, match="HTTP 401") as raised:
            await collect(model, request())
    assert not raised.value.retryable and endpoint.requests == 1


async def test_server_errors_are_retried_with_backoff_then_answered(misbehaving):
    endpoint, base = await misbehaving([500, 429])
    async with open_openai_chat(_settings(base, max_retries=2)) as model:
        deltas = await collect(model, request())
    assert "".join(d.text for d in deltas) == "The owls hunt at night [1]."
    assert endpoint.requests == 3 and deltas[-1].finish_reason == "stop"


async def test_server_errors_past_the_retries_are_retryable(misbehaving):
    endpoint, base = await misbehaving([503, 503, 503])
    async with open_openai_chat(_settings(base, max_retries=1)) as model:
        with pytest.raises(ProviderUnavailable) as raised:
            await collect(model, request())
    assert raised.value.retryable and endpoint.requests == 2


async def test_a_stream_that_stalls_times_out_after_its_first_delta(misbehaving):
    _, base = await misbehaving([200], stall=5)
    async with open_openai_chat(_settings(base, timeout_seconds=1, max_retries=0)) as model:
        stream = model.stream(request())
        assert (await anext(stream)).text == "The owls "
        with pytest.raises(ProviderUnavailable):
            await anext(stream)
        await stream.aclose()


async def test_a_stream_that_breaks_off_is_a_retryable_provider_error(misbehaving):
    _, base = await misbehaving([200], break_off=True)
    async with open_openai_chat(_settings(base, max_retries=0)) as model:
        stream = model.stream(request())
        assert (await anext(stream)).text == "The owls "
        with pytest.raises(ProviderUnavailable) as raised:
            await anext(stream)
        await stream.aclose()
    assert raised.value.retryable
