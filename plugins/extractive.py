"""The extractive chat model: answers from the retrieved sentences, no LLM."""

from ragloom.adapters.extractive import ExtractiveSettings, open_chat_model
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.CHAT_MODEL,
            "extractive",
            open_chat_model,
            ExtractiveSettings,
            "the passages' best-matching sentences, each cited",
        )
    ]
