"""Media made at test time: speech from espeak-ng, transcoded with PyAV, and word error rates."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import jiwer
import numpy as np

RATE = 16_000


@dataclass(frozen=True)
class Spoken:
    """A sentence said from `start` to `end` seconds into a clip."""

    text: str
    start: float
    end: float


def say(text: str) -> np.ndarray:
    """`text` spoken by espeak-ng, as 16 kHz mono float32 samples."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise AssertionError("espeak-ng is missing: scripts/test.sh installs it")
    wav = subprocess.run(
        [espeak, "--stdout", "-s", "150", text], check=True, capture_output=True, timeout=60
    ).stdout
    with av.open(io.BytesIO(wav)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        pieces = [
            r.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for r in resampler.resample(frame)
        ]
    return np.concatenate(pieces).astype(np.float32)


def recording(sentences: list[str], gap_seconds: float = 1.0) -> tuple[np.ndarray, list[Spoken]]:
    """The sentences said one after another with `gap_seconds` of silence between them."""
    parts: list[np.ndarray] = []
    spoken: list[Spoken] = []
    at = 0.0
    for i, sentence in enumerate(sentences):
        if i:
            parts.append(np.zeros(int(gap_seconds * RATE), np.float32))
            at += gap_seconds
        samples = say(sentence)
        parts.append(samples)
        spoken.append(Spoken(sentence, at, at + len(samples) / RATE))
        at += len(samples) / RATE
    return np.concatenate(parts), spoken


def write_wav(samples: np.ndarray, path: Path) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    return path


# container format, codec, sample rate and channel layout the codec takes
FORMATS = {
    ".mp3": ("mp3", "libmp3lame", 16_000, "mono"),
    ".ogg": ("ogg", "vorbis", 16_000, "stereo"),  # FFmpeg's own Vorbis encoder is stereo only
    ".opus": ("ogg", "libopus", 48_000, "mono"),
    ".flac": ("flac", "flac", 16_000, "mono"),
    ".m4a": ("ipod", "aac", 16_000, "mono"),
}


def _write_audio(container: Any, stream: Any, samples: np.ndarray, rate: int, layout: str) -> None:
    """Resample mono `samples` (at RATE) to the stream's format and mux them, then flush."""
    resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
    fifo = av.AudioFifo()
    source = av.AudioFrame.from_ndarray(
        samples.reshape(1, -1).astype(np.float32), format="flt", layout="mono"
    )
    source.sample_rate = RATE
    for converted in resampler.resample(source) + resampler.resample(None):
        fifo.write(converted)
    step = stream.codec_context.frame_size or 1024
    while fifo.samples:
        for packet in stream.encode(fifo.read(min(step, fifo.samples))):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)


def encode(samples: np.ndarray, path: Path) -> Path:
    """The samples encoded by PyAV in the format `path`'s suffix names (see FORMATS)."""
    container_format, codec, rate, layout = FORMATS[path.suffix]
    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        stream.codec_context.options = {"strict": "experimental"}
        _write_audio(container, stream, samples, rate, layout)
    return path


def word_error_rate(reference: str, heard: str) -> float:
    """WER after lower-casing and dropping punctuation (numbers as the model writes them differ)."""
    clean = jiwer.Compose(
        [jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(), jiwer.Strip()]
    )
    return jiwer.wer(clean(reference), clean(heard))


def make_video(
    path: Path,
    scenes: list[tuple[Any, float]],
    speech: np.ndarray | None = None,
    fps: int = 10,
    size: tuple[int, int] = (640, 360),
) -> Path:
    """An H.264 video of `scenes` (a PIL image shown for so many seconds, each), with `speech` (mono
    at RATE) as an AAC track if given, in the container `path`'s suffix names (.mp4, .mkv, .mov)."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        audio = container.add_stream("aac", rate=RATE, layout="mono") if speech is not None else None
        frames = 0
        for image, seconds in scenes:
            picture = av.VideoFrame.from_image(image.convert("RGB").resize(size))
            for _ in range(round(seconds * fps)):
                picture.pts = frames
                frames += 1
                for packet in video.encode(picture):
                    container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        if audio is not None:
            _write_audio(container, audio, speech, RATE, "mono")
    return path
