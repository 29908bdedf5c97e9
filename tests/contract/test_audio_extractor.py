"""The PyAV audio extractor with faster-whisper on clips made at test time: every format it declares,
and every way a recording can be unusable."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from ragloom.adapters.faster_whisper.settings import FasterWhisperSettings
from ragloom.adapters.faster_whisper.speech import open_speech
from ragloom.adapters.pyav.audio import AudioExtractor
from ragloom.adapters.pyav.settings import AudioSettings
from ragloom.contracts.testing.media_extractor import MediaExtractorContract, extract_bytes
from ragloom.core.errors import ExtractionFailed
from tests.helpers.media import encode, recording, word_error_rate, write_wav

FIRST = "Our team will meet in the library on Friday to review the budget."
SECOND = "Please send the report to the office before lunch."
SUFFIXES = {
    "audio/wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/opus": ".opus",
}


@pytest.fixture(scope="module")
def clip():
    return recording([FIRST, SECOND], gap_seconds=2.0)


@pytest.fixture(scope="module")
def files(clip, tmp_path_factory):
    """The clip in every declared format: {media type: bytes}."""
    folder = tmp_path_factory.mktemp("audio")
    samples, _ = clip
    made = {"audio/wav": write_wav(samples, folder / "clip.wav").read_bytes()}
    for media_type, suffix in SUFFIXES.items():
        if media_type != "audio/wav":
            made[media_type] = encode(samples, folder / f"clip{suffix}").read_bytes()
    return made


@pytest.fixture
async def extractor():
    async with open_speech(FasterWhisperSettings()) as speech:
        yield AudioExtractor(speech, AudioSettings())


class TestAudioExtractor(MediaExtractorContract):
    @pytest.fixture
    def adapter(self, extractor):
        return extractor

    @pytest.fixture
    def samples(self, files):
        return {media_type: (data, "library") for media_type, data in files.items()}


@pytest.mark.parametrize("media_type", sorted(SUFFIXES))
async def test_every_format_is_heard_with_its_seconds(extractor, files, clip, media_type):
    _, spoken = clip
    extraction = await extract_bytes(extractor, files[media_type], media_type, "clip")
    heard = " ".join(segment.text for segment in extraction.segments)
    assert word_error_rate(f"{FIRST} {SECOND}", heard) <= 0.15, heard
    second = next(s for s in extraction.segments if "report" in s.text)
    assert abs(second.location.start_seconds - spoken[1].start) <= 1.0
    assert abs(second.location.end_seconds - spoken[1].end) <= 1.0


def _silent_wav(seconds: float) -> bytes:
    pcm = np.zeros(int(seconds * 16_000), "<i2").tobytes()
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(pcm),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        16_000,
        32_000,
        2,
        16,
        b"data",
        len(pcm),
    )
    return header + pcm


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda f: b"RIFF\x00\x00\x00\x00WAVE" + bytes(range(256)) * 50, "corrupt or truncated"),
        (lambda f: f["audio/mp4"][: len(f["audio/mp4"]) // 2], "corrupt or truncated"),
        (lambda f: f["audio/mpeg"][:400], "holds no audio"),
        (lambda f: _silent_wav(0), "holds no audio"),
        (
            lambda f: f["audio/wav"][:20] + struct.pack("<H", 0x1234) + f["audio/wav"][22:],
            "codec is not supported",
        ),
        (lambda f: _silent_wav(3), "no speech was heard"),
        (lambda f: b"This is a note, not a recording.", "corrupt or truncated"),
    ],
    ids=["corrupt", "truncated-m4a", "truncated-mp3", "zero-length", "unknown-codec", "silence", "text"],
)
async def test_unusable_recordings_fail_with_the_reason(extractor, files, make, reason):
    with pytest.raises(ExtractionFailed, match=reason) as failure:
        await extract_bytes(extractor, make(files), "audio/wav", "clip.wav")
    assert "/" not in failure.value.message  # no storage path in the document's error


async def test_a_recording_over_the_limit_fails_naming_the_setting(files):
    async with open_speech(FasterWhisperSettings()) as speech:
        short = AudioExtractor(speech, AudioSettings(max_seconds=2))
        with pytest.raises(ExtractionFailed, match="max_seconds"):
            await extract_bytes(short, files["audio/flac"], "audio/flac", "clip.flac")
