"""LLM chat models: any OpenAI-compatible server, or a GGUF model in-process."""

from ragloom.adapters.llama_cpp.settings import LlamaCppSettings
from ragloom.adapters.openai_chat.settings import OpenAIChatSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.CHAT_MODEL,
            "openai",
            lazy("ragloom.adapters.openai_chat.model:open_openai_chat"),
            OpenAIChatSettings,
            "any OpenAI-compatible server (vLLM, llama.cpp server, Ollama, OpenAI), streamed",
        ),
        AdapterSpec(
            Port.CHAT_MODEL,
            "llama_cpp",
            lazy("ragloom.adapters.llama_cpp.model:open_llama_cpp"),
            LlamaCppSettings,
            "a GGUF model in this process (extra: ragloom[llama])",
        ),
    ]
