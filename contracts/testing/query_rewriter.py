"""Contract tests every QueryRewriter passes. Subclasses provide an async fixture `adapter`."""

from __future__ import annotations

from typing import Any

from ragloom.core.models import Message

LIGHTHOUSE = [
    Message("user", "Tell me about the Brightwater Lighthouse."),
    Message("assistant", "It stands on a basalt reef [1]."),
]


class QueryRewriterContract:
    async def test_a_question_without_dialogue_is_searched_as_asked(self, adapter: Any) -> None:
        assert await adapter.rewrite("When was it built?", []) == "When was it built?"

    async def test_a_question_that_stands_alone_is_searched_as_asked(self, adapter: Any) -> None:
        question = "Who painted the Kessel mill?"
        assert await adapter.rewrite(question, LIGHTHOUSE) == question

    async def test_a_follow_up_names_what_the_dialogue_was_about(self, adapter: Any) -> None:
        query = await adapter.rewrite("When was it built?", LIGHTHOUSE)
        assert "brightwater" in query.lower() and "built" in query.lower()

    async def test_the_query_is_one_line_of_text(self, adapter: Any) -> None:
        query = await adapter.rewrite("And how tall is its tower?", LIGHTHOUSE)
        assert isinstance(query, str) and query.strip() and "\n" not in query
