"""Both transcribers against the SpeechToText contract, on speech made by espeak-ng; whisper.cpp
runs a model file written by `ragloom models whisper-cpp` and must agree with faster-whisper."""

from __future__ import annotations

import pytest

from ragloom.adapters.faster_whisper.settings import FasterWhisperSettings
from ragloom.adapters.faster_whisper.speech import open_speech as open_faster_whisper
from ragloom.adapters.whisper_cpp.settings import WhisperCppSettings
from ragloom.adapters.whisper_cpp.speech import open_speech as open_whisper_cpp
from ragloom.contracts.testing.speech_to_text import SpeechToTextContract
from ragloom.core.errors import ProviderUnavailable
from ragloom.entrypoints import model_commands
from tests.helpers.media import recording, word_error_rate

SAID = (
    "Our team will meet in the library on Friday to review the budget. "
    "Please send the report to the office before lunch."
)


@pytest.fixture(scope="session")
def speech():
    samples, _ = recording([SAID])
    return samples, SAID


@pytest.fixture(scope="session")
def ggml_tiny(tmp_path_factory):
    """A whisper.cpp model file written by the project's own converter from the packaged tiny.en."""
    return model_commands.whisper_cpp("tiny.en", tmp_path_factory.mktemp("ggml") / "ggml-tiny.en.bin")


class TestFasterWhisper(SpeechToTextContract):
    @pytest.fixture
    async def adapter(self):
        async with open_faster_whisper(FasterWhisperSettings()) as speech:
            yield speech


class TestWhisperCpp(SpeechToTextContract):
    @pytest.fixture
    async def adapter(self, ggml_tiny):
        async with open_whisper_cpp(WhisperCppSettings(model=str(ggml_tiny))) as speech:
            yield speech


async def test_whisper_cpp_on_a_converted_model_agrees_with_faster_whisper(ggml_tiny, speech):
    samples, said = speech
    async with open_faster_whisper(FasterWhisperSettings()) as reference:
        expected = " ".join(s.text for s in await reference.transcribe(samples))
    async with open_whisper_cpp(WhisperCppSettings(model=str(ggml_tiny))) as converted:
        heard = " ".join(s.text for s in await converted.transcribe(samples))
    assert word_error_rate(expected, heard) <= 0.1, (expected, heard)
    assert word_error_rate(said, heard) <= 0.25, heard


async def test_a_missing_model_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ProviderUnavailable, match="ragloom models whisper-cpp"):
        async with open_whisper_cpp(WhisperCppSettings(model=str(tmp_path / "nope.bin"))):
            pass


async def test_an_unknown_packaged_model_is_refused(tmp_path):
    with pytest.raises(ProviderUnavailable, match="neither a packaged model"):
        async with open_faster_whisper(FasterWhisperSettings(model="large-v9")):
            pass
