"""WhisperCppSpeech: the SpeechToText port on whisper.cpp through pywhispercpp (a prebuilt wheel),
one transcription at a time on a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import Location, Segment
from ragloom.core.ports import Samples

from .settings import WhisperCppSettings


class WhisperCppSpeech:
    def __init__(self, model: Any, settings: WhisperCppSettings) -> None:
        self._model = model
        self._settings = settings
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper-cpp")

    @property
    def name(self) -> str:
        return f"whisper.cpp {Path(self._settings.model).name}"

    def _run(self, samples: Samples) -> list[Segment]:
        audio = np.ascontiguousarray(samples, dtype=np.float32)
        try:
            found = self._model.transcribe(audio, language=self._settings.language)
        except RuntimeError as error:
            raise ProviderUnavailable(f"whisper.cpp failed: {error}", retryable=False) from error
        return [
            Segment(s.text.strip(), Location(start_seconds=s.t0 / 100, end_seconds=s.t1 / 100))
            for s in found
            if s.text.strip() and not s.text.strip().startswith("[")  # [BLANK_AUDIO] and the like
        ]

    async def transcribe(self, samples: Samples) -> Sequence[Segment]:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._run, samples)

    def close(self) -> None:
        self._thread.shutdown(wait=True)


def _load(settings: WhisperCppSettings) -> Any:
    path = Path(settings.model).expanduser()
    if not path.is_file():
        raise ProviderUnavailable(
            f"whisper.cpp model {settings.model!r} does not exist: write one with "
            "`ragloom models whisper-cpp --from tiny.en OUT`",
            retryable=False,
        )
    from pywhispercpp.model import Model

    return Model(
        str(path), redirect_whispercpp_logs_to=None, print_progress=False, n_threads=settings.threads
    )


@asynccontextmanager
async def open_speech(settings: WhisperCppSettings) -> AsyncIterator[WhisperCppSpeech]:
    speech = WhisperCppSpeech(await asyncio.to_thread(_load, settings), settings)
    try:
        yield speech
    finally:
        speech.close()
