"""The `parrot` chat model: the opening sentence of the best passage, cited as [1]."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import BaseModel, ConfigDict

from ragloom.contracts import AdapterSpec, Port, hookimpl
from ragloom.core.models import ChatDelta, ChatRequest


class ParrotSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prefix: str = "Squawk:"


class ParrotChatModel:
    def __init__(self, settings: ParrotSettings) -> None:
        self._prefix = settings.prefix

    @property
    def name(self) -> str:
        return "parrot"

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        passages = request.grounding.passages
        if not passages:
            yield ChatDelta(f"{self._prefix} nothing to repeat.")
        else:
            opening = passages[0].text.split(". ")[0].rstrip(".")
            for word in f"{self._prefix} {opening}. [{passages[0].marker}]".split(" "):
                yield ChatDelta(word + " ")
        yield ChatDelta(finish_reason="stop")


@asynccontextmanager
async def open_parrot(settings: ParrotSettings) -> AsyncIterator[ParrotChatModel]:
    yield ParrotChatModel(settings)


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.CHAT_MODEL, "parrot", open_parrot, ParrotSettings, "repeats the best passage's opening"
        )
    ]
