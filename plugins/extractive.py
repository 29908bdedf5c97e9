"""The extractive chat model: answers from the retrieved sentences, no LLM."""

from ragloom.adapters.extractive.model import ExtractiveSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.CHAT_MODEL,
            "extractive",
            lazy("ragloom.adapters.extractive.model:open_chat_model"),
            ExtractiveSettings,
            "the passages' best-matching sentences, each cited",
        )
    ]
