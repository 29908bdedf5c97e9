"""The QueryRewriter contract: the rules, and a chat model's rewriting (a scripted model, and one
that fails, for which the rules stand in)."""

from __future__ import annotations

import pytest

from ragloom.adapters.query_rewrite.model import ChatModelRewriter, RewriterSettings
from ragloom.adapters.query_rewrite.rules import RulesRewriter
from ragloom.contracts.testing.query_rewriter import QueryRewriterContract
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import ChatDelta


class Scripted:
    """A generative chat model that writes the standalone question a good model would."""

    generative = True
    name = "scripted"

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    async def stream(self, request):
        if self.error:
            raise self.error
        last = request.messages[-1].content.rsplit("Last question: ", 1)[1]
        yield ChatDelta(last.replace(" it ", " the Brightwater Lighthouse ") + "\n(done)")


class TestRulesRewriter(QueryRewriterContract):
    @pytest.fixture
    async def adapter(self):
        return RulesRewriter()


class TestChatModelRewriter(QueryRewriterContract):
    @pytest.fixture
    async def adapter(self):
        return ChatModelRewriter(Scripted(), RewriterSettings())


class TestChatModelRewriterWhenTheModelFails(QueryRewriterContract):
    @pytest.fixture
    async def adapter(self):
        return ChatModelRewriter(Scripted(ProviderUnavailable("down")), RewriterSettings())
