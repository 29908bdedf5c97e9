"""Ports whose first real adapter is still to come: their fakes pass the contract suites now, so the
real adapters will be held to the same behaviour."""

from __future__ import annotations

import pytest

from ragloom.adapters.extractive.model import ExtractiveChatModel, ExtractiveSettings
from ragloom.adapters.memory.chat_model import EchoChatModel
from ragloom.adapters.memory.image_embedder import HashingImageEmbedder
from ragloom.adapters.memory.scrubber import EmailScrubber
from ragloom.adapters.memory.semantic_cache import InMemorySemanticCache
from ragloom.contracts.testing.chat_model import ChatModelContract
from ragloom.contracts.testing.image_embedder import ImageEmbedderContract
from ragloom.contracts.testing.pii_scrubber import PiiScrubberContract
from ragloom.contracts.testing.semantic_cache import SemanticCacheContract


class TestEchoChatModel(ChatModelContract):
    @pytest.fixture
    def adapter(self):
        return EchoChatModel()


class TestExtractiveChatModel(ChatModelContract):
    @pytest.fixture
    def adapter(self):
        return ExtractiveChatModel(ExtractiveSettings())


class TestInMemorySemanticCache(SemanticCacheContract):
    @pytest.fixture
    def clock(self):
        return [0.0]

    @pytest.fixture
    def adapter(self, clock):
        return InMemorySemanticCache(threshold=0.95, ttl_seconds=60, clock=lambda: clock[0])

    @pytest.fixture
    def expire(self, clock):
        async def later():
            clock[0] += 61

        return later


class TestEmailScrubber(PiiScrubberContract):
    @pytest.fixture
    def adapter(self):
        return EmailScrubber()


class TestHashingImageEmbedder(ImageEmbedderContract):
    @pytest.fixture
    def adapter(self):
        return HashingImageEmbedder(32)

    @pytest.fixture
    def images(self):
        return b"\x89PNG\r\n\x1a\n" + b"one", b"\xff\xd8\xff" + b"two"
