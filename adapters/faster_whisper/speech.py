"""FasterWhisperSpeech: the SpeechToText port on faster-whisper, one model call at a time on a
worker thread (CTranslate2 uses its own threads inside), with voice-activity filtering."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import platformdirs

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import Location, Segment
from ragloom.core.ports import SPEECH_SAMPLE_RATE, Samples
from ragloom.core.progress import report_progress

from .models import model_folder
from .settings import FasterWhisperSettings


@functools.lru_cache(maxsize=2)
def _model(folder: str, compute_type: str, threads: int) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faster_whisper import WhisperModel

    return WhisperModel(folder, device="cpu", compute_type=compute_type, cpu_threads=threads)


class FasterWhisperSpeech:
    def __init__(self, model: Any, settings: FasterWhisperSettings) -> None:
        self._model = model
        self._settings = settings
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")

    @property
    def name(self) -> str:
        return f"faster-whisper {self._settings.model}"

    def _run(self, samples: Samples) -> list[Segment]:
        try:
            found, _ = self._model.transcribe(
                samples,
                language=self._settings.language,
                beam_size=self._settings.beam_size,
                vad_filter=self._settings.vad_filter,
                condition_on_previous_text=False,
                word_timestamps=self._settings.word_timestamps,
            )
            seconds = len(samples) / SPEECH_SAMPLE_RATE
            segments = []
            for s in found:  # transcribed lazily, segment by segment
                report_progress(float(s.end) / seconds if seconds else 1.0)
                if s.text.strip():
                    start, end = round(float(s.start), 2), round(float(s.end), 2)
                    segments.append(Segment(s.text.strip(), Location(start_seconds=start, end_seconds=end)))
            return segments
        except (RuntimeError, ValueError) as error:
            raise ProviderUnavailable(f"speech recognition failed: {error}", retryable=False) from error

    async def transcribe(self, samples: Samples) -> Sequence[Segment]:
        """The segments heard; reports progress by the seconds transcribed so far."""
        context = contextvars.copy_context()  # the caller's progress reporter, in the model's thread
        return await asyncio.get_running_loop().run_in_executor(self._thread, context.run, self._run, samples)

    def close(self) -> None:
        self._thread.shutdown(wait=True)


@asynccontextmanager
async def open_speech(settings: FasterWhisperSettings) -> AsyncIterator[FasterWhisperSpeech]:
    cache = (
        Path(settings.cache) if settings.cache else Path(platformdirs.user_cache_dir("ragloom")) / "models"
    )
    folder = await asyncio.to_thread(model_folder, settings.model, cache)
    model = await asyncio.to_thread(_model, str(folder), settings.compute_type, settings.threads)
    speech = FasterWhisperSpeech(model, settings)
    try:
        yield speech
    finally:
        speech.close()
