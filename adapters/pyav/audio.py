"""AudioExtractor: any audio file PyAV can open -> 16 kHz mono samples -> timed transcript segments.

Decoding is bounded as it goes (`max_seconds`), so a long or lying file fails without filling
memory; corrupt, truncated, silent or undecodable audio fails the document with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import av
import numpy as np

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.media import base_type
from ragloom.core.models import Extraction
from ragloom.core.ports import SPEECH_SAMPLE_RATE, SpeechToText
from ragloom.core.progress import stage

from .settings import AUDIO_MEDIA_TYPES, AudioSettings


def decode(source: Path, max_seconds: float) -> np.ndarray:
    """The first audio stream as 16 kHz mono float32; ExtractionFailed naming what is wrong."""
    limit = int(max_seconds * SPEECH_SAMPLE_RATE)
    pieces: list[np.ndarray] = []
    decoded = 0
    try:
        with av.open(str(source)) as container:
            streams = container.streams.audio
            if not streams:
                raise ExtractionFailed("the file has no audio stream")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SPEECH_SAMPLE_RATE)
            for frame in container.decode(streams[0]):
                for resampled in resampler.resample(frame):
                    samples = resampled.to_ndarray().reshape(-1)
                    decoded += len(samples)
                    if decoded > limit:
                        raise ExtractionFailed(
                            f"the recording is longer than {max_seconds:g} s "
                            "(plugins.media_extractor.audio.max_seconds)"
                        )
                    pieces.append(samples)
            for resampled in resampler.resample(None):
                pieces.append(resampled.to_ndarray().reshape(-1))
    except ExtractionFailed:
        raise
    except av.error.InvalidDataError as error:
        raise ExtractionFailed(f"the audio is corrupt or truncated: {_reason(error)}") from error
    except av.error.DecoderNotFoundError as error:
        raise ExtractionFailed(f"the audio codec is not supported: {_reason(error)}") from error
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise ExtractionFailed(f"the audio could not be decoded: {_reason(error)}") from error
    audio = np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)
    if len(audio) < SPEECH_SAMPLE_RATE // 10:
        raise ExtractionFailed("the recording holds no audio (or less than 0.1 s)")
    return audio


def _reason(error: Exception) -> str:
    """FFmpeg's reason without the file's path (a storage detail, not the user's business)."""
    return getattr(error, "strerror", None) or type(error).__name__


class AudioExtractor:
    def __init__(self, speech: SpeechToText, settings: AudioSettings) -> None:
        self._speech = speech
        self._settings = settings

    @property
    def media_types(self) -> frozenset[str]:
        return AUDIO_MEDIA_TYPES

    async def extract(self, source: Path, media_type: str, filename: str) -> Extraction:
        if base_type(media_type) not in AUDIO_MEDIA_TYPES:
            raise UnsupportedMedia(f"{media_type} is not an audio format")
        audio = await asyncio.to_thread(decode, source, self._settings.max_seconds)
        with stage(0.05, 1.0):
            segments = await self._speech.transcribe(audio)
        if not segments:
            raise ExtractionFailed(f"no speech was heard in {filename!r}")
        return Extraction(list(segments))


@asynccontextmanager
async def open_audio_extractor(
    settings: AudioSettings, speech_to_text: Any = None
) -> AsyncIterator[AudioExtractor]:
    if speech_to_text is None:
        raise ExtractionFailed("the audio extractor needs a speech_to_text adapter (adapters.speech_to_text)")
    yield AudioExtractor(speech_to_text, settings)
