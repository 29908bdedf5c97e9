"""Contract tests every SpeechToText passes. Subclasses provide an async fixture `adapter` and a
fixture `speech`: (16 kHz mono float32 samples of a clearly spoken sentence, that sentence)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from ragloom.core.ports import SPEECH_SAMPLE_RATE


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def word_mismatch(said: str, heard: str) -> float:
    """1 - the similarity of the two word sequences (0: the same words in the same order)."""
    return 1 - SequenceMatcher(None, _words(said), _words(heard), autojunk=False).ratio()


class SpeechToTextContract:
    async def test_it_hears_what_was_said(self, adapter: Any, speech: Any) -> None:
        samples, said = speech
        heard = " ".join(segment.text for segment in await adapter.transcribe(samples))
        assert word_mismatch(said, heard) <= 0.25, heard

    async def test_segments_are_timed_in_order_within_the_audio(self, adapter: Any, speech: Any) -> None:
        samples, _ = speech
        duration = len(samples) / SPEECH_SAMPLE_RATE
        segments = list(await adapter.transcribe(samples))
        assert segments
        previous = 0.0
        for segment in segments:
            assert segment.text.strip()
            where = segment.location
            assert previous <= where.start_seconds <= where.end_seconds <= duration + 0.5
            previous = where.start_seconds

    async def test_silence_gives_no_segments(self, adapter: Any) -> None:
        assert list(await adapter.transcribe(np.zeros(3 * SPEECH_SAMPLE_RATE, np.float32))) == []

    async def test_it_names_its_model(self, adapter: Any) -> None:
        assert adapter.name.strip()
