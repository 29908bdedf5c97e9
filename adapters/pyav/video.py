"""VideoExtractor: a video's audio track through the speech adapter, and its keyframes through OCR.

Frames are looked at every `sample_seconds`; one becomes a keyframe when the picture changed
(`scene_change`) or `floor_seconds` passed, at most `max_keyframes_per_minute`. A keyframe's text
and picture cover the time until the next keyframe. Every segment keeps its time range, so a citation says
when something was said or shown. A video without an audio track still ingests from its frames.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import av
import numpy as np
from PIL import Image

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.media import base_type
from ragloom.core.models import Extraction, Location, Picture, Segment
from ragloom.core.ports import SpeechToText, TextRecognizer
from ragloom.core.progress import report_progress, stage
from ragloom.core.text import read_lines

from .audio import decode as decode_audio
from .video_settings import VIDEO_MEDIA_TYPES, VideoSettings

_THUMB = 64  # side of the grey thumbnail two looked-at frames are compared on
THUMBNAIL = 320  # longer side of a keyframe's stored JPEG
_SCANNED, _READ = 0.25, 0.4  # progress once the frames are scanned, and once keyframes are read


@dataclass(frozen=True)
class Keyframe:
    seconds: float
    pixels: np.ndarray  # RGB


def keyframes(source: Path, settings: VideoSettings) -> tuple[list[Keyframe], float]:
    """The keyframes of the first video stream, and the video's length in seconds."""
    chosen: list[Keyframe] = []
    last_look = last_thumb = None
    seconds = 0.0
    try:
        # The decoders' own wall, for every stream: opening a file decodes a frame to learn its
        # parameters, and a picture's size may change in the middle of a stream.
        bounded = {"max_pixels": str(settings.max_pixels)}
        with av.open(str(source), options=bounded) as container:
            if not container.streams.video:
                return [], _duration(container)
            stream = container.streams.video[0]
            expected = _duration(container)
            _check_declared(stream, expected, settings)
            stream.codec_context.options = bounded
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                seconds = float(frame.time)
                if seconds > settings.max_seconds:
                    raise ExtractionFailed(
                        f"the video is longer than {settings.max_seconds:g} s "
                        "(plugins.media_extractor.video.max_seconds)"
                    )
                if last_look is not None and seconds - last_look < settings.sample_seconds:
                    continue
                last_look = seconds
                if expected:
                    report_progress(seconds / expected)
                thumb = np.asarray(frame.to_image().convert("L").resize((_THUMB, _THUMB)), np.float32) / 255
                changed = last_thumb is None or _changed_share(thumb, last_thumb) >= settings.scene_change
                due = not chosen or seconds - chosen[-1].seconds >= settings.floor_seconds
                if (changed or due) and _room(chosen, seconds, settings.max_keyframes_per_minute):
                    chosen.append(Keyframe(seconds, frame.to_ndarray(format="rgb24")))
                last_thumb = thumb
            length = max(seconds, expected)
    except ExtractionFailed:
        raise
    except av.error.InvalidDataError as error:
        raise ExtractionFailed("the video is corrupt or truncated") from error
    except av.error.ArgumentError as error:  # the decoder refused a frame past max_pixels
        raise ExtractionFailed(
            f"the video's frames are over {settings.max_pixels} pixels "
            "(plugins.media_extractor.video.max_pixels)"
        ) from error
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise ExtractionFailed(f"the video could not be decoded: {type(error).__name__}") from error
    return chosen, length


def _check_declared(stream: Any, seconds: float, settings: VideoSettings) -> None:
    """Refuse a video by what its stream declares, before any frame is decoded: a small file may
    declare frames of 16000 x 16000 pixels, which the decoder would allocate."""
    width, height = stream.codec_context.width, stream.codec_context.height
    if width * height > settings.max_pixels:
        raise ExtractionFailed(
            f"the video's frames are {width} x {height} pixels, over the limit of {settings.max_pixels} "
            "(plugins.media_extractor.video.max_pixels)"
        )
    rate = stream.average_rate or stream.guessed_rate
    if rate and float(rate) > settings.max_frame_rate:
        raise ExtractionFailed(
            f"the video has {float(rate):g} frames per second, over the limit of "
            f"{settings.max_frame_rate:g} (plugins.media_extractor.video.max_frame_rate)"
        )
    if stream.duration and stream.time_base:
        seconds = max(seconds, float(stream.duration * stream.time_base))
    if seconds > settings.max_seconds:
        raise ExtractionFailed(
            f"the video is {seconds:.0f} s long, over the limit of {settings.max_seconds:g} s "
            "(plugins.media_extractor.video.max_seconds)"
        )


def _thumbnail(pixels: np.ndarray) -> bytes:
    """A small JPEG of a keyframe (at most THUMBNAIL pixels on its longer side)."""
    image = Image.fromarray(pixels)
    image.thumbnail((THUMBNAIL, THUMBNAIL))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _changed_share(thumb: np.ndarray, before: np.ndarray) -> float:
    """The share of thumbnail pixels whose brightness moved by more than 0.15 (codec noise stays under)."""
    return float((np.abs(thumb - before) > 0.15).mean())


def _room(chosen: list[Keyframe], seconds: float, per_minute: int) -> bool:
    return sum(1 for k in chosen if seconds - k.seconds < 60) < per_minute


def _duration(container: Any) -> float:
    return float(container.duration / av.time_base) if container.duration else 0.0


_Shown = TypeVar("_Shown", Segment, Picture)


def _until(shown: _Shown, end: float) -> _Shown:
    """A slide's segment or picture, still showing until `end`."""
    return dataclasses.replace(shown, location=dataclasses.replace(shown.location, end_seconds=end))


class VideoExtractor:
    def __init__(self, speech: SpeechToText, recognizer: TextRecognizer, settings: VideoSettings) -> None:
        self._speech = speech
        self._recognizer = recognizer
        self._settings = settings

    @property
    def media_types(self) -> frozenset[str]:
        return VIDEO_MEDIA_TYPES

    async def _frames(self, source: Path) -> tuple[list[Segment], list[Picture]]:
        """The text shown, a segment per slide (frame: the keyframe it was first read in, from 1),
        and a picture per keyframe (a slide still showing extends its first keyframe's picture)."""
        with stage(0.0, _SCANNED):
            chosen, length = await asyncio.to_thread(keyframes, source, self._settings)
        segments: list[Segment] = []
        pictures: list[Picture] = []
        for i, keyframe in enumerate(chosen):
            report_progress(_SCANNED + (_READ - _SCANNED) * i / len(chosen))
            lines = await self._recognizer.recognize(keyframe.pixels)
            text = read_lines([line.text for line in lines])
            start = round(keyframe.seconds, 2)
            end = round(chosen[i + 1].seconds if i + 1 < len(chosen) else max(length, keyframe.seconds), 2)
            if text and segments and segments[-1].text == text and segments[-1].location.end_seconds == start:
                segments[-1] = _until(segments[-1], end)
                pictures[-1] = _until(pictures[-1], end)
                continue
            shown = Location(start_seconds=start, end_seconds=end, track="frame", frame=i + 1)
            if text:
                segments.append(Segment(text, dataclasses.replace(shown, boxes=[line.box for line in lines])))
            jpeg = await asyncio.to_thread(_thumbnail, keyframe.pixels)
            pictures.append(Picture(jpeg, shown))
        return segments, pictures

    async def _speech_segments(self, source: Path) -> list[Segment]:
        try:
            audio = await asyncio.to_thread(decode_audio, source, self._settings.max_seconds)
        except ExtractionFailed as error:
            if "no audio stream" in error.message or "holds no audio" in error.message:
                return []
            raise
        return [
            dataclasses.replace(s, location=dataclasses.replace(s.location, track="speech"))
            for s in await self._speech.transcribe(audio)
        ]

    async def extract(self, source: Path, media_type: str, filename: str) -> Extraction:
        if base_type(media_type) not in VIDEO_MEDIA_TYPES:
            raise UnsupportedMedia(f"{media_type} is not a video format")
        frames, pictures = await self._frames(source)
        with stage(_READ, 1.0):
            spoken = await self._speech_segments(source)
        segments = sorted(
            frames + spoken, key=lambda s: (s.location.start_seconds or 0.0, s.location.end_seconds or 0.0)
        )
        if not segments and not pictures:
            raise ExtractionFailed(f"nothing was said, written or shown in {filename!r}")
        return Extraction(segments, pictures=pictures)


@asynccontextmanager
async def open_video_extractor(
    settings: VideoSettings, speech_to_text: Any = None, text_recognizer: Any = None
) -> AsyncIterator[VideoExtractor]:
    if speech_to_text is None or text_recognizer is None:
        raise ExtractionFailed(
            "the video extractor needs speech_to_text and text_recognizer adapters "
            "(adapters.speech_to_text, adapters.text_recognizer)"
        )
    yield VideoExtractor(speech_to_text, text_recognizer, settings)
