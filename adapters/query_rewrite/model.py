"""ChatModelRewriter: the configured chat model writes the standalone query; the rules do when the
model is not generative (it only quotes passages), fails, or answers with something unusable."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import ChatRequest, GenerationOptions, Grounding, Message

from .rules import RulesRewriter, leans_on_dialogue

INSTRUCTIONS = (
    "Rewrite the user's last question so that it can be understood without the conversation: "
    "replace pronouns with what they refer to and keep every name, number and term. "
    "Reply with the rewritten question only."
)


class RewriterSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(64, ge=8, le=512, description="the longest rewritten question")


class ChatModelRewriter:
    def __init__(self, chat_model: Any, settings: RewriterSettings) -> None:
        self._model = chat_model
        self._settings = settings
        self._rules = RulesRewriter()

    async def rewrite(self, question: str, history: Sequence[Message]) -> str:
        if not history or not leans_on_dialogue(question):
            return question
        dialogue = "\n".join(f"{m.role}: {m.content}" for m in history)
        messages = [
            Message("system", INSTRUCTIONS),
            Message("user", f"Conversation:\n{dialogue}\n\nLast question: {question}"),
        ]
        request = ChatRequest(
            messages,
            Grounding(question, (), tuple(history)),
            GenerationOptions(max_tokens=self._settings.max_tokens, temperature=0.0),
        )
        try:
            written = "".join([delta.text async for delta in self._model.stream(request)]).strip()
        except ProviderUnavailable:
            return await self._rules.rewrite(question, history)
        first_line = written.splitlines()[0].strip().strip('"') if written else ""
        if not first_line or len(first_line) > 4 * len(question) + 200:
            return await self._rules.rewrite(question, history)
        return first_line


@asynccontextmanager
async def open_rules(settings: Any) -> AsyncIterator[RulesRewriter]:
    yield RulesRewriter()


@asynccontextmanager
async def open_model_rewriter(
    settings: RewriterSettings, chat_model: Any = None
) -> AsyncIterator[ChatModelRewriter]:
    yield ChatModelRewriter(chat_model, settings)


@asynccontextmanager
async def open_auto(settings: RewriterSettings, chat_model: Any = None) -> AsyncIterator[Any]:
    """The chat model's rewriting when it is generative (an LLM), the rules otherwise."""
    if chat_model is not None and getattr(chat_model, "generative", False):
        yield ChatModelRewriter(chat_model, settings)
    else:
        yield RulesRewriter()
